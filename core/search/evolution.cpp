#include "core/search/evolution.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>
#include <sstream>

#include "core/space/weight_bytes.h"
#include "core/util/error.h"

namespace hat {

namespace {

std::string saveRng(const std::mt19937_64& rng) {
    std::ostringstream s;
    s << rng;
    return s.str();
}

std::mt19937_64 loadRng(const std::string& state, uint64_t seed) {
    std::mt19937_64 rng(seed);
    if (!state.empty()) {
        std::istringstream s(state);
        s >> rng;
        if (!s) throw Error("search state holds a damaged random-generator state");
    }
    return rng;
}

// Uniform in [0, 1) from 53 bits, identical on every standard library.
double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }
size_t pick(std::mt19937_64& rng, size_t n) { return static_cast<size_t>(rng() % n); }

}  // namespace

std::vector<Score> FitnessSource::race(const std::vector<Gene>& genes, const RaceRequest&,
                                       const CancelToken* cancel) {
    std::vector<Score> out;
    for (double f : fitness(genes, cancel)) out.push_back({f, false});
    return out;
}

void EvolutionSettings::validate() const {
    if (population <= 0 || parents <= 0 || generations < 0) throw Error("search sizes must be positive");
    if (parents + mutations + crossovers != population) {
        throw Error("parents + mutations + crossovers (" + std::to_string(parents + mutations + crossovers) +
                    ") must equal the population size (" + std::to_string(population) + ")");
    }
    if (parents < 2 && crossovers > 0) throw Error("crossover needs at least two parents");
    if (mutationProb < 0 || mutationProb > 1) throw Error("mutation probability must be in [0, 1]");
    if (!(maxLatencyMs > 0)) throw Error("the latency limit must be a positive number of milliseconds");
    if (surrogatePool < 1 || surrogatePool > 64) throw Error("the surrogate pool must be from 1 to 64 children per child scored");
    if (!(raceSigmas >= 0.5 && raceSigmas <= 10)) throw Error("the racing margin must be from 0.5 to 10 standard errors");
    if (!(maxSizeMb >= 0)) throw Error("the size limit must be 0 (none) or a positive number of MB");
    if (sizeVocab < 0) throw Error("the vocabulary counted in the size must not be negative");
    if (surrogateScored < 0 || surrogateScored > mutations + crossovers) {
        throw Error("the children scored with the surrogate must be from 0 to mutations + crossovers (" +
                    std::to_string(mutations + crossovers) + ")");
    }
}

Evolution::Evolution(const DesignSpace& space, EvolutionSettings settings, LatencySource& latency,
                     FitnessSource& fitness)
    : space_(space), settings_(settings), latency_(latency), fitness_(fitness), choices_(space.geneChoices()),
      surrogate_(space) {
    settings_.validate();
}

bool Evolution::satisfies(const Gene& g) {
    if (settings_.maxSizeMb > 0) {
        const WeightBytes b = weightBytes(geneToConfig(g, space_), space_.qkvDim, settings_.sizeVocab,
                                          settings_.sizePrecision);
        if (static_cast<double>(b.total()) > settings_.maxSizeMb * 1e6) return false;
    }
    const LatencyBound e = latency_.latency(g);
    return e.within(settings_.maxLatencyMs, settings_.constrainUpperBound);
}

Gene Evolution::randomGene(std::mt19937_64& rng) const {
    Gene g(choices_.size());
    for (size_t k = 0; k < choices_.size(); ++k) g[k] = choices_[k][pick(rng, choices_[k].size())];
    return g;
}

EvolutionState Evolution::initialState(const std::vector<Gene>& seeds) {
    std::mt19937_64 rng(settings_.seed);
    EvolutionState st;
    std::set<Gene> seen;
    for (const Gene& g : seeds) {
        if (static_cast<int>(st.population.size()) >= settings_.population) break;
        if (!geneIsValid(g, space_) || !satisfies(g)) continue;
        if (seen.insert(canonicalGene(g, space_)).second) st.population.push_back(g);
    }
    int tries = 0;
    while (static_cast<int>(st.population.size()) < settings_.population) {
        if (++tries > settings_.maxTries) {
            if (st.population.empty()) {
                const std::string size = settings_.maxSizeMb > 0
                                             ? " and " + std::to_string(settings_.maxSizeMb) + " MB at " +
                                                   precisionName(settings_.sizePrecision)
                                             : std::string();
                throw Error("no SubTransformer found under " + std::to_string(settings_.maxLatencyMs) + " ms" +
                            size + " after " + std::to_string(settings_.maxTries) +
                            " samples: the limit is below what the device can reach");
            }
            break;  // a tight limit or a tiny space: search the distinct genes there are
        }
        Gene g = randomGene(rng);
        if (!satisfies(g)) continue;
        if (seen.insert(canonicalGene(g, space_)).second) st.population.push_back(std::move(g));
    }
    st.rngState = saveRng(rng);
    return st;
}

std::vector<Gene> Evolution::breed(const std::vector<Candidate>& ranked, std::mt19937_64& rng) {
    const size_t nParents = std::min<size_t>(settings_.parents, ranked.size());
    std::vector<Gene> next;
    std::set<Gene> seen;
    for (size_t i = 0; i < nParents; ++i) {
        next.push_back(ranked[i].gene);
        seen.insert(canonicalGene(ranked[i].gene, space_));
    }
    auto admit = [&](Gene g, int& tries) {
        // Over-limit candidates are rejected (HAT); so are duplicates of the new population (fix),
        // unless the space has run out of distinct genes near the parents.
        if (!satisfies(g)) return false;
        const bool fresh = seen.insert(canonicalGene(g, space_)).second;
        if (!fresh && tries < settings_.maxTries / 2) return false;
        next.push_back(std::move(g));
        return true;
    };
    // With the surrogate, `pool` times the children are bred and the best predicted of each kind
    // kept; the parents stay first in `next`, where the loops below pick them.
    const int pool = settings_.surrogatePool > 1 && surrogate_.fitted() ? settings_.surrogatePool : 1;
    auto keepPredictedBest = [&](size_t from, int keep) {
        if (pool == 1) return;
        std::vector<std::pair<double, size_t>> order;
        for (size_t i = from; i < next.size(); ++i) order.emplace_back(surrogate_.predict(next[i]), i);
        std::stable_sort(order.begin(), order.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        std::vector<Gene> kept;
        for (size_t i = 0; i < order.size() && static_cast<int>(i) < keep; ++i) kept.push_back(next[order[i].second]);
        next.resize(from);
        for (Gene& g : kept) next.push_back(std::move(g));
    };
    // How many of each kind are kept: all bred without the surrogate; with it, the scored
    // children split between mutations and crossovers in their proportion.
    int keepMutations = settings_.mutations, keepCrossovers = settings_.crossovers;
    if (pool > 1 && settings_.surrogateScored > 0) {
        const int bred = settings_.mutations + settings_.crossovers;
        keepMutations = static_cast<int>(std::lround(double(settings_.surrogateScored) * settings_.mutations / bred));
        keepCrossovers = settings_.surrogateScored - keepMutations;
    }
    int tries = 0;
    size_t from = next.size();
    for (int made = 0; made < settings_.mutations * pool && tries < settings_.maxTries; ++tries) {
        const Gene& p = next[pick(rng, nParents)];
        Gene g = p;
        for (size_t k = 0; k < g.size(); ++k) {
            if (uniform01(rng) < settings_.mutationProb) g[k] = choices_[k][pick(rng, choices_[k].size())];
        }
        if (admit(std::move(g), tries)) ++made;
    }
    keepPredictedBest(from, keepMutations);
    tries = 0;
    from = next.size();
    for (int made = 0; made < settings_.crossovers * pool && nParents >= 2 && tries < settings_.maxTries; ++tries) {
        const size_t a = pick(rng, nParents);
        size_t b = pick(rng, nParents - 1);
        if (b >= a) ++b;  // two distinct parents
        Gene g(next[a].size());
        for (size_t k = 0; k < g.size(); ++k) g[k] = uniform01(rng) < 0.5 ? next[a][k] : next[b][k];
        if (admit(std::move(g), tries)) ++made;
    }
    keepPredictedBest(from, keepCrossovers);
    return next;
}

void Evolution::remember(const std::vector<Candidate>& scored) {
    for (const Candidate& c : scored) {
        if (!c.raced) surrogate_.add(c.gene, c.fitness);  // a raced loss is only a bound
    }
}

EvolutionResult Evolution::run(EvolutionState state, EvolutionObserver* observer, const CancelToken* cancel) {
    EvolutionResult result;
    std::mt19937_64 rng = loadRng(state.rngState, settings_.seed);
    for (int gen = state.generation; gen <= settings_.generations; ++gen) {
        const auto start = std::chrono::steady_clock::now();
        if (cancel && cancel->cancelled()) {
            result.cancelled = true;
            return result;
        }
        // From generation 1 the population starts with the parents bred from (breed() puts them
        // first), against whose worst the children race.
        std::vector<Score> fit;
        if (settings_.racing && gen > 0) {
            RaceRequest race;
            race.exact = std::min<size_t>(settings_.parents, state.population.size());
            race.sigmas = settings_.raceSigmas;
            fit = fitness_.race(state.population, race, cancel);
        } else {
            for (double f : fitness_.fitness(state.population, cancel)) fit.push_back({f, false});
        }
        if (cancel && cancel->cancelled()) {
            result.cancelled = true;
            return result;
        }
        std::vector<Candidate> ranked(state.population.size());
        for (size_t i = 0; i < ranked.size(); ++i) {
            ranked[i].gene = state.population[i];
            ranked[i].fitness = fit.at(i).fitness;
            ranked[i].raced = fit.at(i).raced;
            ranked[i].latency = latency_.latency(ranked[i].gene);
        }
        // Stable: equal fitness keeps population order, so runs are reproducible.
        std::stable_sort(ranked.begin(), ranked.end(),
                         [](const Candidate& a, const Candidate& b) { return a.fitness < b.fitness; });
        if (settings_.surrogatePool > 1) {
            remember(ranked);
            surrogate_.fit();
        }
        GenerationReport report;
        report.generation = gen;
        report.best = ranked.front();
        report.last = gen == settings_.generations;
        if (!report.last) {
            report.next.generation = gen + 1;
            report.next.population = breed(ranked, rng);
            report.next.rngState = saveRng(rng);
        }
        report.population = std::move(ranked);
        report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        result.best = report.best;
        result.generations = gen + 1;
        if (observer) observer->onGeneration(report);
        if (report.last) break;
        state = report.next;
    }
    return result;
}

}  // namespace hat

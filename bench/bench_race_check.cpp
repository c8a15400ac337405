// How racing (core/eval/race_rule) would have scored a plain search, and whether it would have
// changed the search (issue 19). A plain search (no racing) on a fresh demo workspace; then every
// child of generations 1.. is evaluated again with each sentence's loss kept, and the race is
// replayed for several margins: a child races against the worst parent it was bred from.
//   profile    what racing pairs sentences with: the fixed reference architectures, the mean of
//              the generation's parents
//   threshold  the worst parent, or (adaptive) the cutoff to become a parent as it falls during
//              the generation, updated every 25 children in breeding order
//   worse      children whose full loss is above the threshold (what a perfect race would stop)
//   raced      children stopped early, of all children scored
//   cost       tokens evaluated over all children, as a share of scoring them in full
//   wrong      raced children whose full loss is below the threshold (the bound failed)
//   parents    raced children that became parents in the plain run (racing would change it)
//
//   bench_race_check [--device hat/wmt14ende_cpu_raspberrypi] [--generations 12] [--seed 1]
//                    [--sentences 64] [--threads 1] [--sigmas 2,3,4] [--min-share 0.15,0.25,0.4]
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "bench/demo_search_bench.h"
#include "core/data/dictionary.h"
#include "core/eval/fitness_evaluator.h"
#include "core/model/checkpoint.h"
#include "core/model/compute_threads.h"
#include "core/util/allocator.h"

using namespace hat;
using namespace hat::bench;
namespace fs = std::filesystem;

namespace {

struct Generations : EvolutionObserver {
    std::vector<std::vector<Candidate>> populations;  // ranked, best first
    std::vector<std::vector<Gene>> bred;              // the next generation in the order it was bred
    void onGeneration(const GenerationReport& r) override {
        populations.push_back(r.population);
        bred.push_back(r.next.population);
    }
};

std::vector<double> doubleList(const std::string& text) {
    std::vector<double> out;
    std::stringstream ss(text);
    for (std::string s; std::getline(ss, s, ',');) out.push_back(std::stod(s));
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    keepFreedMemory();
    std::string device = "hat/wmt14ende_cpu_raspberrypi";
    int sentences = 64, threads = 1;
    std::vector<double> sigmas = {2, 3, 4}, minShares = {0.15, 0.25, 0.4};
    EvolutionSettings s;
    s.generations = 12;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&] { return std::string(i + 1 < argc ? argv[++i] : ""); };
        if (a == "--device") device = next();
        else if (a == "--generations") s.generations = std::stoi(next());
        else if (a == "--seed") s.seed = std::stoull(next());
        else if (a == "--sentences") sentences = std::stoi(next());
        else if (a == "--threads") threads = std::stoi(next());
        else if (a == "--sigmas") sigmas = doubleList(next());
        else if (a == "--min-share") minShares = doubleList(next());
    }
    setComputeThreads(threads);
    const std::string dir = (fs::temp_directory_path() / "hat_bench_race_check").string();
    Workspace w = Workspace::open(freshWorkspace(dir, device, sentences));
    s.maxLatencyMs = midRangeLimit(w, device);
    Generations gens;
    w.search(device, s, false, &gens);
    const DesignSpace space = w.space();

    // The same fitness set and batches as the search's (SupernetFitness), every sentence kept.
    const Dictionary dict = Dictionary::loadFairseq(kRoot + "/data/demo/dict.txt");
    const TokenizedCorpus data = loadFitnessSet(demoFitnessSet(sentences), dict);
    const std::vector<Batch> batches = batchesOf(data, FitnessSetOptions{}.maxTokens);
    std::vector<int64_t> batchTokens;
    for (const Batch& b : batches) batchTokens.push_back(b.ntokens);
    FitnessEvaluator ev(loadSuperTransformer(kRoot + "/data/demo/checkpoint_last.pt", &space), batches, threads);
    std::vector<SubConfig> reference;
    for (const Gene& g : raceReferenceGenes(space)) reference.push_back(geneToConfig(g, space));
    ev.setRaceReference(reference);

    std::map<Gene, SentenceLosses> losses;
    std::map<Gene, double> full;
    std::vector<Gene> children;
    for (size_t g = 0; g < gens.populations.size(); ++g) {
        for (const Candidate& c : gens.populations[g]) {
            const Gene key = canonicalGene(c.gene, space);
            if (full.emplace(key, c.fitness).second) children.push_back(key);
        }
    }
    std::vector<SubConfig> configs;
    for (const Gene& g : children) configs.push_back(geneToConfig(g, space));
    const auto outcomes = ev.race(configs, std::numeric_limits<double>::infinity());
    double worstDiff = 0.0;
    for (size_t i = 0; i < children.size(); ++i) {
        losses[children[i]] = outcomes[i]->sentenceLoss;
        worstDiff = std::max(worstDiff, std::abs(outcomes[i]->loss.loss - full[children[i]]));
    }
    std::printf("%s at %.1f ms, seed %llu, %d generations x %d, %d sentences in %zu batches (race order",
                device.c_str(), s.maxLatencyMs, static_cast<unsigned long long>(s.seed), s.generations,
                s.population, sentences, ev.raceRule().batches());
    for (size_t b : ev.raceRule().order()) std::printf(" %zu", b);
    std::printf("); %zu distinct genes re-evaluated, largest |loss - stored| %.1e\n", children.size(), worstDiff);
    std::printf("%9s %9s %7s %9s %8s %8s %8s %7s %7s %9s\n", "profile", "threshold", "sigmas", "min share",
                "children", "worse", "raced", "cost", "wrong", "parents");
    // The profile racing pairs with: the fixed reference architectures or the mean of this
    // generation's parents. The threshold: the worst parent, or (adaptive) the parents' cutoff
    // as it falls during the generation, updated after every 25 children in breeding order.
    const size_t chunk = 25;
    for (const std::string profileKind : {"reference", "parents"}) {
        for (const std::string thresholdKind : {"parents", "adaptive"}) {
            for (double z : sigmas) {
                for (double share : minShares) {
                    RaceSettings rs;
                    rs.sigmas = z;
                    rs.minShare = share;
                    int scored = 0, worse = 0, raced = 0, wrong = 0, changed = 0;
                    double cost = 0.0;
                    for (size_t g = 1; g < gens.populations.size(); ++g) {
                        const auto& prev = gens.populations[g - 1];
                        const size_t np = std::min<size_t>(s.parents, prev.size());
                        std::set<Gene> parents;
                        std::vector<double> exact;  // fitness known in full, for the cutoff
                        SentenceLosses profile;
                        for (size_t i = 0; i < np; ++i) {
                            const Gene key = canonicalGene(prev[i].gene, space);
                            parents.insert(key);
                            exact.push_back(prev[i].fitness);
                            const SentenceLosses& l = losses[key];
                            if (profile.empty()) {
                                profile = l;
                                for (auto& b : profile) std::fill(b.begin(), b.end(), 0.0);
                            }
                            for (size_t b = 0; b < l.size(); ++b) {
                                for (size_t r = 0; r < l[b].size(); ++r) profile[b][r] += l[b][r] / double(np);
                            }
                        }
                        RaceRule rule = ev.raceRule();
                        if (profileKind != "reference") rule = RaceRule(profile, batchTokens, rs);
                        rule.setSettings(rs);
                        std::set<Gene> nextParents;
                        const auto& now = gens.populations[g];
                        for (size_t i = 0; i < std::min<size_t>(s.parents, now.size()); ++i) {
                            nextParents.insert(canonicalGene(now[i].gene, space));
                        }
                        std::vector<Gene> order;
                        for (const Gene& gene : gens.bred[g - 1]) {
                            const Gene key = canonicalGene(gene, space);
                            if (!parents.count(key)) order.push_back(key);
                        }
                        double threshold = *std::max_element(exact.begin(), exact.end());
                        for (size_t i = 0; i < order.size(); ++i) {
                            if (thresholdKind == "adaptive" && i % chunk == 0) {
                                std::vector<double> sorted = exact;
                                std::sort(sorted.begin(), sorted.end());
                                threshold = sorted[np - 1];
                            }
                            const Gene& key = order[i];
                            const double truth = full[key];
                            ++scored;
                            if (truth > threshold) ++worse;
                            const RaceRule::Outcome o = rule.simulate(losses[key], threshold);
                            cost += o.share;
                            if (!o.raced) {
                                exact.push_back(truth);
                                continue;
                            }
                            ++raced;
                            if (truth <= threshold) ++wrong;
                            if (nextParents.count(key)) ++changed;
                        }
                    }
                    std::printf("%9s %9s %7.1f %9.2f %8d %7.1f%% %7.1f%% %6.1f%% %7d %9d\n", profileKind.c_str(),
                                thresholdKind.c_str(), z, share, scored, 100.0 * worse / std::max(1, scored),
                                100.0 * raced / std::max(1, scored), 100.0 * cost / std::max(1, scored), wrong, changed);
                }
            }
        }
    }
    return 0;
}

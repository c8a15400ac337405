#pragma once
// HAT's evolutionary search (HAT_SPEC §10) with the fixes HAT lacks: seeded and reproducible,
// duplicates removed, fitness looked up before it is computed (by the FitnessSource), the final
// generation scored, resumable after every generation (EvolutionState), cancellable.
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/search/latency_bound.h"
#include "core/search/quality_surrogate.h"
#include "core/space/design_space.h"
#include "core/space/gene.h"
#include "core/space/precision.h"
#include "core/util/progress.h"

namespace hat {

// The pool the window's "Screen children with a quality model" uses. Off by default (pool 1):
// bench_time_to_answer on the Raspberry Pi (3 seeds) reached the plain evolution's answer in a
// median 72 s against 88 s, but one seed ended 0.0026 bits worse than plain, beyond issue 19's
// 0.002 bound.
inline constexpr int kSurrogatePool = 4;
inline constexpr int kDefaultSurrogatePool = 1;
// Racing in `hat search` and the window unless switched off: bench_time_to_answer on the
// Raspberry Pi (3 seeds) ended every seed on the plain evolution's answer with 19% fewer sentences
// evaluated, and bench_race_check's replay of 1,000 children changed no parent.
inline constexpr bool kDefaultRacing = true;

struct EvolutionSettings {
    int population = 125;
    int parents = 25;
    int mutations = 50;
    int crossovers = 50;
    int generations = 30;  // breeding rounds; generations + 1 populations are scored
    double mutationProb = 0.3;
    double maxLatencyMs = 0.0;
    bool constrainUpperBound = false;  // limit the 90% interval's upper end, not the prediction
    uint64_t seed = 1;
    int maxTries = 200000;  // rejection-sampling guard per population
    // Children bred per child scored (issue 19): with more than 1, each generation breeds this
    // many times its mutations and crossovers, ranks them by a QualitySurrogate refitted on every
    // loss the run has measured, and scores the best. 1 is HAT's evolution, unchanged.
    int surrogatePool = 1;
    // With the surrogate: children scored per generation, the best predicted of the bred ones,
    // split between mutations and crossovers in their proportion (0: mutations + crossovers).
    // Fewer scored children make a generation cheaper; the population is parents + these.
    int surrogateScored = 0;
    // Racing (issue 19): from generation 1 on, a child is evaluated on part of the fitness set
    // and stopped once its loss is, by `raceSigmas` standard errors, above the worst parent's: it
    // cannot become a parent. Parents and the answer are then what they would be without it,
    // unless the statistical bound fails.
    bool racing = false;
    double raceSigmas = 3.0;
    // An optional second limit (issue 16): the weights' bytes (weight_bytes.h) at `sizePrecision`
    // with a `sizeVocab`-word vocabulary, at most `maxSizeMb` million bytes; 0 is no limit.
    double maxSizeMb = 0.0;
    Precision sizePrecision = Precision::Fp32;
    int sizeVocab = 0;
    void validate() const;
};

// Latency of a gene on the search's device (a predictor: fast, called thousands of times).
struct LatencySource {
    virtual ~LatencySource() = default;
    virtual LatencyBound latency(const Gene& gene) = 0;
};

// A gene's score in a race: its fitness, or (raced) a lower bound of it.
struct Score {
    double fitness = std::numeric_limits<double>::quiet_NaN();
    bool raced = false;
};

// How a generation may be raced: its first `exact` genes (the parents) are scored exactly; every
// other may stop once, by `sigmas` standard errors, it is worse than the worst of them.
struct RaceRequest {
    size_t exact = 0;
    double sigmas = 3.0;
};

// Validation loss of genes (lower is better). Implementations reuse stored evaluations.
struct FitnessSource {
    virtual ~FitnessSource() = default;
    virtual std::vector<double> fitness(const std::vector<Gene>& genes, const CancelToken* cancel) = 0;
    // Racing: this default scores every gene exactly (a source that cannot stop early).
    virtual std::vector<Score> race(const std::vector<Gene>& genes, const RaceRequest& request,
                                    const CancelToken* cancel);
};

struct Candidate {
    Gene gene;
    double fitness = std::numeric_limits<double>::quiet_NaN();
    LatencyBound latency;
    bool raced = false;  // stopped early: `fitness` is a lower bound, above every parent's
};

// Everything needed to continue a search: the population of generation `generation` (not yet
// scored) and the generator state that breeds from it.
struct EvolutionState {
    int generation = 0;
    std::vector<Gene> population;
    std::string rngState;
};

struct GenerationReport {
    int generation = 0;
    std::vector<Candidate> population;  // scored, best first
    Candidate best;                     // best of this generation
    bool last = false;
    double seconds = 0.0;               // time for this generation
    EvolutionState next;                // state after this generation (empty population if last)
};

struct EvolutionObserver {
    virtual ~EvolutionObserver() = default;
    virtual void onGeneration(const GenerationReport&) {}
};

struct EvolutionResult {
    Candidate best;
    int generations = 0;
    bool cancelled = false;
};

class Evolution {
public:
    Evolution(const DesignSpace& space, EvolutionSettings settings, LatencySource& latency,
              FitnessSource& fitness);

    bool satisfies(const Gene& g);
    // Generation 0: the `seeds` that satisfy the limit (warm start, e.g. a stored population or the
    // best stored evaluations), de-duplicated, then random genes that satisfy it.
    EvolutionState initialState(const std::vector<Gene>& seeds = {});
    // Losses measured before `state` (a resumed run's earlier generations): the surrogate learns
    // from them as if this object had scored them.
    void remember(const std::vector<Candidate>& scored);
    // Runs from `state` to the end; stops early (cancelled) between evaluations.
    EvolutionResult run(EvolutionState state, EvolutionObserver* observer = nullptr,
                        const CancelToken* cancel = nullptr);

private:
    Gene randomGene(std::mt19937_64& rng) const;
    std::vector<Gene> breed(const std::vector<Candidate>& ranked, std::mt19937_64& rng);

    DesignSpace space_;
    EvolutionSettings settings_;
    LatencySource& latency_;
    FitnessSource& fitness_;
    std::vector<std::vector<int>> choices_;
    QualitySurrogate surrogate_;
};

}  // namespace hat

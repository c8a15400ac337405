#pragma once
// Validation loss of many SubTransformers on one fixed set of batches, as fast as this machine
// allows — the search's inner loop (HAT_SPEC §6). Three reuses make it fast:
//  - worker threads evaluate different architectures side by side, one intra-op thread each
//    (the model is small: parallel architectures scale, parallel matrix products do not);
//  - architectures with the same encoder genes share one encoder pass (a small LRU cache);
//  - the loss is formed from decoder features block by block, never as a full logits matrix.
// And one way to do less: racing (race_rule.h) stops a candidate that cannot beat a threshold.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "core/data/batching.h"
#include "core/eval/race_rule.h"
#include "core/eval/validation.h"
#include "core/model/super_transformer.h"
#include "core/util/progress.h"

namespace hat {

// One candidate's race: its full loss, or where it was stopped.
struct RaceOutcome {
    bool raced = false;          // stopped early: only `lowerBound` is known of its loss
    ValidLoss loss;              // the full loss when not raced
    double lowerBound = 0.0;     // bits per token: the full loss when not raced
    double share = 1.0;          // of the fitness set's target tokens evaluated
    std::vector<double> bounds;  // the race's lower bound after each batch it evaluated but the last
    SentenceLosses sentenceLoss; // per batch, per sentence (nats); empty lists for batches not run
};

class FitnessEvaluator {
public:
    // `threads` workers (0: LibTorch's intra-op thread count); up to `encoderCache` encoder
    // outputs are kept between calls.
    FitnessEvaluator(SuperTransformer model, std::vector<Batch> batches, int threads = 0,
                     int encoderCache = 8);
    ~FitnessEvaluator();

    // Called with an index into `configs` and its loss as each one is ready.
    using ResultCallback = std::function<void(size_t index, const ValidLoss& loss)>;

    // Results in the order of `configs`; an entry is empty when `cancel` stopped the work before it.
    // `onResult` sees every non-empty entry once, as soon as it is computed (in the order they
    // finish), one call at a time and always on the thread that called evaluate(): the workers
    // hand results over through a queue, so the callback may use what belongs to the calling
    // thread, e.g. its database connection. An exception from it stops the workers and is
    // rethrown here.
    std::vector<std::optional<ValidLoss>> evaluate(const std::vector<SubConfig>& configs,
                                                   const CancelToken* cancel = nullptr,
                                                   const ResultCallback& onResult = {});

    // Racing needs a reference profile: the mean sentence losses of `reference` (evaluated fully
    // here, on the worker threads).
    void setRaceReference(const std::vector<SubConfig>& reference, RaceSettings settings = {},
                          const CancelToken* cancel = nullptr);
    bool canRace() const;
    void setRaceSettings(RaceSettings settings);  // only when canRace()
    const RaceRule& raceRule() const;  // only when canRace()

    using RaceCallback = std::function<void(size_t index, const RaceOutcome& outcome)>;
    // As evaluate(), with each candidate stopped once the race rule's bound is above `threshold`
    // (bits per token; +inf races nothing and returns every sentence's loss). Needs canRace().
    std::vector<std::optional<RaceOutcome>> race(const std::vector<SubConfig>& configs, double threshold,
                                                 const CancelToken* cancel = nullptr,
                                                 const RaceCallback& onResult = {});

    void setThreads(int threads);
    int threads() const;
    // The precision every SubTransformer is evaluated at (precision_scope.h); fp32 unless set.
    // w4a8 calibrates each SubTransformer's activation ranges on the first batch first. Setting
    // another precision drops the stored encoder outputs.
    void setPrecision(Precision precision);
    Precision precision() const;
    int64_t encoderPasses() const;  // encoder runs (one per batch set) since construction
    int64_t encoderReuses() const;  // evaluations that reused a stored encoder output

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace hat

#include "core/eval/fitness_evaluator.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <limits>

#include "core/model/compute_threads.h"
#include "core/util/error.h"

namespace hat {

namespace {

// Everything the encoder pass depends on: embed width, depth and the per-layer genes in use.
std::string encoderKey(const SubConfig& c) {
    std::string key = std::to_string(c.encoderEmbedDim) + "/" + std::to_string(c.encoderLayerNum);
    for (int i = 0; i < c.encoderLayerNum; ++i) {
        key += "/" + std::to_string(c.encoderFfnDim[i]) + "x" + std::to_string(c.encoderSelfHeads[i]);
    }
    return key;
}

using Encoded = std::shared_ptr<const std::vector<EncoderOutput>>;

}  // namespace

struct FitnessEvaluator::Impl {
    SuperTransformer model{nullptr};
    std::vector<Batch> batches;
    int threads = 1;
    Precision precision = Precision::Fp32;
    size_t cacheSize = 8;
    std::optional<RaceRule> rule;

    std::mutex cacheMutex;
    std::list<std::pair<std::string, Encoded>> cache;  // most recently used first
    std::atomic<int64_t> passes{0}, reuses{0};

    Encoded cached(const std::string& key) {
        std::lock_guard<std::mutex> lock(cacheMutex);
        for (auto it = cache.begin(); it != cache.end(); ++it) {
            if (it->first == key) {
                cache.splice(cache.begin(), cache, it);
                return it->second;
            }
        }
        return nullptr;
    }

    void store(const std::string& key, Encoded e) {
        if (cacheSize == 0) return;
        std::lock_guard<std::mutex> lock(cacheMutex);
        cache.emplace_front(key, std::move(e));
        while (cache.size() > cacheSize) cache.pop_back();
    }

    // What one evaluation asks for: a race against `threshold` (with `rule`), and whether every
    // evaluated sentence's loss is kept.
    struct Ask {
        const RaceRule* rule = nullptr;
        double threshold = std::numeric_limits<double>::infinity();
        bool sentences = false;
    };

    // One candidate, batch by batch (in race order when racing), the encoder output of batch b
    // from `encoder(b)`. The full loss is summed in the batches' own order, so it is the same
    // number whether raced or not.
    template <typename Encoder>
    RaceOutcome evaluateOne(const SubConfig& config, const Ask& ask, const Encoder& encoder) {
        const size_t n = batches.size();
        ActivationRanges ranges;
        if (precision == Precision::W4A8) ranges = calibrateActivations(model, config, batches.front());
        // Everything below (the encoder included, when this member runs it) at the precision.
        PrecisionScope scope(precision, &ranges);
        const auto weight = model->outputWeight(config);
        std::vector<BatchLoss> sums(n);
        SentenceLosses sentences(n);
        const bool perSentence = ask.sentences || ask.rule;
        RaceOutcome out;
        for (size_t k = 0; k < n; ++k) {
            const size_t b = ask.rule ? ask.rule->order()[k] : k;
            sums[b] = batchLoss(model, config, weight, batches[b], encoder(b), 0.1, perSentence);
            sentences[b] = std::move(sums[b].sentenceLoss);
            if (ask.rule && k + 1 < n) {
                const double bound = ask.rule->lowerBound(sentences, k + 1);
                out.bounds.push_back(bound);
                if (bound > ask.threshold) {
                    out.raced = true;
                    out.lowerBound = bound;
                    out.share = ask.rule->share(k + 1);
                    if (ask.sentences) out.sentenceLoss = std::move(sentences);
                    return out;
                }
            }
        }
        out.loss = validLossOf(sums);
        out.lowerBound = out.loss.loss;
        if (ask.sentences) out.sentenceLoss = std::move(sentences);
        return out;
    }

    // Evaluates one group of configs that share an encoder, telling `done` of each result; stops
    // early when `stopped` says so. The encoder runs a batch when a member first needs it (a race
    // may never need them all); a complete set is kept for later calls.
    template <typename Done, typename Stopped>
    void evaluateGroup(const std::string& key, const std::vector<size_t>& members,
                       const std::vector<SubConfig>& configs, const Ask& ask,
                       std::vector<std::optional<RaceOutcome>>& out, const Done& done, const Stopped& stopped) {
        const Encoded stored = cached(key);
        std::vector<EncoderOutput> local(stored ? 0 : batches.size());
        size_t encodedBatches = 0;
        const SubConfig& encoderConfig = configs[members.front()];
        auto encoder = [&](size_t b) -> const EncoderOutput& {
            if (stored) return (*stored)[b];
            if (!local[b].out.defined()) {
                local[b] = model->encode(batches[b].source, encoderConfig);
                ++encodedBatches;
            }
            return local[b];
        };
        if (stored) {
            reuses += 1;
        } else {
            ++passes;
        }
        for (size_t k = 0; k < members.size(); ++k) {
            if (stopped()) break;
            if (k > 0) ++reuses;
            out[members[k]] = evaluateOne(configs[members[k]], ask, encoder);
            done(members[k]);
        }
        if (!stored && encodedBatches == batches.size()) {
            store(key, std::make_shared<const std::vector<EncoderOutput>>(std::move(local)));
        }
    }

    std::vector<std::optional<RaceOutcome>> run(const std::vector<SubConfig>& configs, const Ask& ask,
                                                const CancelToken* cancel, const RaceCallback& onResult);
};

FitnessEvaluator::FitnessEvaluator(SuperTransformer model, std::vector<Batch> batches, int threads,
                                   int encoderCache)
    : d(std::make_unique<Impl>()) {
    d->model = std::move(model);
    d->model->eval();
    d->batches = std::move(batches);
    d->cacheSize = static_cast<size_t>(std::max(0, encoderCache));
    setThreads(threads);
}

FitnessEvaluator::~FitnessEvaluator() = default;

void FitnessEvaluator::setPrecision(Precision precision) {
    if (precision == d->precision) return;
    d->precision = precision;
    std::lock_guard<std::mutex> lock(d->cacheMutex);
    d->cache.clear();
}

Precision FitnessEvaluator::precision() const { return d->precision; }

void FitnessEvaluator::setThreads(int threads) { d->threads = threads > 0 ? threads : std::max(1, computeThreads()); }
int FitnessEvaluator::threads() const { return d->threads; }
int64_t FitnessEvaluator::encoderPasses() const { return d->passes; }
int64_t FitnessEvaluator::encoderReuses() const { return d->reuses; }

std::vector<std::optional<RaceOutcome>> FitnessEvaluator::Impl::run(const std::vector<SubConfig>& configs,
                                                                    const Ask& ask, const CancelToken* cancel,
                                                                    const RaceCallback& onResult) {
    std::vector<std::optional<RaceOutcome>> out(configs.size());
    // Group by encoder genes, in order of first appearance (so results do not depend on threads).
    std::vector<std::string> keys;
    std::map<std::string, std::vector<size_t>> groups;
    for (size_t i = 0; i < configs.size(); ++i) {
        const std::string key = encoderKey(configs[i]);
        auto& g = groups[key];
        if (g.empty()) keys.push_back(key);
        g.push_back(i);
    }
    const int workers = static_cast<int>(std::min<size_t>(threads, keys.size()));
    const bool inlineWork = workers <= 1;  // on this thread: results are delivered as they come
    std::atomic<size_t> next{0};
    std::atomic<bool> abort{false};  // an error (a worker's or the callback's) stops everyone
    std::exception_ptr error;
    std::mutex errorMutex;
    auto keepError = [&]() {
        std::lock_guard<std::mutex> lock(errorMutex);
        if (!error) error = std::current_exception();
        abort = true;
        next = keys.size();
    };
    // Results finished by workers, waiting for this thread to hand them to `onResult`.
    std::mutex readyMutex;
    std::condition_variable readyChanged;
    std::vector<size_t> ready;
    int running = workers;
    auto done = [&](size_t i) {
        if (!onResult) return;
        if (inlineWork) {
            onResult(i, *out[i]);
            return;
        }
        {
            std::lock_guard<std::mutex> lock(readyMutex);
            ready.push_back(i);
        }
        readyChanged.notify_one();
    };
    auto stopped = [&]() { return abort.load() || (cancel && cancel->cancelled()); };
    auto work = [&]() {
        try {
            torch::InferenceMode guard;
            for (size_t k = next++; k < keys.size(); k = next++) {
                if (stopped()) return;
                evaluateGroup(keys[k], groups[keys[k]], configs, ask, out, done, stopped);
            }
        } catch (...) {
            keepError();
        }
    };
    if (inlineWork) {
        work();
    } else {
        std::vector<std::thread> pool;
        pool.reserve(workers);
        for (int t = 0; t < workers; ++t) {
            pool.emplace_back([&]() {
                omp_set_num_threads(1);  // this thread's OpenMP setting: one core per architecture
                work();
                {
                    std::lock_guard<std::mutex> lock(readyMutex);
                    --running;
                }
                readyChanged.notify_one();
            });
        }
        // This thread only waits while the workers compute: it delivers their results meanwhile.
        try {
            for (bool finished = false; !finished;) {
                std::vector<size_t> batch;
                {
                    std::unique_lock<std::mutex> lock(readyMutex);
                    readyChanged.wait(lock, [&] { return !ready.empty() || running == 0; });
                    batch.swap(ready);
                    finished = running == 0;  // a worker queues its results before it counts itself out
                }
                for (size_t i : batch) {
                    if (!abort) onResult(i, *out[i]);
                }
            }
        } catch (...) {
            keepError();
        }
        for (auto& t : pool) t.join();
    }
    if (error) std::rethrow_exception(error);
    return out;
}

std::vector<std::optional<ValidLoss>> FitnessEvaluator::evaluate(const std::vector<SubConfig>& configs,
                                                                 const CancelToken* cancel,
                                                                 const ResultCallback& onResult) {
    RaceCallback forward;
    if (onResult) forward = [&](size_t i, const RaceOutcome& o) { onResult(i, o.loss); };
    std::vector<std::optional<ValidLoss>> out(configs.size());
    const auto outcomes = d->run(configs, Impl::Ask{}, cancel, forward);
    for (size_t i = 0; i < out.size(); ++i) {
        if (outcomes[i]) out[i] = outcomes[i]->loss;
    }
    return out;
}

void FitnessEvaluator::setRaceReference(const std::vector<SubConfig>& reference, RaceSettings settings,
                                        const CancelToken* cancel) {
    if (reference.empty()) throw Error("racing needs at least one reference architecture");
    Impl::Ask ask;
    ask.sentences = true;
    const auto outcomes = d->run(reference, ask, cancel, {});
    SentenceLosses profile(d->batches.size());
    std::vector<int64_t> tokens;
    for (size_t b = 0; b < d->batches.size(); ++b) {
        profile[b].assign(static_cast<size_t>(d->batches[b].target.size(0)), 0.0);
        tokens.push_back(d->batches[b].ntokens);
    }
    for (const auto& o : outcomes) {
        if (!o) return;  // cancelled: no reference, no racing
        for (size_t b = 0; b < profile.size(); ++b) {
            for (size_t r = 0; r < profile[b].size(); ++r) profile[b][r] += o->sentenceLoss[b][r] / double(outcomes.size());
        }
    }
    d->rule.emplace(std::move(profile), std::move(tokens), settings);
}

bool FitnessEvaluator::canRace() const { return d->rule.has_value(); }

void FitnessEvaluator::setRaceSettings(RaceSettings settings) {
    if (!d->rule) throw Error("racing has no reference profile yet");
    d->rule->setSettings(settings);
}

const RaceRule& FitnessEvaluator::raceRule() const {
    if (!d->rule) throw Error("racing has no reference profile yet");
    return *d->rule;
}

std::vector<std::optional<RaceOutcome>> FitnessEvaluator::race(const std::vector<SubConfig>& configs,
                                                               double threshold, const CancelToken* cancel,
                                                               const RaceCallback& onResult) {
    Impl::Ask ask;
    ask.rule = &raceRule();
    ask.threshold = threshold;
    ask.sentences = true;
    return d->run(configs, ask, cancel, onResult);
}

}  // namespace hat

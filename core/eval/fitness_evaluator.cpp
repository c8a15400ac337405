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

#include "core/model/compute_threads.h"

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
    size_t cacheSize = 8;

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

    // Evaluates one group of configs that share an encoder, telling `done` of each result; stops
    // early when `stopped` says so.
    template <typename Done, typename Stopped>
    void evaluateGroup(const std::string& key, const std::vector<size_t>& members,
                       const std::vector<SubConfig>& configs,
                       std::vector<std::optional<ValidLoss>>& out, const Done& done, const Stopped& stopped) {
        Encoded encoded = cached(key);
        if (encoded) {
            reuses += 1;
        } else {
            encoded = std::make_shared<const std::vector<EncoderOutput>>(
                encodeBatches(model, configs[members.front()], batches));
            ++passes;
            store(key, encoded);
        }
        for (size_t k = 0; k < members.size(); ++k) {
            if (stopped()) return;
            if (k > 0) ++reuses;
            out[members[k]] = decoderLoss(model, configs[members[k]], batches, *encoded);
            done(members[k]);
        }
    }
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

void FitnessEvaluator::setThreads(int threads) { d->threads = threads > 0 ? threads : std::max(1, computeThreads()); }
int FitnessEvaluator::threads() const { return d->threads; }
int64_t FitnessEvaluator::encoderPasses() const { return d->passes; }
int64_t FitnessEvaluator::encoderReuses() const { return d->reuses; }

std::vector<std::optional<ValidLoss>> FitnessEvaluator::evaluate(const std::vector<SubConfig>& configs,
                                                                 const CancelToken* cancel,
                                                                 const ResultCallback& onResult) {
    std::vector<std::optional<ValidLoss>> out(configs.size());
    // Group by encoder genes, in order of first appearance (so results do not depend on threads).
    std::vector<std::string> keys;
    std::map<std::string, std::vector<size_t>> groups;
    for (size_t i = 0; i < configs.size(); ++i) {
        const std::string key = encoderKey(configs[i]);
        auto& g = groups[key];
        if (g.empty()) keys.push_back(key);
        g.push_back(i);
    }
    const int workers = static_cast<int>(std::min<size_t>(d->threads, keys.size()));
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
                d->evaluateGroup(keys[k], groups[keys[k]], configs, out, done, stopped);
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

}  // namespace hat

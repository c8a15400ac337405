#pragma once
// SuperTransformer training (HAT's train.py): every update samples one SubTransformer with HAT's
// sample_configs(rand_seed = update number) and trains it on one batch; label-smoothed cross-entropy,
// Adam (0.9, 0.98), linear warm-up then cosine decay, gradient clipping, periodic validation of the
// largest and smallest SubTransformers, resumable checkpoints.
#include <cstdint>
#include <functional>
#include <string>

#include "core/space/design_space.h"
#include "core/util/progress.h"

namespace hat {

struct TrainOptions {
    // Data: CORPUS/{train,valid}.{src,tgt}[.gz]; tokenised by the subword model (or, when it is
    // empty, taken as already split into dictionary symbols).
    std::string corpusDir;
    std::string sourceLang = "en", targetLang = "de";
    std::string subwordModel;  // .model file; empty for pre-split text
    std::string dictionary;    // fairseq dict.txt
    DesignSpace space;
    std::string spacePath;     // where `space` was read from: recorded in train_options.json
    int widthDivisor = 8;

    std::string outDir;        // checkpoint_last.pt, optimizer_last.pt, train_log.jsonl
    int64_t maxUpdates = 3000;
    int64_t maxTokens = 4096;
    double peakLr = 2e-3;
    double minLrRatio = 0.05;
    int64_t warmupUpdates = 300;
    double clipNorm = 1.0;
    double labelSmoothing = 0.1;
    double dropout = 0.1;
    double attentionDropout = 0.1;
    int64_t validateEvery = 250;
    int64_t checkpointEvery = 100;
    int64_t maxValidBatches = 0;  // 0: the whole valid split
    // Validation batches have their own budget, so validation losses (over the first
    // maxValidBatches batches) stay comparable between runs with different training batch sizes.
    int64_t validMaxTokens = 8192;
    int maxSentenceTokens = 200;
    uint64_t seed = 1;
    int threads = 0;  // 0: LibTorch's default
    // Which SubTransformers an update trains. Hat: one, sample_configs(rand_seed = update), as HAT.
    // Largest: the largest only (a fixed-architecture baseline). Sandwich: the largest, the smallest
    // and HAT's sample, gradients averaged into one step (the "sandwich rule" of slimmable networks
    // and BigNAS), which keeps both ends of the space trained when batches are small.
    enum class Sampling { Hat, Largest, Sandwich };
    Sampling sampling = Sampling::Hat;
};

// "hat", "largest", "sandwich"; throws hat::Error on anything else.
TrainOptions::Sampling parseSampling(const std::string& name);
std::string samplingName(TrainOptions::Sampling s);

struct SupernetTrainProgress {
    int64_t update = 0, maxUpdates = 0;
    double trainLoss = 0.0;        // bits per token, last update
    double lr = 0.0;
    double tokensPerSecond = 0.0;  // since the start of this run
    double secondsElapsed = 0.0;
    std::string sampledConfig;
};

struct TrainValidation {
    int64_t update = 0;
    double largestLoss = 0.0, smallestLoss = 0.0;  // bits per token
};

// What a training run tells about itself besides how far it is (that goes to the ProgressSink):
// each update's numbers, validations, messages.
struct TrainObserver {
    virtual ~TrainObserver() = default;
    virtual void onProgress(const SupernetTrainProgress&) {}
    virtual void onValidation(const TrainValidation&) {}
    virtual void onMessage(const std::string&) {}
};

struct TrainResult {
    int64_t updates = 0;
    bool cancelled = false;
    TrainValidation lastValidation;
};

// Resumes from OUT/checkpoint_last.pt when it exists (same options required) and continues to
// maxUpdates: a run stopped at any checkpoint ends with the same weights as one that never stopped.
// Reports "update 120 of 40000: loss 6.123 bits, lr 1.20e-03, 1800 tokens/s" to `progress` after
// each update (a resumed run's first report is where it resumed).
TrainResult trainSuperTransformer(const TrainOptions& options, TrainObserver* observer = nullptr,
                                  const CancelToken* cancel = nullptr, const ProgressSink& progress = {});

// lr at update `u` (1-based): linear warm-up to peak, then cosine to peak × minLrRatio.
double learningRate(const TrainOptions& o, int64_t update);

}  // namespace hat

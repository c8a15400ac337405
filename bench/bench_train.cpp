// SuperTransformer training throughput on the demo corpus (space0 at 1/8 width, the demo's batch
// size), and validation-loss evaluations per second of the largest and smallest SubTransformer on
// the whole valid split.
//
//   bench_train [--updates 40] [--max-tokens 8192] [--threads 1] [--checkpoint C]
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "bench/fitness_bench_common.h"
#include "core/eval/fitness_evaluator.h"
#include "core/model/checkpoint.h"
#include "core/train/trainer.h"
#include "core/util/allocator.h"

using namespace hat;
using namespace hat::bench;
namespace fs = std::filesystem;

namespace {
struct Rate : TrainObserver {
    double tokensPerSecond = 0.0;
    void onProgress(const SupernetTrainProgress& p) override { tokensPerSecond = p.tokensPerSecond; }
};
}  // namespace

int main(int argc, char** argv) {
    keepFreedMemory();
    int updates = 40, threads = 1;
    int64_t maxTokens = 8192;
    std::string checkpoint = kRoot + "/data/demo/checkpoint_last.pt";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--updates") updates = std::stoi(argv[i + 1]);
        else if (a == "--max-tokens") maxTokens = std::stoll(argv[i + 1]);
        else if (a == "--threads") threads = std::stoi(argv[i + 1]);
        else if (a == "--checkpoint") checkpoint = argv[i + 1];
    }
    const std::string out = (fs::temp_directory_path() / "hat_bench_train").string();
    fs::remove_all(out);
    TrainOptions o;
    o.corpusDir = kRoot + "/data/corpus/en-de";
    o.subwordModel = kRoot + "/data/demo/spm.model";
    o.dictionary = kRoot + "/data/demo/dict.txt";
    o.space = DesignSpace::loadYaml(kRoot + "/data/spaces/space0.yml");
    o.outDir = out;
    o.maxUpdates = updates;
    o.maxTokens = maxTokens;
    o.validateEvery = updates * 10;  // no validation inside the timed updates...
    o.maxValidBatches = 1;           // ...and a tiny one at the end
    o.checkpointEvery = updates * 10;
    o.threads = threads;
    Rate rate;
    trainSuperTransformer(o, &rate);
    std::printf("training: %d updates of up to %lld tokens, %d thread(s): %.0f target tokens/s\n", updates,
                static_cast<long long>(maxTokens), threads, rate.tokensPerSecond);
    fs::remove_all(out);

    // Validation loss on the whole valid split, one architecture at a time on `threads` threads.
    at::set_num_threads(threads);
    SuperTransformer model = loadSuperTransformer(checkpoint, &o.space);
    const TokenizedCorpus valid = loadFitnessSet(demoFitnessSet(0), Dictionary::loadFairseq(o.dictionary));
    FitnessEvaluator ev(model, batchesOf(valid), 1, 0);
    for (const auto& [name, config] : {std::pair{"largest", SubConfig::largest(o.space)},
                                       std::pair{"smallest", SubConfig::smallest(o.space)}}) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto r = ev.evaluate({config});
        const double s = secondsSince(t0);
        std::printf("valid loss of the %s SubTransformer on the whole valid split (%lld target tokens): %.3f bits, "
                    "%.2f s = %.2f evaluations/s\n",
                    name, static_cast<long long>(valid.targetTokens), r[0]->loss, s, 1.0 / s);
    }
    return 0;
}

// Evaluations per second of the search's fitness (validation loss with inherited weights) on the
// demo SuperTransformer: largest and smallest SubTransformer and random ones, for several
// fitness-set sizes, at 1 and 2 worker threads.
//
//   bench_fitness [--checkpoint C] [--sentences 32,64,100] [--random 16]
#include <cstdio>

#include "bench/fitness_bench_common.h"
#include "core/eval/fitness_evaluator.h"
#include "core/model/checkpoint.h"
#include "core/util/allocator.h"

using namespace hat;
using namespace hat::bench;

int main(int argc, char** argv) {
    std::string checkpoint = kRoot + "/data/demo/checkpoint_last.pt";
    std::vector<int> sizes = {32, 64, 100};
    int randomCount = 16;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--checkpoint") checkpoint = argv[i + 1];
        else if (a == "--random") randomCount = std::stoi(argv[i + 1]);
        else if (a == "--sentences") sizes = intList(argv[i + 1]);
    }
    at::set_num_threads(1);
    keepFreedMemory();
    DesignSpace space = DesignSpace::loadYaml(kRoot + "/data/spaces/space0.yml");
    SuperTransformer model = loadSuperTransformer(checkpoint, &space);
    const Dictionary dict = Dictionary::loadFairseq(kRoot + "/data/demo/dict.txt");
    const std::vector<SubConfig> sampled = randomConfigs(space, randomCount, 7);

    std::printf("fitness evaluations on the demo SuperTransformer (%s)\n", checkpoint.c_str());
    std::printf("%9s %8s %8s | %14s %14s | %14s %14s\n", "sentences", "src tok", "tgt tok", "largest ms",
                "smallest ms", "random 1 thr", "random 2 thr");
    for (int n : sizes) {
        const TokenizedCorpus data = loadFitnessSet(demoFitnessSet(n), dict);
        const auto batches = batchesOf(data);
        FitnessEvaluator ev(model, batches, 1, 0);
        auto timeOne = [&](const SubConfig& c) {
            ev.evaluate({c});  // warm-up
            const auto t0 = std::chrono::steady_clock::now();
            for (int r = 0; r < 3; ++r) ev.evaluate({c});
            return secondsSince(t0) / 3 * 1000.0;
        };
        const double largest = timeOne(SubConfig::largest(space));
        const double smallest = timeOne(SubConfig::smallest(space));
        double perEval[2];
        for (int threads : {1, 2}) {
            FitnessEvaluator par(model, batches, threads, 0);
            const auto t0 = std::chrono::steady_clock::now();
            par.evaluate(sampled);
            perEval[threads - 1] = secondsSince(t0) * 1000.0 / sampled.size();
        }
        std::printf("%9d %8lld %8lld | %11.1f ms %11.1f ms | %5.1f ms %4.1f/s %5.1f ms %4.1f/s\n", n,
                    static_cast<long long>(data.sourceTokens), static_cast<long long>(data.targetTokens),
                    largest, smallest, perEval[0], 1000.0 / perEval[0], perEval[1], 1000.0 / perEval[1]);
    }
    std::printf("a cold search (30 generations x 125, about 3,100 distinct evaluations) needs about "
                "3100 x the per-evaluation time at 2 threads\n");
    return 0;
}

// How big should a fitness batch be (issue 19, less work per evaluation)? The fitness set is cut
// into batches of at most N padded tokens; a big N leaves whole batches of short sentences padded
// to the longest one. For several N: real and padded tokens, and the time and loss of the same
// SubTransformers, interleaved architecture by architecture (each architecture runs every N in a
// rotating order, so the machine's drift falls on all alike), one thread, no encoder reuse.
// On the demo SuperTransformer (1/8 width) and on an untrained one at full width (timing only:
// rankings are judged on the trained demo).
//
//   bench_fitness_batching [--tokens 4096,2048,1024,512,256] [--sentences 64] [--archs 12]
//                          [--full-archs 3] [--no-full]
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "bench/fitness_bench_common.h"
#include "core/eval/fitness_evaluator.h"
#include "core/model/checkpoint.h"
#include "core/space/arch_metrics.h"
#include "core/util/allocator.h"

using namespace hat;
using namespace hat::bench;

namespace {

struct TokenCounts {
    int64_t batches = 0, real = 0, padded = 0;  // source and target together
};

TokenCounts countTokens(const std::vector<Batch>& batches, int64_t pad = 1) {
    TokenCounts c;
    c.batches = static_cast<int64_t>(batches.size());
    for (const auto& b : batches) {
        c.padded += b.source.numel() + b.target.numel();
        c.real += b.source.ne(pad).sum().item<int64_t>() + b.target.ne(pad).sum().item<int64_t>();
    }
    return c;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Multiply-adds x2 of one evaluation counting real tokens only (each sentence at its own length).
double realFlops(const SubConfig& c, const TokenizedCorpus& data, int vocab) {
    double f = 0;
    for (size_t i = 0; i < data.size(); ++i)
        f += double(flops(c, 512, int(data.source[i].size()), int(data.target[i].size()), vocab));
    return f;
}

// Single-thread sgemm on the shapes of a full-width evaluation with `rows` tokens: the QKV/output
// projections (512x512), the FFN (512x2048, 2048x512) and the output projection (512 x vocab).
double gemmGflops(int64_t rows, int64_t vocab) {
    const std::vector<std::pair<int64_t, int64_t>> shapes = {{512, 512}, {512, 2048}, {2048, 512}, {512, vocab}};
    double flop = 0, seconds = 0;
    for (const auto& [k, n] : shapes) {
        const auto a = torch::randn({rows, k}), b = torch::randn({k, n});
        torch::mm(a, b);  // warm-up
        const int reps = 20;
        const auto t0 = std::chrono::steady_clock::now();
        for (int r = 0; r < reps; ++r) torch::mm(a, b);
        seconds += secondsSince(t0);
        flop += 2.0 * double(rows * k * n) * reps;
    }
    return flop / seconds / 1e9;
}

void compare(const char* title, SuperTransformer model, const TokenizedCorpus& data, const std::vector<int>& tokens,
             const std::vector<SubConfig>& configs, int flopsVocab = 0) {
    std::vector<std::unique_ptr<FitnessEvaluator>> evaluators;
    std::vector<TokenCounts> counts;
    for (int n : tokens) {
        const auto batches = batchesOf(data, n);
        counts.push_back(countTokens(batches));
        evaluators.push_back(std::make_unique<FitnessEvaluator>(model, batches, 1, 0));
        evaluators.back()->evaluate({configs.front()});  // warm-up: first-touch allocations
    }
    const size_t v = tokens.size();
    std::vector<std::vector<double>> ms(v), relative(v), gflops(v);
    std::vector<double> maxLossDiff(v, 0.0);
    for (size_t a = 0; a < configs.size(); ++a) {
        std::vector<double> t(v), loss(v);
        for (size_t k = 0; k < v; ++k) {
            const size_t i = (a + k) % v;  // rotate which batch size goes first
            const auto t0 = std::chrono::steady_clock::now();
            loss[i] = evaluators[i]->evaluate({configs[a]})[0]->loss;
            t[i] = secondsSince(t0) * 1000.0;
        }
        const double f = flopsVocab > 0 ? realFlops(configs[a], data, flopsVocab) : 0.0;
        for (size_t i = 0; i < v; ++i) {
            gflops[i].push_back(f / (t[i] / 1000.0) / 1e9);
            ms[i].push_back(t[i]);
            relative[i].push_back(t[i] / t[0]);
            maxLossDiff[i] = std::max(maxLossDiff[i], std::abs(loss[i] - loss[0]));
        }
    }
    std::printf("%s: %zu architectures, %lld sentences\n", title, configs.size(), static_cast<long long>(data.size()));
    std::printf("  %10s %8s %12s %12s %8s %12s %14s %14s\n", "max tokens", "batches", "real tokens", "padded",
                "useful", "median ms", "time vs first", "max |d loss|");
    for (size_t i = 0; i < v; ++i) {
        std::printf("  %10d %8lld %12lld %12lld %7.1f%% %12.1f %13.2fx %14.2e\n", tokens[i],
                    static_cast<long long>(counts[i].batches), static_cast<long long>(counts[i].real),
                    static_cast<long long>(counts[i].padded), 100.0 * double(counts[i].real) / double(counts[i].padded),
                    median(ms[i]), median(relative[i]), maxLossDiff[i]);
    }
    if (flopsVocab > 0) {
        std::printf("  GFLOP/s on real tokens (median over architectures; single-thread sgemm on the model's shapes:"
                    " %.1f at 256 rows, %.1f at 1024 rows):\n",
                    gemmGflops(256, flopsVocab), gemmGflops(1024, flopsVocab));
        for (size_t i = 0; i < v; ++i) std::printf("  %10d %8.1f\n", tokens[i], median(gflops[i]));
    }
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<int> tokens = {4096, 2048, 1024, 512, 256};
    int sentences = 64, archs = 12, fullArchs = 3;
    bool full = true;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&] { return std::string(i + 1 < argc ? argv[++i] : ""); };
        if (a == "--tokens") tokens = intList(next());
        else if (a == "--sentences") sentences = std::stoi(next());
        else if (a == "--archs") archs = std::stoi(next());
        else if (a == "--full-archs") fullArchs = std::stoi(next());
        else if (a == "--no-full") full = false;
    }
    at::set_num_threads(1);
    keepFreedMemory();
    DesignSpace space = DesignSpace::loadYaml(kRoot + "/data/spaces/space0.yml");
    const Dictionary dict = Dictionary::loadFairseq(kRoot + "/data/demo/dict.txt");
    const TokenizedCorpus data = loadFitnessSet(demoFitnessSet(sentences), dict);

    // The largest architecture first (the worst case), then random ones.
    std::vector<SubConfig> configs = {SubConfig::largest(space)};
    for (const auto& c : randomConfigs(space, archs - 1, 11)) configs.push_back(c);
    compare("demo SuperTransformer (1/8 width, trained)", loadSuperTransformer(kRoot + "/data/demo/checkpoint_last.pt", &space),
            data, tokens, configs);

    if (full) {
        ModelOptions mo;
        mo.space = space;
        mo.vocabSize = dict.size();
        mo.widthDivisor = 1;
        torch::manual_seed(19);
        std::vector<SubConfig> fullConfigs = {SubConfig::largest(space)};
        for (const auto& c : randomConfigs(space, fullArchs - 1, 11)) fullConfigs.push_back(c);
        compare("untrained SuperTransformer at full width", SuperTransformer(mo), data, tokens, fullConfigs,
                static_cast<int>(dict.size()));
    }
    return 0;
}

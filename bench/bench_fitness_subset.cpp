// Does a small fitness set rank SubTransformers like the full valid split? For 100 random
// architectures: validation loss on the whole valid split and on spread subsets of several sizes,
// Spearman's rank correlation between them, and how many of the full split's 10 best each subset
// also puts in its 10 best.
//
//   bench_fitness_subset [--checkpoint C] [--archs 100] [--sentences 16,32,64,100,200] [--threads 2]
#include <algorithm>
#include <cstdio>
#include <numeric>

#include "bench/fitness_bench_common.h"
#include "core/eval/fitness_evaluator.h"
#include "core/model/checkpoint.h"
#include "core/util/allocator.h"

using namespace hat;
using namespace hat::bench;

namespace {

std::vector<double> ranks(const std::vector<double>& v) {
    std::vector<size_t> order(v.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
    std::vector<double> r(v.size());
    for (size_t i = 0; i < order.size();) {  // ties share their mean rank
        size_t j = i;
        while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
        for (size_t k = i; k <= j; ++k) r[order[k]] = (i + j) / 2.0;
        i = j + 1;
    }
    return r;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
    const double n = static_cast<double>(a.size());
    const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n;
    const double mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
    double sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / std::sqrt(saa * sbb);
}

int topOverlap(const std::vector<double>& a, const std::vector<double>& b, size_t k) {
    auto top = [&](const std::vector<double>& v) {
        std::vector<size_t> o(v.size());
        std::iota(o.begin(), o.end(), 0);
        std::partial_sort(o.begin(), o.begin() + k, o.end(), [&](size_t x, size_t y) { return v[x] < v[y]; });
        return std::vector<size_t>(o.begin(), o.begin() + k);
    };
    const auto ta = top(a), tb = top(b);
    int n = 0;
    for (size_t x : ta) n += std::count(tb.begin(), tb.end(), x) > 0;
    return n;
}

}  // namespace

int main(int argc, char** argv) {
    std::string checkpoint = kRoot + "/data/demo/checkpoint_last.pt";
    std::vector<int> sizes = {16, 32, 64, 100, 200};
    int archs = 100, threads = 2;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--checkpoint") checkpoint = argv[i + 1];
        else if (a == "--archs") archs = std::stoi(argv[i + 1]);
        else if (a == "--threads") threads = std::stoi(argv[i + 1]);
        else if (a == "--sentences") sizes = intList(argv[i + 1]);
    }
    at::set_num_threads(1);
    keepFreedMemory();
    DesignSpace space = DesignSpace::loadYaml(kRoot + "/data/spaces/space0.yml");
    SuperTransformer model = loadSuperTransformer(checkpoint, &space);
    const Dictionary dict = Dictionary::loadFairseq(kRoot + "/data/demo/dict.txt");
    const std::vector<SubConfig> configs = randomConfigs(space, archs, 2024);

    auto lossesOn = [&](int sentences, double& seconds, int64_t& tokens) {
        const TokenizedCorpus data = loadFitnessSet(demoFitnessSet(sentences), dict);
        tokens = data.targetTokens;
        FitnessEvaluator ev(model, batchesOf(data), threads, 0);
        const auto t0 = std::chrono::steady_clock::now();
        const auto r = ev.evaluate(configs);
        seconds = secondsSince(t0);
        std::vector<double> out;
        for (const auto& x : r) out.push_back(x->loss);
        return out;
    };
    double fullSeconds = 0;
    int64_t fullTokens = 0;
    const auto full = lossesOn(0, fullSeconds, fullTokens);
    const auto fullRanks = ranks(full);
    std::printf("%d random space0 SubTransformers, demo SuperTransformer %s, %d worker threads\n", archs,
                checkpoint.c_str(), threads);
    std::printf("full valid split: %lld target tokens, %.1f s (%.0f ms per architecture), loss %.3f..%.3f\n",
                static_cast<long long>(fullTokens), fullSeconds, fullSeconds * 1000 / archs,
                *std::min_element(full.begin(), full.end()), *std::max_element(full.begin(), full.end()));
    std::printf("%9s %8s %10s %9s %10s\n", "sentences", "tgt tok", "Spearman", "top-10", "ms/arch");
    for (int n : sizes) {
        double s = 0;
        int64_t tok = 0;
        const auto sub = lossesOn(n, s, tok);
        std::printf("%9d %8lld %10.4f %6d/10 %10.1f\n", n, static_cast<long long>(tok),
                    pearson(ranks(sub), fullRanks), topOverlap(sub, full, 10), s * 1000 / archs);
    }
    return 0;
}

// How long one search generation's latency check takes: 125 architectures (HAT's population)
// predicted in one batch, features included. Prints the median over repeated calls, at 1 thread
// and at every hardware thread, for our predictor and for HAT's (3 hidden 400x400 layers).
//
//   bench_latency_predict [--predictor P.pt] [--repeats N]
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/latency/latency_predictor.h"
#include "core/space/design_space.h"
#include "core/space/sampling.h"

using namespace hat;

namespace {

double medianMs(const LatencyPredictor& p, const std::vector<SubConfig>& configs, int repeats) {
    std::vector<double> t;
    for (int i = 0; i < 20; ++i) p.estimateBatch(configs);  // warm-up
    for (int i = 0; i < repeats; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto e = p.estimateBatch(configs);
        t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        if (e.size() != configs.size()) std::abort();
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    const std::string root = HAT_SOURCE_DIR;
    std::string ours = root + "/data/latency/local/space0_1t.pt";
    int repeats = 500;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--predictor") ours = argv[i + 1];
        else if (a == "--repeats") repeats = std::stoi(argv[i + 1]);
    }
    const DesignSpace space = DesignSpace::loadYaml(root + "/data/spaces/space0.yml");
    std::vector<SubConfig> configs;
    for (int i = 0; i < 125; ++i) configs.push_back(sampleConfigHat(space, 1000 + i));

    std::vector<std::pair<std::string, LatencyPredictor>> predictors;
    if (std::filesystem::exists(ours)) predictors.push_back({"ours (" + ours.substr(ours.rfind('/') + 1) + ")", LatencyPredictor::load(ours)});
    predictors.push_back({"HAT's wmt14ende_cpu_xeon.pt", LatencyPredictor::load(root + "/tests/fixtures/hat_predictors/wmt14ende_cpu_xeon.pt")});

    const int all = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::printf("predicting 125 architectures in one batch (features included), median of %d calls\n", repeats);
    for (const auto& [name, p] : predictors) {
        for (int threads : {1, all}) {
            at::set_num_threads(threads);
            std::printf("  %-40s %d hidden layers of 400, %d thread%s: %.3f ms\n", name.c_str(),
                        p.hiddenLayers() + 1, threads, threads == 1 ? " " : "s", medianMs(p, configs, repeats));
            if (all == 1) break;
        }
    }
    return 0;
}

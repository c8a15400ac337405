#pragma once
// Shared by the search benchmarks (bench_time_to_answer, bench_surrogate_fit): a fresh demo
// workspace for one device, and that device's mid-range limit.
#include <algorithm>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "bench/fitness_bench_common.h"
#include "core/space/sampling.h"
#include "core/workspace/workspace.h"

namespace hat::bench {

inline double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n == 0 ? 0.0 : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// `dir` emptied and made a demo workspace (space0, the demo checkpoint) with one device.
inline std::string freshWorkspace(const std::string& dir, const std::string& device, int sentences) {
    std::filesystem::remove_all(dir);
    WorkspaceInit in;
    in.dir = dir;
    in.spacePath = kRoot + "/data/spaces/space0.yml";
    in.checkpoint = kRoot + "/data/demo/checkpoint_last.pt";
    in.fitness = demoFitnessSet(sentences);
    in.deviceIds = {device};
    in.dataDir = kRoot + "/data";
    Workspace::init(in);
    return dir;
}

// The median predicted latency of 201 random architectures.
inline double midRangeLimit(Workspace& w, const std::string& device) {
    std::mt19937_64 rng(3);
    std::vector<double> lats;
    for (int i = 0; i < 201; ++i) lats.push_back(w.latency(device, sampleGene(w.space(), rng)).ms);
    return median(lats);
}

}  // namespace hat::bench

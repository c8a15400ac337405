// Latency of the demo space's largest and smallest SubTransformer under every runtime this
// machine executes (issue 16), in one paired run: each round measures every (architecture,
// runtime) pair once, in turn, so the host's drift over minutes falls on all of them alike.
// Prints each pair's median over rounds and its speed-up over fp32.
//
//   bench_runtimes [rounds=3] [threads=1]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "core/latency/latency_measure.h"
#include "core/latency/runtime.h"
#include "core/space/design_space.h"

using namespace hat;

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::atoi(argv[1]) : 3;
    const int threads = argc > 2 ? std::atoi(argv[2]) : 1;
    if (rounds < 1 || threads < 1) {
        std::fprintf(stderr, "usage: bench_runtimes [rounds>=1] [threads>=1]\n");
        return 2;
    }
    const DesignSpace space = DesignSpace::loadYaml(HAT_SOURCE_DIR "/data/spaces/space0.yml");
    std::vector<std::string> runtimes;
    for (const auto& r : knownRuntimes()) {
        const RuntimeSupport s = runtimeSupport(r.id);
        if (s.executes) {
            runtimes.push_back(r.id);
        } else {
            std::printf("%s: not measured (%s)\n", r.id.c_str(), s.reason.c_str());
        }
    }
    // One meter per runtime (each builds the full-width SuperTransformer once), the protocol
    // data/latency/local/*.csv were measured with.
    std::map<std::string, std::unique_ptr<LatencyMeter>> meters;
    for (const auto& id : runtimes) {
        MeasureOptions o;
        o.threads = threads;
        o.warmups = 1;
        o.runs = 5;
        o.runtime = id;
        meters[id] = std::make_unique<LatencyMeter>(space, o);
    }
    const std::vector<std::pair<std::string, SubConfig>> archs = {
        {"largest", SubConfig::largest(space)}, {"smallest", SubConfig::smallest(space)}};
    std::printf("%s\n%d rounds, %d thread(s), protocol: %s\n", machineDescription().c_str(), rounds,
                threads, protocolFor(meters.begin()->second->options()).summary().c_str());
    std::map<std::string, std::vector<double>> ms, enc, dec;
    for (int round = 0; round < rounds; ++round) {
        for (const auto& [name, config] : archs) {
            for (const auto& id : runtimes) {
                const LatencySample s = meters[id]->measure(config);
                const std::string key = name + " " + id;
                ms[key].push_back(s.totalMs());
                enc[key].push_back(s.encoderMs);
                dec[key].push_back(s.decoderMs);
            }
        }
        std::fprintf(stderr, "round %d of %d done\n", round + 1, rounds);
    }
    std::printf("%-9s %-13s %10s %10s %10s %9s  %s\n", "arch", "runtime", "total ms", "encoder",
                "decoder", "vs fp32", "rounds");
    for (const auto& [name, config] : archs) {
        const double base = median(ms[name + " fp32"]);
        for (const auto& id : runtimes) {
            const std::string key = name + " " + id;
            std::string each;
            for (double v : ms[key]) each += (each.empty() ? "" : " ") + std::to_string(static_cast<int>(v + 0.5));
            std::printf("%-9s %-13s %10.1f %10.1f %10.1f %8.2fx  %s\n", name.c_str(), id.c_str(),
                        median(ms[key]), median(enc[key]), median(dec[key]), base / median(ms[key]),
                        each.c_str());
        }
    }
    return 0;
}

// The search on the demo workspace, timed: a cold search (HAT's 30 generations x 125), a warm
// re-search after the limit moves down 10% (seeded from what the cold search stored) against a
// cold search at that new limit, and the instant answer's query time with 10,000 evaluations
// stored.
//
//   bench_search [--checkpoint C] [--device raspberrypi] [--sentences 64] [--generations 30] [--population 125]
//                [--threads 2] [--warm-generations 30] [--skip-search]
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <random>

#include "bench/fitness_bench_common.h"
#include "core/workspace/workspace.h"
#include "core/space/sampling.h"
#include "core/util/allocator.h"
#include "core/model/compute_threads.h"

using namespace hat;
using namespace hat::bench;
namespace fs = std::filesystem;

namespace {

// Elapsed time and best fitness so far after every generation.
struct Timeline : EvolutionObserver {
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    std::vector<std::pair<double, double>> points;  // (seconds, best so far)
    void onGeneration(const GenerationReport& r) override {
        const double best = points.empty() ? r.best.fitness : std::min(points.back().second, r.best.fitness);
        points.emplace_back(secondsSince(start), best);
    }
};

std::string checkpointPath = kRoot + "/data/demo/checkpoint_last.pt";

std::string newWorkspace(const std::string& dir, const std::string& device, int sentences) {
    fs::remove_all(dir);
    WorkspaceInit in;
    in.dir = dir;
    in.spacePath = kRoot + "/data/spaces/space0.yml";
    in.checkpoint = checkpointPath;
    in.fitness = demoFitnessSet(sentences);
    in.deviceIds = {device};
    in.dataDir = kRoot + "/data";
    Workspace::init(in);
    return dir;
}

}  // namespace

int main(int argc, char** argv) {
    keepFreedMemory();
    std::string device = "hat/wmt14ende_cpu_raspberrypi";
    int sentences = 64, threads = 2;
    EvolutionSettings s;
    int warmGenerations = -1;
    bool skipSearch = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&] { return std::string(i + 1 < argc ? argv[++i] : ""); };
        if (a == "--device") device = next();
        else if (a == "--checkpoint") checkpointPath = next();
        else if (a == "--sentences") sentences = std::stoi(next());
        else if (a == "--generations") s.generations = std::stoi(next());
        else if (a == "--population") {
            s.population = std::stoi(next());
            s.parents = s.population / 5;
            s.mutations = s.crossovers = s.population * 2 / 5;
        } else if (a == "--threads") threads = std::stoi(next());
        else if (a == "--warm-generations") warmGenerations = std::stoi(next());
        else if (a == "--skip-search") skipSearch = true;
    }
    if (warmGenerations < 0) warmGenerations = s.generations;
    setComputeThreads(threads);
    const std::string root = (fs::temp_directory_path() / "hat_bench_search").string();

    std::printf("demo workspace: space0, SuperTransformer %s, %d spread valid sentences, device %s, %d threads\n",
                checkpointPath.c_str(), sentences, device.c_str(), threads);
    if (!skipSearch) {
        Workspace a = Workspace::open(newWorkspace(root + "/a", device, sentences));
        // Limit: the median predicted latency of random architectures, then 10% lower.
        std::mt19937_64 rng(3);
        std::vector<double> lats;
        for (int i = 0; i < 201; ++i) lats.push_back(a.latency(device, sampleGene(a.space(), rng)).ms);
        std::nth_element(lats.begin(), lats.begin() + 100, lats.end());
        const double limit = lats[100], moved = 0.9 * limit;
        a.fitness();  // load the SuperTransformer before the clock starts, as the window does on open

        s.maxLatencyMs = limit;
        s.seed = 1;
        Timeline coldTimeline;
        const SearchOutcome cold = a.search(device, s, false, &coldTimeline);
        std::printf("cold search at %.0f ms: %.1f s, %d generations, %d evaluations computed, %d looked up, best loss %.4f\n",
                    limit, cold.seconds, cold.generations, cold.computed, cold.reused, cold.best.fitness);

        Workspace b = Workspace::open(newWorkspace(root + "/b", device, sentences));
        b.fitness();
        EvolutionSettings sm = s;
        sm.maxLatencyMs = moved;
        const SearchOutcome coldMoved = b.search(device, sm, false);
        std::printf("cold search at %.0f ms: %.1f s, best loss %.4f\n", moved, coldMoved.seconds, coldMoved.best.fitness);

        EvolutionSettings sw = sm;
        sw.generations = warmGenerations;
        Timeline warmTimeline;
        const SearchOutcome warm = a.search(device, sw, true, &warmTimeline);
        double reachedAt = -1;
        for (const auto& [t, best] : warmTimeline.points) {
            if (best <= coldMoved.best.fitness) {
                reachedAt = t;
                break;
            }
        }
        std::printf("warm re-search at %.0f ms: %.1f s in all, best loss %.4f, %d computed, %d looked up\n", moved,
                    warm.seconds, warm.best.fitness, warm.computed, warm.reused);
        if (reachedAt >= 0) {
            std::printf("warm re-search reached the cold search's best after %.1f s: %.0f%% of the cold search's %.1f s\n",
                        reachedAt, 100.0 * reachedAt / coldMoved.seconds, coldMoved.seconds);
        } else {
            std::printf("warm re-search did not reach the cold search's best (%.4f vs %.4f)\n", warm.best.fitness,
                        coldMoved.best.fitness);
        }
    }

    // Instant answer with 10,000 evaluations stored: random genes with their real predicted
    // latencies and made-up losses (the query's time does not depend on the values).
    {
        Workspace w = Workspace::open(newWorkspace(root + "/instant", device, sentences));
        SupernetFitness& f = w.fitness();
        const int64_t deviceId = w.device(device).id;
        std::mt19937_64 rng(5);
        std::uniform_real_distribution<double> loss(4.0, 8.0);
        std::vector<EvaluationRecord> evals;
        std::vector<std::pair<Gene, LatencyBound>> lat;
        while (evals.size() < 10000) {
            const Gene g = canonicalGene(sampleGene(w.space(), rng), w.space());
            evals.push_back({g, loss(rng), std::nullopt});
            lat.emplace_back(g, w.latency(device, g));
        }
        {
            // Straight into the database, as a long history of searches would have left it.
            WorkspaceDb db = WorkspaceDb::open(w.databasePath());
            db.addEvaluations(f.supernetId(), f.fitnessSetId(), evals);
            db.addLatencies(deviceId, lat);
        }
        const auto stored = w.evaluationCount();
        std::vector<double> limits, times;
        for (const auto& [g, l] : lat) limits.push_back(l.ms);
        std::sort(limits.begin(), limits.end());
        for (int i = 0; i < 200; ++i) {
            const double limit = limits[limits.size() * (i % 100 + 1) / 102];
            const auto t0 = std::chrono::steady_clock::now();
            const auto answer = w.instantAnswer(device, limit);
            times.push_back(secondsSince(t0) * 1000.0);
            if (!answer || answer->latencyMs > limit) std::abort();
        }
        std::sort(times.begin(), times.end());
        std::printf("instant answer with %lld evaluations stored: median %.2f ms, slowest %.2f ms (200 limits)\n",
                    static_cast<long long>(stored), times[times.size() / 2], times.back());
    }
    fs::remove_all(root);
    return 0;
}

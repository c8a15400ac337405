// How well the quality surrogate (core/search/quality_surrogate) ranks real supernet losses, and
// whether picking by it picks better children (issue 19). A plain search on a fresh demo
// workspace; after each generation g the surrogate is fitted on every loss of generations < g and
// asked about generation g's new members before their losses are looked at:
//   spearman   rank correlation of predicted and measured loss over the new members
//   picked     mean measured loss of the quarter it predicts best, minus the mean of all new
//              members (negative: picking by it picks better children)
//   best in    whether the best new member is in that predicted-best quarter
// plus the leave-one-out Spearman of the fit itself.
//
//   bench_surrogate_fit [--device hat/wmt14ende_cpu_raspberrypi] [--generations 8] [--seed 1]
//                       [--sentences 64] [--threads 1]
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <set>

#include "bench/demo_search_bench.h"
#include "core/model/compute_threads.h"
#include "core/search/quality_surrogate.h"
#include "core/util/allocator.h"
#include "core/util/rank_correlation.h"

using namespace hat;
using namespace hat::bench;
namespace fs = std::filesystem;

namespace {

struct Generations : EvolutionObserver {
    std::vector<std::vector<Candidate>> populations;
    void onGeneration(const GenerationReport& r) override { populations.push_back(r.population); }
};

}  // namespace

int main(int argc, char** argv) {
    keepFreedMemory();
    std::string device = "hat/wmt14ende_cpu_raspberrypi";
    int sentences = 64, threads = 1;
    EvolutionSettings s;
    s.generations = 8;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&] { return std::string(i + 1 < argc ? argv[++i] : ""); };
        if (a == "--device") device = next();
        else if (a == "--generations") s.generations = std::stoi(next());
        else if (a == "--seed") s.seed = std::stoull(next());
        else if (a == "--sentences") sentences = std::stoi(next());
        else if (a == "--threads") threads = std::stoi(next());
    }
    setComputeThreads(threads);
    const std::string dir = (fs::temp_directory_path() / "hat_bench_surrogate_fit").string();
    Workspace w = Workspace::open(freshWorkspace(dir, device, sentences));
    s.maxLatencyMs = midRangeLimit(w, device);
    Generations gens;
    w.search(device, s, false, &gens);
    std::printf("%s at %.1f ms, seed %llu, %d generations x %d, %d sentences\n", device.c_str(), s.maxLatencyMs,
                static_cast<unsigned long long>(s.seed), s.generations, s.population, sentences);
    std::printf("%4s %8s %6s %9s %10s %9s %8s %8s\n", "gen", "trained", "new", "spearman", "picked", "best in",
                "loo rho", "ridge");
    std::set<Gene> seen;
    QualitySurrogate q(w.space());
    double sumRho = 0, sumPicked = 0;
    int rows = 0, bestIn = 0;
    for (size_t g = 0; g < gens.populations.size(); ++g) {
        std::vector<double> truth, predicted;
        if (g > 0) {
            q.fit();
            for (const Candidate& c : gens.populations[g]) {
                if (seen.count(canonicalGene(c.gene, w.space()))) continue;
                truth.push_back(c.fitness);
                predicted.push_back(q.predict(c.gene));
            }
        }
        if (truth.size() >= 8) {
            std::vector<size_t> order(truth.size());
            std::iota(order.begin(), order.end(), size_t{0});
            std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return predicted[a] < predicted[b]; });
            const size_t quarter = std::max<size_t>(1, truth.size() / 4);
            double picked = 0;
            bool best = false;
            const double bestLoss = *std::min_element(truth.begin(), truth.end());
            for (size_t i = 0; i < quarter; ++i) {
                picked += truth[order[i]] / double(quarter);
                best = best || truth[order[i]] == bestLoss;
            }
            const double mean = std::accumulate(truth.begin(), truth.end(), 0.0) / double(truth.size());
            const double rho = spearman(truth, predicted);
            std::printf("%4zu %8zu %6zu %9.3f %+10.4f %9s %8.3f %8.3g\n", g, q.samples(), truth.size(), rho,
                        picked - mean, best ? "yes" : "no", q.looSpearman(), q.ridge());
            sumRho += rho;
            sumPicked += picked - mean;
            bestIn += best;
            ++rows;
        }
        for (const Candidate& c : gens.populations[g]) {
            seen.insert(canonicalGene(c.gene, w.space()));
            q.add(c.gene, c.fitness);
        }
    }
    if (rows) {
        std::printf("mean over %d generations: spearman %.3f, picked %+.4f bits, best new member in the picked "
                    "quarter %d of %d\n", rows, sumRho / rows, sumPicked / rows, bestIn, rows);
    }
    fs::remove_all(dir);
    return 0;
}

// What storing each evaluation as it finishes costs (issue 15): one transaction per evaluation,
// as the search now stores them, against one transaction per ten, interleaved round by round in
// one workspace database on disk (WAL, synchronous = NORMAL, as every workspace is opened), so
// the machine's drift hits both alike. The figure to hold it against is a fitness evaluation:
// tens to hundreds of milliseconds on this machine (bench_fitness).
//
//   bench_store_evaluations [--rounds 20] [--per-round 200] [--dir /tmp/bench_store_evaluations]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "core/space/sampling.h"
#include "core/store/workspace_db.h"

using namespace hat;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Stores `genes` in groups of `group` evaluations, one transaction each; microseconds per evaluation.
double storeInGroups(WorkspaceDb& db, int64_t sn, int64_t fs, const std::vector<Gene>& genes, size_t group,
                     double loss) {
    const auto start = Clock::now();
    for (size_t i = 0; i < genes.size(); i += group) {
        std::vector<EvaluationRecord> batch;
        for (size_t k = i; k < std::min(genes.size(), i + group); ++k) batch.push_back({genes[k], loss, std::nullopt});
        db.addEvaluations(sn, fs, batch);
    }
    return std::chrono::duration<double, std::micro>(Clock::now() - start).count() / double(genes.size());
}

}  // namespace

int main(int argc, char** argv) {
    int rounds = 20, perRound = 200;
    std::string dir = (fs::temp_directory_path() / "bench_store_evaluations").string();
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--rounds") rounds = std::stoi(argv[i + 1]);
        else if (a == "--per-round") perRound = std::stoi(argv[i + 1]);
        else if (a == "--dir") dir = argv[i + 1];
    }
    fs::remove_all(dir);
    fs::create_directories(dir);
    WorkspaceDb db = WorkspaceDb::open(dir + "/workspace.db", true);
    const DesignSpace space = DesignSpace::loadYaml(std::string(HAT_SOURCE_DIR) + "/data/spaces/space0.yml");
    db.setSpace(space);
    const int64_t sn = db.addSupernet({0, "supernet.pt", "bench", 8});
    const int64_t fsId = db.addFitnessSet({0, "valid", 64, "bench"});

    std::mt19937_64 rng(15);
    std::vector<double> single, grouped;
    for (int r = 0; r < rounds; ++r) {
        // Fresh genes each round (an evaluation is stored once); both variants get the same amount.
        std::vector<Gene> a, b;
        for (int k = 0; k < perRound; ++k) a.push_back(sampleGene(space, rng));
        for (int k = 0; k < perRound; ++k) b.push_back(sampleGene(space, rng));
        // Alternate which goes first, so neither always meets a freshly checkpointed WAL.
        if (r % 2 == 0) {
            single.push_back(storeInGroups(db, sn, fsId, a, 1, 5.0 + r));
            grouped.push_back(storeInGroups(db, sn, fsId, b, 10, 5.0 + r));
        } else {
            grouped.push_back(storeInGroups(db, sn, fsId, b, 10, 5.0 + r));
            single.push_back(storeInGroups(db, sn, fsId, a, 1, 5.0 + r));
        }
    }
    const double s = median(single), g = median(grouped);
    std::printf("evaluations stored: %lld (%d rounds x %d per variant)\n",
                static_cast<long long>(db.evaluationCount(sn, fsId)), rounds, perRound);
    std::printf("one transaction per evaluation:  median %.1f us per evaluation\n", s);
    std::printf("one transaction per ten:         median %.1f us per evaluation\n", g);
    std::printf("extra cost of storing each as it finishes: %.1f us per evaluation (%.2fx)\n", s - g, s / g);
    std::printf("a 30 x 125 search (HAT's, at most 3,750 evaluations): %.2f s extra at most\n", (s - g) * 3750 / 1e6);
    fs::remove_all(dir);
    return 0;
}

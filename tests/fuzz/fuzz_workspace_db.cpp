// Fuzz target: a workspace database file (core/store/workspace_db) opened from arbitrary bytes
// and read the way `hat pareto`, resuming a search and the window read it. Genes read back are
// checked with geneIsValid before use, as gene.h asks; a valid gene must then be usable.
#include "core/search/pareto.h"
#include "core/space/gene.h"
#include "core/space/sub_config.h"
#include "core/store/workspace_db.h"
#include "fuzz_support.h"

using namespace hat;

namespace {

void useGene(const Gene& g, const DesignSpace& space) {
    if (!geneIsValid(g, space)) return;
    (void)geneToConfig(g, space).summary();
}

void readAll(WorkspaceDb& db) {
    (void)db.schemaVersion();
    const DesignSpace space = db.space();
    const auto supernets = db.supernets();
    for (const auto& d : db.devices()) {
        (void)db.devicePredictor(d.id);
        for (const auto& m : db.measurements(d.id)) useGene(m.gene, space);
        for (const auto& s : supernets) {
            // Fitness sets are numbered from 1; the first few cover what a workspace holds.
            for (int64_t fs = 1; fs <= 3; ++fs) {
                if (!db.fitnessSet(fs)) continue;
                (void)db.evaluationCount(s.id, fs);
                const auto points = db.evaluatedPoints(s.id, fs, d.id);
                for (const auto& p : points) useGene(p.gene, space);
                for (const auto& p : paretoFront(points)) useGene(p.gene, space);
                for (const auto& g : db.genesWithoutLatency(s.id, fs, d.id)) useGene(g, space);
            }
        }
        const auto run = db.latestRun(d.id);
        if (!run) continue;
        const int generations = db.generationCount(run->id);
        for (int n = 0; n < generations && n < 4; ++n) {
            for (const auto& c : db.generationMembers(run->id, n)) useGene(c.gene, space);
        }
        if (const auto state = db.resumeState(run->id)) {
            for (const auto& g : state->population) useGene(g, space);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static fuzz::InputFile file("workspace.db");
    const std::string& path = file.write(data, size);
    return fuzz::cleanly([&] {
        WorkspaceDb db = WorkspaceDb::open(path, /*create=*/false);
        readAll(db);
    });
}

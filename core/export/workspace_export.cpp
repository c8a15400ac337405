#include "core/export/workspace_export.h"

#include <filesystem>

#include "core/search/workspace.h"
#include "core/space/gene.h"
#include "core/util/error.h"

namespace hat {

std::string runDevice(Workspace& ws, const RunRecord& run) {
    for (const DeviceRecord& d : ws.devices()) {
        if (d.id == run.deviceId) return d.name;
    }
    throw Error("search run " + std::to_string(run.id) + " names a device that is not in " + ws.db().path());
}

int supernetWidthDivisor(Workspace& ws) {
    // The supernet record is what the evaluations are keyed by, so its divisor is the one the
    // stored losses were measured at (Workspace has no accessor for it yet).
    SupernetFitness& f = ws.fitness();
    const auto rec = ws.db().supernet(f.supernetId());
    return rec ? rec->widthDivisor : 1;
}

SubTransformerExportInfo exportInfoFor(Workspace& ws, const std::string& device, const Candidate& candidate) {
    SubTransformerExportInfo e;
    e.device = ws.device(device).name;
    e.latencyMs = candidate.latency.ms;
    e.latencyUpperMs = candidate.latency.upperMs;
    e.validLoss = candidate.fitness;
    SupernetFitness& f = ws.fitness();
    e.bleu = ws.db().evaluationBleu(f.supernetId(), f.fitnessSetId(), canonicalGene(candidate.gene, ws.space()));
    e.supernet = std::filesystem::path(ws.checkpointPath()).filename().string();
    e.widthDivisor = supernetWidthDivisor(ws);
    return e;
}

}  // namespace hat

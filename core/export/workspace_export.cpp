#include "core/export/workspace_export.h"

#include <filesystem>

#include "core/workspace/workspace.h"
#include "core/space/gene.h"
#include "core/util/error.h"

namespace hat {

int supernetWidthDivisor(Workspace& ws) {
    // With the SuperTransformer loaded, the divisor is its record's: the one the stored losses
    // were measured at.
    ws.fitness();
    return ws.widthDivisor();
}

SubTransformerExportInfo exportInfoFor(Workspace& ws, const std::string& device, const Candidate& candidate) {
    SubTransformerExportInfo e;
    e.device = ws.device(device).name;
    e.latencyMs = candidate.latency.ms;
    e.latencyUpperMs = candidate.latency.upperMs;
    e.validLoss = candidate.fitness;
    e.bleu = ws.storedBleu(candidate.gene);
    e.supernet = std::filesystem::path(ws.checkpointPath()).filename().string();
    e.widthDivisor = supernetWidthDivisor(ws);
    return e;
}

}  // namespace hat

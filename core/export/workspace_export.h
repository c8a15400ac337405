#pragma once
// What an exported SubTransformer's header says, gathered from a workspace: the device searched
// for, the stored prediction and quality, and the SuperTransformer that measured the quality.
#include <string>

#include "core/export/subtransformer_file.h"
#include "core/search/evolution.h"
#include "core/store/workspace_db.h"

namespace hat {

class Workspace;

// The width divisor of the SuperTransformer the workspace's evaluations come from (loads it).
int supernetWidthDivisor(Workspace& ws);
// The header of `candidate` as found on `device`: its latency there, its validation loss, the
// BLEU stored with its evaluation (if one was computed), the checkpoint's file name and divisor;
// date left empty (today).
SubTransformerExportInfo exportInfoFor(Workspace& ws, const std::string& device, const Candidate& candidate);

}  // namespace hat

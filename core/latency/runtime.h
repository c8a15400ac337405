#pragma once
// The runtimes a SubTransformer can be executed with on this machine (issue 16, after CANAO:
// the same model runs several times apart by runtime, so the runtime is part of the device).
// A runtime names how its linear layers run and so the precision its model is held in;
// attention products, LayerNorm and softmax stay fp32 in every runtime that executes here.
//
// No torch types: the CLI and UI list runtimes through this.
#include <string>
#include <vector>

#include "core/space/precision.h"

namespace hat {

struct RuntimeSpec {
    std::string id;       // "fp32", "fp32-onednn", "int8", "int8-qnnpack", "w4a8"
    std::string name;     // for people
    Precision precision;  // what its weights are held in
    std::string detail;   // how its linear layers run
    bool hasKernels;      // LibTorch has kernels for it (w4a8 has none: quality and size only)
};

struct RuntimeSupport {
    bool executes = false;  // can be run and timed on this machine
    std::string reason;     // why not, when it cannot
};

// Every runtime we know, fp32 first.
const std::vector<RuntimeSpec>& knownRuntimes();
// Throws hat::Error listing the known ids.
const RuntimeSpec& findRuntime(const std::string& id);
// Whether LibTorch here can execute `id` (a known id; throws otherwise).
RuntimeSupport runtimeSupport(const std::string& id);

}  // namespace hat

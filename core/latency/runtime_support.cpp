#include <torch/torch.h>
#include <torch/version.h>

#include <algorithm>

#include "core/latency/runtime.h"

// Which of the known runtimes this machine's LibTorch can execute.
namespace hat {

namespace {

bool hasQuantizedEngine(at::QEngine engine) {
    const auto& engines = at::globalContext().supportedQEngines();
    return std::find(engines.begin(), engines.end(), engine) != engines.end();
}

}  // namespace

RuntimeSupport runtimeSupport(const std::string& id) {
    findRuntime(id);
    if (id == "fp32") return {true, ""};
    if (id == "fp32-onednn") {
        if (at::hasMKLDNN()) return {true, ""};
        return {false, "this LibTorch was built without oneDNN (MKL-DNN)"};
    }
    if (id == "int8") {
        if (hasQuantizedEngine(at::QEngine::ONEDNN)) return {true, ""};
        return {false, "this LibTorch has no oneDNN quantized engine"};
    }
    if (id == "int8-qnnpack") {
        if (hasQuantizedEngine(at::QEngine::QNNPACK)) return {true, ""};
        return {false, "this LibTorch has no QNNPACK quantized engine"};
    }
    // w4a8: its quality and size are computed (fake quantization), its latency is not claimed.
    return {false, "LibTorch " TORCH_VERSION " has no 4-bit matrix kernels (oneDNN and QNNPACK "
                   "take 8-bit weights), so a 4-bit model cannot be timed here"};
}

}  // namespace hat

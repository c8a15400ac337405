#include "core/latency/runtime.h"

#include <torch/torch.h>
#include <torch/version.h>

#include <algorithm>

#include "core/util/error.h"

namespace hat {

namespace {

bool hasQuantizedEngine(at::QEngine engine) {
    const auto& engines = at::globalContext().supportedQEngines();
    return std::find(engines.begin(), engines.end(), engine) != engines.end();
}

}  // namespace

const std::vector<RuntimeSpec>& knownRuntimes() {
    static const std::vector<RuntimeSpec> runtimes = {
        {"fp32", "fp32 (LibTorch eager, BLAS)", Precision::Fp32,
         "fp32 linear layers through the active BLAS (OpenBLAS): today's runtime", true},
        {"fp32-onednn", "fp32 through oneDNN", Precision::Fp32,
         "fp32 linear layers through oneDNN with weights kept in its layout", true},
        {"int8", "int8 dynamic (oneDNN)", Precision::Int8,
         "dynamic int8 linear layers on the oneDNN quantized engine: per-channel symmetric int8 "
         "weights, activations quantized per call", true},
        {"int8-qnnpack", "int8 dynamic (QNNPACK)", Precision::Int8,
         "dynamic int8 linear layers on the QNNPACK quantized engine (what ARM phones use)", true},
        {"w4a8", "4-bit weights, 8-bit activations (FQ-BERT)", Precision::W4A8,
         "FQ-BERT's full quantization: 4-bit weights, 8-bit activations, softmax table and "
         "LayerNorm parameters, int32 biases", false},
    };
    return runtimes;
}

const RuntimeSpec& findRuntime(const std::string& id) {
    std::string known;
    for (const auto& r : knownRuntimes()) {
        if (r.id == id) return r;
        known += (known.empty() ? "" : ", ") + r.id;
    }
    throw Error("unknown runtime '" + id + "' (known: " + known + ")");
}

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

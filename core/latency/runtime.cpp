#include "core/latency/runtime.h"

#include "core/util/error.h"

// The table of runtimes; no tensors, so the dataset readers (and the fuzz build) can check a
// runtime id. What this machine's LibTorch supports is in runtime_support.cpp.
namespace hat {

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

}  // namespace hat

#pragma once
// One linear layer of a materialised SubTransformer, executed the way a runtime executes it
// (runtime.h): fp32 through BLAS, fp32 through oneDNN, or dynamic int8 on a quantized engine.
// Internal to core/latency (torch types).
#include <ATen/native/quantized/PackedParams.h>
#include <torch/torch.h>

#include <string>

namespace hat {

enum class LinearKernel { Fp32, OneDnnFp32, Int8OneDnn, Int8Qnnpack };

// The kernel a runtime id runs its linears with; throws hat::Error when it cannot execute here.
LinearKernel linearKernelFor(const std::string& runtimeId);

class RuntimeLinear {
public:
    RuntimeLinear() = default;
    // `weight` [out, in] and `bias` [out] (or undefined) are fp32; they are copied or packed.
    // A packed weight belongs to one thread: QNNPACK packs lazily on its first call.
    RuntimeLinear(const torch::Tensor& weight, const torch::Tensor& bias, LinearKernel kernel);

    // Without bias, reading `weight` in place under the fp32 kernel (the output projection is
    // the decoder's embedding matrix: one copy, as a deployed model holds it).
    static RuntimeLinear sharing(const torch::Tensor& weight, LinearKernel kernel);

    // x [..., in] fp32 -> [..., out] fp32.
    torch::Tensor operator()(const torch::Tensor& x) const;

private:
    LinearKernel kernel_ = LinearKernel::Fp32;
    int64_t out_ = 0;
    torch::Tensor weight_, bias_;  // fp32: dense, or oneDNN's layout
    c10::intrusive_ptr<::LinearPackedParamsBase> packed_;
};

}  // namespace hat

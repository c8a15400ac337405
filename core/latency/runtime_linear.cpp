#include "core/latency/runtime_linear.h"

#include <ATen/core/dispatch/Dispatcher.h>

#include "core/latency/runtime.h"
#include "core/model/weight_quantization.h"
#include "core/util/error.h"

namespace hat {

namespace {

using PackedLinear = c10::intrusive_ptr<::LinearPackedParamsBase>;

// The engine that packs a weight decides the kernel that runs it; the global choice is put back.
PackedLinear prepackOn(at::QEngine engine, const torch::Tensor& qweight, const torch::Tensor& bias) {
    struct EngineRestorer {
        at::QEngine saved = at::globalContext().qEngine();
        ~EngineRestorer() { at::globalContext().setQEngine(saved); }
    } restore;
    at::globalContext().setQEngine(engine);
    static const auto prepack =
        c10::Dispatcher::singleton()
            .findSchemaOrThrow("quantized::linear_prepack", "")
            .typed<PackedLinear(at::Tensor, c10::optional<at::Tensor>)>();
    return prepack.call(qweight, bias.defined() ? c10::optional<at::Tensor>(bias) : c10::nullopt);
}

}  // namespace

LinearKernel linearKernelFor(const std::string& runtimeId) {
    const RuntimeSupport support = runtimeSupport(runtimeId);
    if (!support.executes) throw Error("runtime '" + runtimeId + "' cannot run here: " + support.reason);
    if (runtimeId == "fp32-onednn") return LinearKernel::OneDnnFp32;
    if (runtimeId == "int8") return LinearKernel::Int8OneDnn;
    if (runtimeId == "int8-qnnpack") return LinearKernel::Int8Qnnpack;
    return LinearKernel::Fp32;
}

RuntimeLinear::RuntimeLinear(const torch::Tensor& weight, const torch::Tensor& bias,
                             LinearKernel kernel)
    : kernel_(kernel), out_(weight.size(0)) {
    torch::NoGradGuard noGrad;
    // Owned contiguous copies (never views of a SuperTransformer's weights).
    const auto w = weight.detach().to(torch::kFloat).clone(at::MemoryFormat::Contiguous);
    const auto b = bias.defined() ? bias.detach().to(torch::kFloat).clone(at::MemoryFormat::Contiguous)
                                  : torch::Tensor();
    switch (kernel) {
        case LinearKernel::Fp32:
            weight_ = w;
            bias_ = b;
            break;
        case LinearKernel::OneDnnFp32:
            weight_ = w.to_mkldnn();
            bias_ = b.defined() ? b.to_mkldnn() : b;
            break;
        case LinearKernel::Int8OneDnn:
            packed_ = prepackOn(at::QEngine::ONEDNN, quantizeRowsInt8(w), b);
            break;
        case LinearKernel::Int8Qnnpack:
            packed_ = prepackOn(at::QEngine::QNNPACK, quantizeRowsInt8(w), b);
            break;
    }
}

RuntimeLinear RuntimeLinear::sharing(const torch::Tensor& weight, LinearKernel kernel) {
    if (kernel != LinearKernel::Fp32) return RuntimeLinear(weight, {}, kernel);
    RuntimeLinear l;
    l.out_ = weight.size(0);
    l.weight_ = weight;
    return l;
}

torch::Tensor RuntimeLinear::operator()(const torch::Tensor& x) const {
    if (kernel_ == LinearKernel::Fp32) return torch::linear(x, weight_, bias_);
    auto shape = x.sizes().vec();
    const auto flat = x.reshape({-1, x.size(-1)}).contiguous();
    torch::Tensor y;
    if (kernel_ == LinearKernel::OneDnnFp32) {
        y = at::mkldnn_linear(flat.to_mkldnn(), weight_, bias_).to_dense();
    } else {
        // reduce_range off: QNNPACK ignores it anyway (and warns each call), oneDNN does not need it.
        y = packed_->apply_dynamic(flat, /*reduce_range=*/false);
    }
    shape.back() = out_;
    return y.view(shape);
}

}  // namespace hat

#include "core/model/precision_scope.h"

#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/native/quantized/PackedParams.h>

#include <algorithm>

#include "core/model/weight_quantization.h"

namespace hat {

struct PrecisionState {
    static PrecisionScope::State& current() {
        thread_local PrecisionScope::State s;
        return s;
    }
};

PrecisionScope::PrecisionScope(Precision precision, ActivationRanges* ranges, bool record)
    : saved_(PrecisionState::current()) {
    PrecisionState::current() = {record ? Precision::Fp32 : precision, ranges, record};
}

PrecisionScope::~PrecisionScope() { PrecisionState::current() = saved_; }

Precision activePrecision() { return PrecisionState::current().precision; }

namespace {

constexpr double kActivationLevels = 127.0;  // 8-bit symmetric

void recordRange(const torch::Tensor& x, const void* site, bool finiteOnly = false) {
    auto& s = PrecisionState::current();
    const auto v = finiteOnly ? x.masked_fill(torch::isinf(x), 0.0) : x;
    const float m = v.detach().abs().max().item<float>();
    float& kept = s.ranges->maxAbs[site];
    kept = std::max(kept, m);
}

// The scale a site's activations are quantized with: its calibrated range, else its own.
double activationScale(const torch::Tensor& x, const void* site) {
    const auto& s = PrecisionState::current();
    double maxAbs = 0.0;
    if (s.ranges) {
        const auto it = s.ranges->maxAbs.find(site);
        if (it != s.ranges->maxAbs.end()) maxAbs = it->second;
    }
    if (maxAbs <= 0.0) maxAbs = x.detach().abs().max().item<double>();
    return maxAbs > 0.0 ? maxAbs / kActivationLevels : 1.0;
}

torch::Tensor fakeQuantizeActivation(const torch::Tensor& x, double scale) {
    return at::fake_quantize_per_tensor_affine(x, scale, 0, -127, 127);
}

using PackedLinear = c10::intrusive_ptr<LinearPackedParamsBase>;

PackedLinear prepackOneDnn(const torch::Tensor& qweight, const torch::Tensor& bias) {
    static const auto prepack =
        c10::Dispatcher::singleton()
            .findSchemaOrThrow("quantized::linear_prepack", "")
            .typed<PackedLinear(at::Tensor, c10::optional<at::Tensor>)>();
    // The engine that packs decides the kernel. oneDNN is LibTorch's default here; the switch
    // (and its lock) is only for a process that left another engine selected.
    static std::mutex engineMutex;
    if (at::globalContext().qEngine() != at::QEngine::ONEDNN) {
        std::lock_guard<std::mutex> lock(engineMutex);
        at::globalContext().setQEngine(at::QEngine::ONEDNN);
    }
    return prepack.call(qweight, bias.defined() ? c10::optional<at::Tensor>(bias) : c10::nullopt);
}

torch::Tensor int8Linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
    const auto packed = prepackOneDnn(quantizeRowsInt8(weight.to(torch::kFloat)),
                                      bias.defined() ? bias.to(torch::kFloat).contiguous() : bias);
    auto shape = x.sizes().vec();
    const auto y = packed->apply_dynamic(x.reshape({-1, x.size(-1)}).to(torch::kFloat).contiguous(), false);
    shape.back() = weight.size(0);
    return y.view(shape);
}

torch::Tensor w4a8Linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                         const void* site) {
    const double sx = activationScale(x, site);
    const auto wq = fakeQuantizeRows(weight, 4);
    torch::Tensor bq;
    if (bias.defined()) {
        // int32 at the scale of input x weight, per output row.
        const auto s = symmetricRowScales(weight, 4) * sx;
        bq = torch::round(bias.to(torch::kFloat) / s) * s;
    }
    return torch::linear(fakeQuantizeActivation(x, sx), wq, bq);
}

torch::Tensor perTensor8Bit(const torch::Tensor& t) {
    const double maxAbs = t.detach().abs().max().item<double>();
    return maxAbs > 0.0 ? fakeQuantizeActivation(t, maxAbs / kActivationLevels) : t;
}

}  // namespace

torch::Tensor linearAt(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                       const void* site) {
    const auto& s = PrecisionState::current();
    if (s.record && s.ranges) recordRange(x, site);
    switch (s.precision) {
        case Precision::Fp32: return torch::linear(x, weight, bias);
        case Precision::Int8: return int8Linear(x, weight, bias);
        case Precision::W4A8: return w4a8Linear(x, weight, bias, site);
    }
    return torch::linear(x, weight, bias);
}

torch::Tensor layerNormAt(const torch::Tensor& x, int64_t d, const torch::Tensor& weight,
                          const torch::Tensor& bias) {
    if (activePrecision() != Precision::W4A8) return torch::layer_norm(x, {d}, weight, bias, 1e-5);
    return torch::layer_norm(x, {d}, perTensor8Bit(weight), perTensor8Bit(bias), 1e-5);
}

torch::Tensor softmaxAt(const torch::Tensor& scores, const void* site) {
    const auto& s = PrecisionState::current();
    if (s.record && s.ranges) recordRange(scores, site, true);
    if (s.precision != Precision::W4A8) return torch::softmax(scores, -1);
    // FQ-BERT's table: an 8-bit input (masked positions stay masked) to an 8-bit output in [0, 1].
    const double sx = activationScale(scores.masked_fill(torch::isinf(scores), 0.0), site);
    const auto q = torch::where(torch::isinf(scores), scores, fakeQuantizeActivation(scores, sx));
    return at::fake_quantize_per_tensor_affine(torch::softmax(q, -1), 1.0 / 255.0, 0, 0, 255);
}

const void* outputProjectionSite() {
    static const char site = 0;
    return &site;
}

torch::Tensor tableAt(const torch::Tensor& table) {
    switch (activePrecision()) {
        case Precision::Fp32: return table;
        case Precision::Int8: return fakeQuantizeRows(table, 8);
        case Precision::W4A8: return fakeQuantizeRows(table, 4);
    }
    return table;
}

}  // namespace hat

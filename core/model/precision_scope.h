#pragma once
// The precision a SuperTransformer forward runs at on this thread (issue 16: quality at a
// precision). fp32 is the model as trained. Under int8 each linear layer (the output projection
// included) runs through the real dynamic int8 kernel the int8 runtime times: per-channel
// symmetric int8 weights, the activations quantized per call by the kernel. Under w4a8 the
// model is fake-quantized as FQ-BERT (Liu et al., DATE 2021) quantizes it: 4-bit per-channel
// weights, 8-bit activations with ranges calibrated beforehand, int32 biases, 8-bit LayerNorm
// parameters and an 8-bit softmax (input and output), all computed in float; LibTorch has no
// 4-bit kernels. At int8 and w4a8 the token tables are held at the weight precision too.
//
// Calibration: a forward under a recording scope keeps, per site (a layer's input), the largest
// magnitude it saw; a w4a8 scope given those ranges quantizes each site with its own.
#include <torch/torch.h>

#include <mutex>
#include <unordered_map>

#include "core/space/precision.h"

namespace hat {

struct ActivationRanges {
    std::unordered_map<const void*, float> maxAbs;  // per site
};

class PrecisionScope {
public:
    // `ranges`: read at w4a8 (a site not in it takes its own current range), written when
    // `record` (then the forward itself runs fp32).
    explicit PrecisionScope(Precision precision, ActivationRanges* ranges = nullptr, bool record = false);
    ~PrecisionScope();
    PrecisionScope(const PrecisionScope&) = delete;
    PrecisionScope& operator=(const PrecisionScope&) = delete;

private:
    struct State {
        Precision precision = Precision::Fp32;
        ActivationRanges* ranges = nullptr;
        bool record = false;
    };
    State saved_;
    friend struct PrecisionState;
};

// This thread's precision.
Precision activePrecision();

// The model's operations at this thread's precision; fp32 gives exactly torch's own op.
// `site` names the input being quantized (any stable address: the layer's module).
torch::Tensor linearAt(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                       const void* site);
torch::Tensor layerNormAt(const torch::Tensor& x, int64_t d, const torch::Tensor& weight,
                          const torch::Tensor& bias);
torch::Tensor softmaxAt(const torch::Tensor& scores, const void* site);
// A token table (embedding, output projection) as held at this precision.
torch::Tensor tableAt(const torch::Tensor& table);
// The site of the output projection's input (the model's and the loss's projection).
const void* outputProjectionSite();

}  // namespace hat

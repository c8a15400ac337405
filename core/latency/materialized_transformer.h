#pragma once
// One SubTransformer copied out of a SuperTransformer into its own contiguous weights, with the
// same forward pass (HAT_SPEC §5) in evaluation mode. Latency is measured on this, not on the
// weight-sharing model: sliced views make every product strided, which is slower than the
// deployed SubTransformer and would bias each measurement by how much of the super width it cuts.
//
// Its linear layers (the output projection included) run under a runtime (runtime.h); the
// attention products, softmax and LayerNorm are fp32 in every runtime.
//
// Internal to core/latency (torch types); the public face is latency_measure.h.
#include <torch/torch.h>

#include <string>
#include <vector>

#include "core/latency/runtime_linear.h"
#include "core/model/super_transformer.h"

namespace hat {

class MaterializedTransformer {
public:
    // `config` is nominal (HAT widths); the model's width divisor is applied inside. Throws
    // hat::Error when `runtime` cannot execute here.
    MaterializedTransformer(SuperTransformerImpl& model, const SubConfig& config,
                            const std::string& runtime = "fp32");

    // Same contracts as SuperTransformerImpl::encode / initialState / decodeStep.
    EncoderOutput encode(const torch::Tensor& srcTokens) const;
    DecoderState initialState() const;
    torch::Tensor decodeStep(const torch::Tensor& prefix, const EncoderOutput& enc,
                             DecoderState& state) const;

private:
    using Linear = RuntimeLinear;
    struct Norm {
        torch::Tensor w, b;
        torch::Tensor operator()(const torch::Tensor& x) const {
            return torch::layer_norm(x, {w.size(0)}, w, b, 1e-5);
        }
    };
    struct EncoderLayer {
        Linear qkv, out, fc1, fc2;
        Norm attnNorm, finalNorm;
        int64_t heads;
    };
    struct DecoderLayer {
        Linear qkv, selfOut, q, kv, crossOut, fc1, fc2;
        Norm selfNorm, crossNorm, finalNorm;
        int64_t selfHeads, endeHeads;
        int arbitrary;
    };

    torch::Tensor attend(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                         int64_t tgtLen, int64_t batch, int64_t heads,
                         const torch::Tensor& keyPadding, const Linear& out) const;
    torch::Tensor splitHeads(const torch::Tensor& x, int64_t len, int64_t batch,
                             int64_t heads) const;

    int64_t qkv_ = 0, padIdx_ = 1, encDim_ = 0, decDim_ = 0, superEncoderLayers_ = 0;
    torch::Tensor encEmbed_, decEmbed_;  // [V, Es], [V, Ds] (shared values)
    Linear outProj_;                     // decEmbed_ as the output projection, no bias
    torch::Tensor encPositions_, decPositions_;    // rows of the sinusoidal table, [rows, d]
    std::vector<EncoderLayer> encoder_;
    std::vector<DecoderLayer> decoder_;
};

}  // namespace hat

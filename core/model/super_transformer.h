#pragma once
// HAT's SuperTransformer (TransformerSuperModel): a post-norm encoder-decoder Transformer at the
// largest size of a design space, run as any SubTransformer of that space by slicing its weights
// (HAT_SPEC §4-§5). Built at the space's widths divided by `widthDivisor`: the demo trains a 1/8
// width proxy of space0 while SubConfigs keep HAT's nominal widths.
#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

#include "core/model/super_layers.h"
#include "core/space/design_space.h"
#include "core/space/sub_config.h"

namespace hat {

struct ModelOptions {
    DesignSpace space;
    int64_t vocabSize = 0;
    int widthDivisor = 1;
    int64_t padIdx = 1;
    // Training-time dropout (HAT's defaults for WMT space0 are 0.3 / 0.1 / 0); off in eval().
    double dropout = 0.1;
    double attentionDropout = 0.1;
    double activationDropout = 0.0;

    // Widths the modules are built with.
    int64_t encoderEmbed() const { return space.superEncoderEmbedDim / widthDivisor; }
    int64_t decoderEmbed() const { return space.superDecoderEmbedDim / widthDivisor; }
    int64_t encoderFfn() const { return space.superEncoderFfnDim / widthDivisor; }
    int64_t decoderFfn() const { return space.superDecoderFfnDim / widthDivisor; }
    int64_t qkv() const { return space.qkvDim / widthDivisor; }
    // Throws hat::Error when a width of the space is not divisible by the divisor, or a head
    // count does not divide the scaled qkv width.
    void validate() const;
};

// A SubConfig with every width divided by the model's divisor: what the modules actually slice.
SubConfig scaledConfig(const SubConfig& nominal, int widthDivisor);

struct EncoderOutput {
    torch::Tensor out;                 // (T, B, Es)
    std::vector<torch::Tensor> all;    // every super layer's output, identity layers included
    torch::Tensor paddingMask;         // (B, T) bool, undefined when the batch has no pad
    // Keys/values memory for one arbitrary attention choice (-1, 1, 2) and its padding mask.
    torch::Tensor memory(int arbitrary) const;
    torch::Tensor memoryMask(int arbitrary) const;
    // Keeps rows `order` (beam search): reorders every tensor along the batch dimension.
    EncoderOutput reordered(const torch::Tensor& order) const;
};

// Per decoder layer caches for incremental decoding.
struct DecoderState {
    std::vector<AttentionCache> self, cross;
    int64_t steps = 0;  // tokens decoded so far
    // Keeps rows `order` of a batch that had `oldBatch` rows (beam search drops finished
    // sentences, so the batch may shrink).
    void reorder(const torch::Tensor& order, int64_t oldBatch);
};

class EncoderLayerImpl : public torch::nn::Module {
public:
    EncoderLayerImpl(const ModelOptions& o);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& pad, int64_t d, int64_t ffn,
                          int64_t heads, double pResidual, double pActivation);
    SuperAttention self_attn{nullptr};
    SuperLayerNorm self_attn_layer_norm{nullptr}, final_layer_norm{nullptr};
    SuperLinear fc1{nullptr}, fc2{nullptr};
    double superDropout;
};
TORCH_MODULE(EncoderLayer);

class DecoderLayerImpl : public torch::nn::Module {
public:
    DecoderLayerImpl(const ModelOptions& o);
    torch::Tensor forward(const torch::Tensor& y, const torch::Tensor& memory,
                          const torch::Tensor& memoryMask, const torch::Tensor& futureMask,
                          int64_t d, int64_t dEnc, int64_t ffn, int64_t selfHeads,
                          int64_t endeHeads, double pResidual, double pActivation,
                          AttentionCache* selfCache, AttentionCache* crossCache);
    SuperAttention self_attn{nullptr}, encoder_attn{nullptr};
    SuperLayerNorm self_attn_layer_norm{nullptr}, encoder_attn_layer_norm{nullptr},
        final_layer_norm{nullptr};
    SuperLinear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(DecoderLayer);

class EncoderImpl : public torch::nn::Module {
public:
    EncoderImpl(const ModelOptions& o, SuperEmbedding embed);
    SuperEmbedding embed_tokens{nullptr};
    torch::nn::ModuleList layers;
};
TORCH_MODULE(Encoder);

class DecoderImpl : public torch::nn::Module {
public:
    DecoderImpl(const ModelOptions& o, SuperEmbedding embed);
    SuperEmbedding embed_tokens{nullptr};
    torch::nn::ModuleList layers;
};
TORCH_MODULE(Decoder);

class SuperTransformerImpl : public torch::nn::Module {
public:
    explicit SuperTransformerImpl(const ModelOptions& options);

    const ModelOptions& options() const { return options_; }

    // All configs below are nominal (HAT widths); they are scaled by the width divisor inside.
    EncoderOutput encode(const torch::Tensor& srcTokens, const SubConfig& config);
    // Teacher forcing: logits (B, T, V) for prev_output_tokens (B, T).
    torch::Tensor decode(const torch::Tensor& prevOutputTokens, const EncoderOutput& enc,
                         const SubConfig& config);
    torch::Tensor forward(const torch::Tensor& srcTokens, const torch::Tensor& prevOutputTokens,
                          const SubConfig& config);
    // decode() without the output projection: the last decoder layer's output (T, B, d), and the
    // projection it would use (V, d), for losses that never form the full logits.
    torch::Tensor decodeFeatures(const torch::Tensor& prevOutputTokens, const EncoderOutput& enc,
                                 const SubConfig& config);
    torch::Tensor outputWeight(const SubConfig& config) const;

    // Incremental decoding: `prefix` (B, t+1) holds every token so far, only the last one is
    // embedded; returns logits (B, 1, V) and extends `state`.
    DecoderState initialState() const;
    torch::Tensor decodeStep(const torch::Tensor& prefix, const EncoderOutput& enc,
                             const SubConfig& config, DecoderState& state);

    // HAT's state_dict names -> tensors (shared embedding under both names, version buffers).
    std::map<std::string, torch::Tensor> hatStateDict() const;
    // Copies tensors in; throws hat::Error naming `source` on a missing name or a wrong shape.
    void loadHatStateDict(const std::map<std::string, torch::Tensor>& dict,
                          const std::string& source);
    // Parameters without duplicates (the shared embedding once), for optimisers.
    std::vector<torch::Tensor> uniqueParameters() const;

    Encoder encoder{nullptr};
    Decoder decoder{nullptr};

private:
    torch::Tensor embed(const torch::Tensor& tokens, int64_t d, double pSampled,
                        const torch::Tensor& positions);
    torch::Tensor outputProjection(const torch::Tensor& y, int64_t d);

    ModelOptions options_;
    SuperEmbedding embedding_{nullptr};
    SinusoidalPositions encoderPositions_, decoderPositions_;
};
TORCH_MODULE(SuperTransformer);

}  // namespace hat

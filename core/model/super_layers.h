#pragma once
// Weight-sharing building blocks (HAT_SPEC §4): every module holds the SuperTransformer's weights
// and a SubTransformer uses a leading slice of them. Parameter names follow HAT's state_dict.
#include <torch/torch.h>

namespace hat {

// fc1 / fc2 / out_proj: weight [out_super, in_super], bias [out_super].
class SuperLinearImpl : public torch::nn::Module {
public:
    SuperLinearImpl(int64_t inSuper, int64_t outSuper, bool bias = true);
    // y = x · weight[:out, :in]ᵀ + bias[:out]
    torch::Tensor forward(const torch::Tensor& x, int64_t in, int64_t out);
    torch::Tensor weight, bias;
};
TORCH_MODULE(SuperLinear);

// LayerNorm over the first d features, eps 1e-5.
class SuperLayerNormImpl : public torch::nn::Module {
public:
    explicit SuperLayerNormImpl(int64_t dSuper);
    torch::Tensor forward(const torch::Tensor& x, int64_t d);
    torch::Tensor weight, bias;
};
TORCH_MODULE(SuperLayerNorm);

// Token embedding [V, E_super]; a side uses its first d columns. Shared by encoder, decoder and
// output projection with --share-all-embeddings.
class SuperEmbeddingImpl : public torch::nn::Module {
public:
    SuperEmbeddingImpl(int64_t vocab, int64_t dSuper, int64_t padIdx);
    torch::Tensor weight;
    int64_t padIdx;
};
TORCH_MODULE(SuperEmbedding);

// Sinusoidal positions built at the super embed dim; a side reads the first d columns (HAT quirk,
// HAT_SPEC §5.2). Row p depends on p only. Built for 1024 positions up front, so concurrent
// evaluations only read it; grows on demand beyond that.
class SinusoidalPositions {
public:
    SinusoidalPositions(int64_t dSuper, int64_t padIdx);
    // Positions for a batch of tokens (B, T) -> (B, T, d).
    torch::Tensor forward(const torch::Tensor& tokens, int64_t d);
    // The single row for an incremental step whose prefix has `prefixLen` tokens -> (B, 1, d).
    torch::Tensor step(int64_t batch, int64_t prefixLen, int64_t d);

private:
    const torch::Tensor& table(int64_t rows);
    int64_t dSuper_, padIdx_;
    torch::Tensor table_;
};

// Cached keys and values of one attention block during incremental decoding, laid out
// (B*H, T, head_dim) as in HAT's MultiheadAttention.
struct AttentionCache {
    torch::Tensor key, value;
};

// MultiheadAttentionSuper: in_proj_weight [3Q, E_super] (q, k, v row blocks), in_proj_bias [3Q],
// out_proj [E_super, Q]. Q (qkv_dim) is fixed; only input columns and output rows are sliced.
class SuperAttentionImpl : public torch::nn::Module {
public:
    SuperAttentionImpl(int64_t eSuper, int64_t qkvDim, double dropout);

    // Self-attention of x (T, B, d). `futureMask` (T, T) 0/-inf or undefined; `keyPadding`
    // (B, T) bool or undefined. With `cache`, x holds only the newest step and its keys and values
    // are appended to the cache.
    torch::Tensor selfAttention(const torch::Tensor& x, int64_t d, int64_t heads,
                                const torch::Tensor& futureMask, const torch::Tensor& keyPadding,
                                AttentionCache* cache);
    // Encoder-decoder attention: query (Tq, B, dq), memory (Tk, B, dkv). With `cache`, the memory's
    // keys and values are computed on the first call and reused afterwards (static kv).
    torch::Tensor crossAttention(const torch::Tensor& query, const torch::Tensor& memory,
                                 int64_t dq, int64_t dkv, int64_t heads,
                                 const torch::Tensor& keyPadding, AttentionCache* cache);

    torch::Tensor in_proj_weight, in_proj_bias;
    SuperLinear out_proj{nullptr};

private:
    torch::Tensor attend(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                         int64_t tgtLen, int64_t batch, int64_t d, int64_t heads,
                         const torch::Tensor& futureMask, const torch::Tensor& keyPadding);
    torch::Tensor splitHeads(const torch::Tensor& x, int64_t len, int64_t batch, int64_t heads);
    // Distinct addresses inside this module naming its quantized inputs (precision_scope.h):
    // 0 self q/k/v, 1 cross q, 2 cross k/v, 3 softmax scores.
    const void* site(int k) const { return reinterpret_cast<const char*>(this) + k; }
    int64_t qkvDim_;
    double dropout_;
};
TORCH_MODULE(SuperAttention);

}  // namespace hat

#include "core/model/super_layers.h"

#include <cmath>

#include "core/model/batched_matmul.h"
#include "core/model/precision_scope.h"

namespace hat {

namespace F = torch::nn::functional;

SuperLinearImpl::SuperLinearImpl(int64_t inSuper, int64_t outSuper, bool withBias) {
    weight = register_parameter("weight", torch::empty({outSuper, inSuper}));
    // Xavier-uniform as HAT's Linear() helper; biases start at zero.
    torch::nn::init::xavier_uniform_(weight);
    if (withBias) bias = register_parameter("bias", torch::zeros({outSuper}));
}

torch::Tensor SuperLinearImpl::forward(const torch::Tensor& x, int64_t in, int64_t out) {
    // The same view HAT's LinearSuper takes: weight[:, :in][:out, :].
    auto w = weight.slice(1, 0, in).slice(0, 0, out);
    auto b = bias.defined() ? bias.slice(0, 0, out) : torch::Tensor();
    return linearAt(x, w, b, this);
}

SuperLayerNormImpl::SuperLayerNormImpl(int64_t dSuper) {
    weight = register_parameter("weight", torch::ones({dSuper}));
    bias = register_parameter("bias", torch::zeros({dSuper}));
}

torch::Tensor SuperLayerNormImpl::forward(const torch::Tensor& x, int64_t d) {
    return layerNormAt(x, d, weight.slice(0, 0, d), bias.slice(0, 0, d));
}

SuperEmbeddingImpl::SuperEmbeddingImpl(int64_t vocab, int64_t dSuper, int64_t pad) : padIdx(pad) {
    // HAT: normal(0, E_super^-0.5) with the pad row zeroed.
    weight = register_parameter("weight", torch::randn({vocab, dSuper}) * std::pow(dSuper, -0.5));
    torch::NoGradGuard g;
    weight[pad].zero_();
}

SinusoidalPositions::SinusoidalPositions(int64_t dSuper, int64_t padIdx)
    : dSuper_(dSuper), padIdx_(padIdx) {
    table(0);
}

const torch::Tensor& SinusoidalPositions::table(int64_t rows) {
    if (table_.defined() && table_.size(0) >= rows) return table_;
    // Same ops as fairseq's get_embedding so the float32 values agree bit for bit.
    const int64_t n = std::max<int64_t>(rows, 1024 + padIdx_ + 1);
    const int64_t half = dSuper_ / 2;
    const double scale = std::log(10000.0) / static_cast<double>(half - 1);
    auto freq = torch::exp(torch::arange(half, torch::kFloat) * -scale);
    auto arg = torch::arange(n, torch::kFloat).unsqueeze(1) * freq.unsqueeze(0);
    auto emb = torch::cat({torch::sin(arg), torch::cos(arg)}, 1).view({n, -1});
    if (dSuper_ % 2 == 1) emb = torch::cat({emb, torch::zeros({n, 1})}, 1);
    emb[padIdx_].zero_();
    table_ = emb;
    return table_;
}

torch::Tensor SinusoidalPositions::forward(const torch::Tensor& tokens, int64_t d) {
    // make_positions: pad + running count of non-pad tokens; pads map to the pad row.
    auto mask = tokens.ne(padIdx_).to(torch::kInt);
    auto positions = (torch::cumsum(mask, 1).to(torch::kInt) * mask).to(torch::kLong) + padIdx_;
    const int64_t maxPos = padIdx_ + 1 + tokens.size(1);
    const auto& t = table(maxPos);
    return t.index_select(0, positions.view(-1))
        .view({tokens.size(0), tokens.size(1), -1})
        .slice(2, 0, d);
}

torch::Tensor SinusoidalPositions::step(int64_t batch, int64_t prefixLen, int64_t d) {
    const auto& t = table(padIdx_ + prefixLen + 1);
    return t[padIdx_ + prefixLen].slice(0, 0, d).expand({batch, 1, d});
}

SuperAttentionImpl::SuperAttentionImpl(int64_t eSuper, int64_t qkvDim, double dropout)
    : qkvDim_(qkvDim), dropout_(dropout) {
    in_proj_weight = register_parameter("in_proj_weight", torch::empty({3 * qkvDim, eSuper}));
    torch::nn::init::xavier_uniform_(in_proj_weight);
    in_proj_bias = register_parameter("in_proj_bias", torch::zeros({3 * qkvDim}));
    out_proj = register_module("out_proj", SuperLinear(qkvDim, eSuper));
    torch::NoGradGuard g;
    out_proj->bias.zero_();
}

torch::Tensor SuperAttentionImpl::splitHeads(const torch::Tensor& x, int64_t len, int64_t batch,
                                             int64_t heads) {
    return x.contiguous().view({len, batch * heads, qkvDim_ / heads}).transpose(0, 1);
}

torch::Tensor SuperAttentionImpl::attend(const torch::Tensor& q, const torch::Tensor& k,
                                         const torch::Tensor& v, int64_t tgtLen, int64_t batch,
                                         int64_t d, int64_t heads, const torch::Tensor& futureMask,
                                         const torch::Tensor& keyPadding) {
    const int64_t srcLen = k.size(1);
    auto w = batchedMatmul(q, k.transpose(1, 2));
    if (futureMask.defined()) w += futureMask.unsqueeze(0);
    if (keyPadding.defined()) {
        w = w.view({batch, heads, tgtLen, srcLen})
                .masked_fill(keyPadding.unsqueeze(1).unsqueeze(2),
                             -std::numeric_limits<float>::infinity())
                .view({batch * heads, tgtLen, srcLen});
    }
    w = softmaxAt(w.to(torch::kFloat), site(3)).to(w.scalar_type());
    w = F::dropout(w, F::DropoutFuncOptions().p(dropout_).training(is_training()));
    auto o = batchedMatmul(w, v);
    o = o.transpose(0, 1).contiguous().view({tgtLen, batch, qkvDim_});
    return out_proj->forward(o, qkvDim_, d);
}

torch::Tensor SuperAttentionImpl::selfAttention(const torch::Tensor& x, int64_t d, int64_t heads,
                                                const torch::Tensor& futureMask,
                                                const torch::Tensor& keyPadding,
                                                AttentionCache* cache) {
    const int64_t tgtLen = x.size(0), batch = x.size(1);
    const int64_t headDim = qkvDim_ / heads;  // integer, as HAT: heads divide qkvDim_
    const double scaling = std::pow(static_cast<double>(headDim), -0.5);
    // One [3Q, d] product chunked in three, as HAT's in_proj_qkv.
    auto qkv = linearAt(x, in_proj_weight.slice(1, 0, d), in_proj_bias, site(0)).chunk(3, -1);
    auto q = qkv[0] * scaling;
    auto k = splitHeads(qkv[1], tgtLen, batch, heads);
    auto v = splitHeads(qkv[2], tgtLen, batch, heads);
    if (cache) {
        if (cache->key.defined()) {
            k = torch::cat({cache->key, k}, 1);
            v = torch::cat({cache->value, v}, 1);
        }
        cache->key = k;
        cache->value = v;
    }
    return attend(splitHeads(q, tgtLen, batch, heads), k, v, tgtLen, batch, d, heads, futureMask,
                  keyPadding);
}

torch::Tensor SuperAttentionImpl::crossAttention(const torch::Tensor& query,
                                                 const torch::Tensor& memory, int64_t dq,
                                                 int64_t dkv, int64_t heads,
                                                 const torch::Tensor& keyPadding,
                                                 AttentionCache* cache) {
    const int64_t tgtLen = query.size(0), batch = query.size(1);
    const int64_t headDim = qkvDim_ / heads;  // integer, as HAT: heads divide qkvDim_
    const double scaling = std::pow(static_cast<double>(headDim), -0.5);
    auto q = linearAt(query, in_proj_weight.slice(0, 0, qkvDim_).slice(1, 0, dq),
                      in_proj_bias.slice(0, 0, qkvDim_), site(1)) *
             scaling;
    torch::Tensor k, v;
    if (cache && cache->key.defined()) {
        k = cache->key;
        v = cache->value;
    } else {
        // k and v in one product over rows Q..3Q-1, as HAT's in_proj_kv.
        auto kv = linearAt(memory, in_proj_weight.slice(0, qkvDim_).slice(1, 0, dkv),
                           in_proj_bias.slice(0, qkvDim_), site(2))
                      .chunk(2, -1);
        k = splitHeads(kv[0], memory.size(0), batch, heads);
        v = splitHeads(kv[1], memory.size(0), batch, heads);
        if (cache) {
            cache->key = k;
            cache->value = v;
        }
    }
    return attend(splitHeads(q, tgtLen, batch, heads), k, v, tgtLen, batch, dq, heads, {},
                  keyPadding);
}

}  // namespace hat

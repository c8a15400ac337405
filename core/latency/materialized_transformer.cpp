#include "core/latency/materialized_transformer.h"

#include <cmath>
#include <limits>

namespace hat {

namespace {

// An owned, contiguous copy: the point of this class.
torch::Tensor own(const torch::Tensor& t) {
    return t.detach().clone(at::MemoryFormat::Contiguous);
}

// Positions of a batch of tokens as fairseq's make_positions: pad + running count of non-pads.
torch::Tensor positionsOf(const torch::Tensor& tokens, int64_t padIdx) {
    auto mask = tokens.ne(padIdx).to(torch::kLong);
    return torch::cumsum(mask, 1) * mask + padIdx;
}

constexpr int64_t kMaxPositions = 1024;

}  // namespace

MaterializedTransformer::MaterializedTransformer(SuperTransformerImpl& model,
                                                 const SubConfig& nominal,
                                                 const std::string& runtime) {
    torch::NoGradGuard noGrad;
    const LinearKernel kernel = linearKernelFor(runtime);
    const auto& o = model.options();
    const SubConfig c = scaledConfig(nominal, o.widthDivisor);
    qkv_ = o.qkv();
    padIdx_ = o.padIdx;
    encDim_ = c.encoderEmbedDim;
    decDim_ = c.decoderEmbedDim;
    superEncoderLayers_ = o.space.superEncoderLayers;

    const auto& table = model.encoder->embed_tokens->weight;
    encEmbed_ = own(table.slice(1, 0, encDim_));
    // Shared embeddings: decoder input and output projection read the same [V, Ds] matrix.
    decEmbed_ = decDim_ == encDim_ ? encEmbed_ : own(table.slice(1, 0, decDim_));
    outProj_ = Linear::sharing(decEmbed_, kernel);

    // The sinusoidal table is built at the super width and column-sliced (HAT quirk, §5.2).
    SinusoidalPositions encPos(o.encoderEmbed(), padIdx_), decPos(o.decoderEmbed(), padIdx_);
    // Any non-pad tokens: their positions are pad+1 .. pad+kMaxPositions.
    auto rows = torch::full({1, kMaxPositions}, padIdx_ + 1, torch::kLong);
    encPositions_ = own(torch::cat({torch::zeros({1, 1 + padIdx_, encDim_}),
                                    encPos.forward(rows, encDim_)}, 1)[0]);
    decPositions_ = own(torch::cat({torch::zeros({1, 1 + padIdx_, decDim_}),
                                    decPos.forward(rows, decDim_)}, 1)[0]);

    auto linear = [&](SuperLinearImpl& l, int64_t in, int64_t out) {
        return Linear(l.weight.slice(0, 0, out).slice(1, 0, in), l.bias.slice(0, 0, out), kernel);
    };

    auto norm = [](SuperLayerNormImpl& n, int64_t d) {
        return Norm{own(n.weight.slice(0, 0, d)), own(n.bias.slice(0, 0, d))};
    };
    const int64_t Q = qkv_;
    for (int i = 0; i < c.encoderLayerNum; ++i) {
        auto& l = *model.encoder->layers[i]->as<EncoderLayerImpl>();
        const int64_t d = encDim_, f = c.encoderFfnDim[i];
        EncoderLayer e;
        e.qkv = Linear(l.self_attn->in_proj_weight.slice(1, 0, d), l.self_attn->in_proj_bias, kernel);
        e.out = linear(*l.self_attn->out_proj, Q, d);
        e.attnNorm = norm(*l.self_attn_layer_norm, d);
        e.fc1 = linear(*l.fc1, d, f);
        e.fc2 = linear(*l.fc2, f, d);
        e.finalNorm = norm(*l.final_layer_norm, d);
        e.heads = c.encoderSelfHeads[i];
        encoder_.push_back(std::move(e));
    }
    for (int i = 0; i < c.decoderLayerNum; ++i) {
        auto& l = *model.decoder->layers[i]->as<DecoderLayerImpl>();
        const int64_t d = decDim_, f = c.decoderFfnDim[i];
        DecoderLayer e;
        e.qkv = Linear(l.self_attn->in_proj_weight.slice(1, 0, d), l.self_attn->in_proj_bias, kernel);
        e.selfOut = linear(*l.self_attn->out_proj, Q, d);
        e.selfNorm = norm(*l.self_attn_layer_norm, d);
        const auto& w = l.encoder_attn->in_proj_weight;
        const auto& b = l.encoder_attn->in_proj_bias;
        // Query reads the decoder width, keys/values the encoder width (§4).
        e.q = Linear(w.slice(0, 0, Q).slice(1, 0, d), b.slice(0, 0, Q), kernel);
        e.kv = Linear(w.slice(0, Q).slice(1, 0, encDim_), b.slice(0, Q), kernel);
        e.crossOut = linear(*l.encoder_attn->out_proj, Q, d);
        e.crossNorm = norm(*l.encoder_attn_layer_norm, d);
        e.fc1 = linear(*l.fc1, d, f);
        e.fc2 = linear(*l.fc2, f, d);
        e.finalNorm = norm(*l.final_layer_norm, d);
        e.selfHeads = c.decoderSelfHeads[i];
        e.endeHeads = c.decoderEndeHeads[i];
        e.arbitrary = c.decoderArbitraryEndeAttn[i];
        decoder_.push_back(std::move(e));
    }
}

torch::Tensor MaterializedTransformer::splitHeads(const torch::Tensor& x, int64_t len,
                                                  int64_t batch, int64_t heads) const {
    return x.contiguous().view({len, batch * heads, qkv_ / heads}).transpose(0, 1);
}

torch::Tensor MaterializedTransformer::attend(const torch::Tensor& q, const torch::Tensor& k,
                                              const torch::Tensor& v, int64_t tgtLen,
                                              int64_t batch, int64_t heads,
                                              const torch::Tensor& keyPadding,
                                              const Linear& out) const {
    const int64_t srcLen = k.size(1);
    auto w = torch::bmm(q, k.transpose(1, 2));
    if (keyPadding.defined()) {
        w = w.view({batch, heads, tgtLen, srcLen})
                .masked_fill(keyPadding.unsqueeze(1).unsqueeze(2),
                             -std::numeric_limits<float>::infinity())
                .view({batch * heads, tgtLen, srcLen});
    }
    w = torch::softmax(w, -1);
    auto o = torch::bmm(w, v).transpose(0, 1).contiguous().view({tgtLen, batch, qkv_});
    return out(o);
}

EncoderOutput MaterializedTransformer::encode(const torch::Tensor& src) const {
    const int64_t batch = src.size(0), len = src.size(1);
    EncoderOutput enc;
    auto pad = src.eq(padIdx_);
    if (pad.any().item<bool>()) enc.paddingMask = pad;
    auto x = torch::embedding(encEmbed_, src) * std::sqrt(static_cast<double>(encDim_));
    x = (x + encPositions_.index_select(0, positionsOf(src, padIdx_).view(-1))
                 .view({batch, len, encDim_}))
            .transpose(0, 1);
    for (int i = 0; i < superEncoderLayers_; ++i) {
        if (i < static_cast<int>(encoder_.size())) {
            const auto& l = encoder_[i];
            const int64_t headDim = qkv_ / l.heads;
            const double scaling = std::pow(static_cast<double>(headDim), -0.5);
            auto qkv = l.qkv(x).chunk(3, -1);
            auto y = attend(splitHeads(qkv[0] * scaling, len, batch, l.heads),
                            splitHeads(qkv[1], len, batch, l.heads),
                            splitHeads(qkv[2], len, batch, l.heads), len, batch, l.heads,
                            enc.paddingMask, l.out);
            x = l.attnNorm(x + y);
            y = l.fc2(torch::relu(l.fc1(x)));
            x = l.finalNorm(x + y);
        }
        enc.all.push_back(x);  // identity layers too: arbitrary attention indexes from the end
    }
    enc.out = x;
    return enc;
}

DecoderState MaterializedTransformer::initialState() const {
    DecoderState s;
    s.self.resize(decoder_.size());
    s.cross.resize(decoder_.size());
    return s;
}

torch::Tensor MaterializedTransformer::decodeStep(const torch::Tensor& prefix,
                                                  const EncoderOutput& enc,
                                                  DecoderState& state) const {
    const int64_t batch = prefix.size(0), len = prefix.size(1);
    auto last = prefix.slice(1, len - 1, len);
    auto y = torch::embedding(decEmbed_, last) * std::sqrt(static_cast<double>(decDim_));
    y = (y + decPositions_[padIdx_ + len].expand({batch, 1, decDim_})).transpose(0, 1);
    for (size_t i = 0; i < decoder_.size(); ++i) {
        const auto& l = decoder_[i];
        // Self-attention over every step so far (cached keys/values, no padding mask: §5.4).
        const int64_t selfHeadDim = qkv_ / l.selfHeads;
        const double sScale = std::pow(static_cast<double>(selfHeadDim), -0.5);
        auto qkv = l.qkv(y).chunk(3, -1);
        auto k = splitHeads(qkv[1], 1, batch, l.selfHeads);
        auto v = splitHeads(qkv[2], 1, batch, l.selfHeads);
        auto& sc = state.self[i];
        if (sc.key.defined()) {
            k = torch::cat({sc.key, k}, 1);
            v = torch::cat({sc.value, v}, 1);
        }
        sc.key = k;
        sc.value = v;
        auto r = attend(splitHeads(qkv[0] * sScale, 1, batch, l.selfHeads), k, v, 1, batch,
                        l.selfHeads, {}, l.selfOut);
        y = l.selfNorm(y + r);
        // Encoder-decoder attention; the memory's keys/values are computed once.
        auto& cc = state.cross[i];
        if (!cc.key.defined()) {
            const auto memory = enc.memory(l.arbitrary);
            auto kv = l.kv(memory).chunk(2, -1);
            cc.key = splitHeads(kv[0], memory.size(0), batch, l.endeHeads);
            cc.value = splitHeads(kv[1], memory.size(0), batch, l.endeHeads);
        }
        const int64_t crossHeadDim = qkv_ / l.endeHeads;
        const double cScale = std::pow(static_cast<double>(crossHeadDim), -0.5);
        r = attend(splitHeads(l.q(y) * cScale, 1, batch, l.endeHeads), cc.key, cc.value, 1, batch,
                   l.endeHeads, enc.memoryMask(l.arbitrary), l.crossOut);
        y = l.crossNorm(y + r);
        r = l.fc2(torch::relu(l.fc1(y)));
        y = l.finalNorm(y + r);
    }
    state.steps = len;
    return outProj_(y.transpose(0, 1));
}

}  // namespace hat

#include "core/model/inherited_weights.h"

namespace hat {

namespace {
torch::Tensor cut(const torch::Tensor& t, int64_t rows, int64_t cols = -1) {
    auto r = t.slice(0, 0, rows);
    if (cols >= 0) r = r.slice(1, 0, cols);
    return r.clone();  // contiguous, owning: independent of the SuperTransformer
}
}  // namespace

TensorDict inheritedWeights(SuperTransformerImpl& model, const SubConfig& nominal) {
    const SubConfig c = scaledConfig(nominal, model.options().widthDivisor);
    const int64_t q = model.options().qkv(), es = c.encoderEmbedDim, ds = c.decoderEmbedDim;
    torch::NoGradGuard guard;
    TensorDict out;
    const auto& embed = model.encoder->embed_tokens->weight;
    const int64_t vocab = embed.size(0);
    out["encoder.embed_tokens.weight"] = cut(embed, vocab, es);
    out["decoder.embed_tokens.weight"] = cut(embed, vocab, ds);  // also the output projection
    auto norm = [&](const std::string& name, SuperLayerNormImpl& n, int64_t d) {
        out[name + ".weight"] = cut(n.weight, d);
        out[name + ".bias"] = cut(n.bias, d);
    };
    auto linear = [&](const std::string& name, SuperLinearImpl& l, int64_t in, int64_t outDim) {
        out[name + ".weight"] = cut(l.weight, outDim, in);
        out[name + ".bias"] = cut(l.bias, outDim);
    };
    auto selfAttention = [&](const std::string& p, SuperAttentionImpl& a, SuperLayerNormImpl& n, int64_t d) {
        out[p + "self_attn.in_proj_weight"] = cut(a.in_proj_weight, 3 * q, d);
        out[p + "self_attn.in_proj_bias"] = cut(a.in_proj_bias, 3 * q);
        linear(p + "self_attn.out_proj", *a.out_proj, q, d);
        norm(p + "self_attn_layer_norm", n, d);
    };
    for (int i = 0; i < c.encoderLayerNum; ++i) {
        auto& layer = *model.encoder->layers[i]->as<EncoderLayer>();
        const std::string p = "encoder.layers." + std::to_string(i) + ".";
        selfAttention(p, *layer.self_attn, *layer.self_attn_layer_norm, es);
        linear(p + "fc1", *layer.fc1, es, c.encoderFfnDim[i]);
        linear(p + "fc2", *layer.fc2, c.encoderFfnDim[i], es);
        norm(p + "final_layer_norm", *layer.final_layer_norm, es);
    }
    for (int i = 0; i < c.decoderLayerNum; ++i) {
        auto& layer = *model.decoder->layers[i]->as<DecoderLayer>();
        const std::string p = "decoder.layers." + std::to_string(i) + ".";
        selfAttention(p, *layer.self_attn, *layer.self_attn_layer_norm, ds);
        const auto& w = layer.encoder_attn->in_proj_weight;
        if (es == ds) {
            out[p + "encoder_attn.in_proj_weight"] = cut(w, 3 * q, ds);
        } else {
            out[p + "encoder_attn.q_proj_weight"] = w.slice(0, 0, q).slice(1, 0, ds).clone();
            out[p + "encoder_attn.k_proj_weight"] = w.slice(0, q, 2 * q).slice(1, 0, es).clone();
            out[p + "encoder_attn.v_proj_weight"] = w.slice(0, 2 * q, 3 * q).slice(1, 0, es).clone();
        }
        out[p + "encoder_attn.in_proj_bias"] = cut(layer.encoder_attn->in_proj_bias, 3 * q);
        linear(p + "encoder_attn.out_proj", *layer.encoder_attn->out_proj, q, ds);
        norm(p + "encoder_attn_layer_norm", *layer.encoder_attn_layer_norm, ds);
        linear(p + "fc1", *layer.fc1, ds, c.decoderFfnDim[i]);
        linear(p + "fc2", *layer.fc2, c.decoderFfnDim[i], ds);
        norm(p + "final_layer_norm", *layer.final_layer_norm, ds);
    }
    return out;
}

}  // namespace hat

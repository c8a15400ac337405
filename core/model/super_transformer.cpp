#include "core/model/super_transformer.h"

#include <cmath>
#include <set>
#include <utility>

#include "core/model/precision_scope.h"
#include "core/util/error.h"

namespace hat {

namespace F = torch::nn::functional;

namespace {

torch::Tensor maybeDropout(const torch::Tensor& x, double p, bool training) {
    if (!training || p <= 0.0) return x;
    return F::dropout(x, F::DropoutFuncOptions().p(p).training(true));
}

// HAT's calc_dropout: training dropout scales with the sampled width (HAT_SPEC §5.6).
double scaledP(double p, int64_t d, int64_t dSuper) {
    return p * static_cast<double>(d) / static_cast<double>(dSuper);
}

// The member initialisers divide by the width divisor, so the options are checked before the
// first of them runs (a divisor of 0 was a SIGFPE, issue 15).
const ModelOptions& validated(const ModelOptions& o) {
    o.validate();
    return o;
}

torch::Tensor futureMask(int64_t n) {
    return torch::triu(torch::full({n, n}, -std::numeric_limits<float>::infinity()), 1);
}

}  // namespace

void ModelOptions::validate() const {
    if (widthDivisor < 1) {
        throw Error("width divisor must be at least 1, not " + std::to_string(widthDivisor));
    }
    auto divisible = [&](int v, const char* what) {
        if (v % widthDivisor != 0) {
            throw Error(std::string(what) + " " + std::to_string(v) +
                        " is not divisible by the width divisor " + std::to_string(widthDivisor));
        }
    };
    for (int v : space.encoderEmbedChoice) divisible(v, "encoder embed dim");
    for (int v : space.decoderEmbedChoice) divisible(v, "decoder embed dim");
    for (int v : space.encoderFfnChoice) divisible(v, "encoder FFN dim");
    for (int v : space.decoderFfnChoice) divisible(v, "decoder FFN dim");
    divisible(space.superEncoderEmbedDim, "super encoder embed dim");
    divisible(space.superDecoderEmbedDim, "super decoder embed dim");
    divisible(space.superEncoderFfnDim, "super encoder FFN dim");
    divisible(space.superDecoderFfnDim, "super decoder FFN dim");
    divisible(space.qkvDim, "qkv dim");
    for (const auto* heads : {&space.encoderSelfHeadsChoice, &space.decoderSelfHeadsChoice,
                              &space.decoderEndeHeadsChoice}) {
        for (int h : *heads) {
            if (h < 1) throw Error("head count " + std::to_string(h) + " must be at least 1");
            if (qkv() % h != 0) {
                throw Error("head count " + std::to_string(h) + " does not divide the qkv width " +
                            std::to_string(qkv()) + " at width divisor " +
                            std::to_string(widthDivisor));
            }
        }
    }
    if (vocabSize <= padIdx) throw Error("vocabulary too small");
}

SubConfig scaledConfig(const SubConfig& nominal, int div) {
    if (div == 1) return nominal;
    SubConfig c = nominal;
    c.encoderEmbedDim /= div;
    c.decoderEmbedDim /= div;
    for (auto& f : c.encoderFfnDim) f /= div;
    for (auto& f : c.decoderFfnDim) f /= div;
    return c;
}

torch::Tensor EncoderOutput::memory(int arbitrary) const {
    const size_t n = all.size();
    if (arbitrary == 1) return torch::cat({out, all[n - 2]}, 0);
    if (arbitrary == 2) return torch::cat({out, all[n - 2], all[n - 3]}, 0);
    return out;
}

torch::Tensor EncoderOutput::memoryMask(int arbitrary) const {
    if (!paddingMask.defined()) return {};
    if (arbitrary == 1) return torch::cat({paddingMask, paddingMask}, 1);
    if (arbitrary == 2) return torch::cat({paddingMask, paddingMask, paddingMask}, 1);
    return paddingMask;
}

EncoderOutput EncoderOutput::reordered(const torch::Tensor& order) const {
    EncoderOutput r;
    r.out = out.index_select(1, order);
    for (const auto& a : all) r.all.push_back(a.index_select(1, order));
    if (paddingMask.defined()) r.paddingMask = paddingMask.index_select(0, order);
    return r;
}

void DecoderState::reorder(const torch::Tensor& order, int64_t oldBatch) {
    auto apply = [&](torch::Tensor& t) {
        if (!t.defined()) return;
        // Caches are (B*H, T, hd) with batch-major rows; keep batch rows `order` for every head.
        const int64_t heads = t.size(0) / oldBatch;
        t = t.view({oldBatch, heads, t.size(1), t.size(2)})
                .index_select(0, order)
                .view({order.size(0) * heads, t.size(1), t.size(2)});
    };
    for (auto& c : self) {
        apply(c.key);
        apply(c.value);
    }
    for (auto& c : cross) {
        apply(c.key);
        apply(c.value);
    }
}

EncoderLayerImpl::EncoderLayerImpl(const ModelOptions& o) : superDropout(o.dropout) {
    const int64_t e = o.encoderEmbed();
    self_attn = register_module("self_attn", SuperAttention(e, o.qkv(), o.attentionDropout));
    self_attn_layer_norm = register_module("self_attn_layer_norm", SuperLayerNorm(e));
    fc1 = register_module("fc1", SuperLinear(e, o.encoderFfn()));
    fc2 = register_module("fc2", SuperLinear(o.encoderFfn(), e));
    final_layer_norm = register_module("final_layer_norm", SuperLayerNorm(e));
}

torch::Tensor EncoderLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& pad,
                                        int64_t d, int64_t ffn, int64_t heads, double pResidual,
                                        double pActivation) {
    const bool train = is_training();
    auto r = x;
    auto y = self_attn->selfAttention(x, d, heads, {}, pad, nullptr);
    // HAT quirk (§5.6): this residual uses the unscaled super dropout.
    y = self_attn_layer_norm->forward(r + maybeDropout(y, superDropout, train), d);
    r = y;
    y = torch::relu(fc1->forward(y, d, ffn));
    y = maybeDropout(y, pActivation, train);
    y = fc2->forward(y, ffn, d);
    return final_layer_norm->forward(r + maybeDropout(y, pResidual, train), d);
}

DecoderLayerImpl::DecoderLayerImpl(const ModelOptions& o) {
    const int64_t d = o.decoderEmbed();
    self_attn = register_module("self_attn", SuperAttention(d, o.qkv(), o.attentionDropout));
    self_attn_layer_norm = register_module("self_attn_layer_norm", SuperLayerNorm(d));
    // HAT builds enc-dec attention with kdim = vdim = the decoder width (equal in HAT's spaces).
    encoder_attn = register_module("encoder_attn", SuperAttention(d, o.qkv(), o.attentionDropout));
    encoder_attn_layer_norm = register_module("encoder_attn_layer_norm", SuperLayerNorm(d));
    fc1 = register_module("fc1", SuperLinear(d, o.decoderFfn()));
    fc2 = register_module("fc2", SuperLinear(o.decoderFfn(), d));
    final_layer_norm = register_module("final_layer_norm", SuperLayerNorm(d));
}

torch::Tensor DecoderLayerImpl::forward(const torch::Tensor& y0, const torch::Tensor& memory,
                                        const torch::Tensor& memoryMask,
                                        const torch::Tensor& futureMask, int64_t d, int64_t dEnc,
                                        int64_t ffn, int64_t selfHeads, int64_t endeHeads,
                                        double pResidual, double pActivation,
                                        AttentionCache* selfCache,
                                        AttentionCache* crossCache) {
    const bool train = is_training();
    auto r = y0;
    // No key padding mask on decoder self-attention (HAT quirk, §5.4).
    auto y = self_attn->selfAttention(y0, d, selfHeads, futureMask, {}, selfCache);
    y = self_attn_layer_norm->forward(r + maybeDropout(y, pResidual, train), d);
    r = y;
    y = encoder_attn->crossAttention(y, memory, d, dEnc, endeHeads, memoryMask, crossCache);
    y = encoder_attn_layer_norm->forward(r + maybeDropout(y, pResidual, train), d);
    r = y;
    y = torch::relu(fc1->forward(y, d, ffn));
    y = maybeDropout(y, pActivation, train);
    y = fc2->forward(y, ffn, d);
    return final_layer_norm->forward(r + maybeDropout(y, pResidual, train), d);
}

EncoderImpl::EncoderImpl(const ModelOptions& o, SuperEmbedding embed) {
    embed_tokens = register_module("embed_tokens", std::move(embed));
    for (int i = 0; i < o.space.superEncoderLayers; ++i) layers->push_back(EncoderLayer(o));
    register_module("layers", layers);
}

DecoderImpl::DecoderImpl(const ModelOptions& o, SuperEmbedding embed) {
    embed_tokens = register_module("embed_tokens", std::move(embed));
    for (int i = 0; i < o.space.superDecoderLayers; ++i) layers->push_back(DecoderLayer(o));
    register_module("layers", layers);
}

SuperTransformerImpl::SuperTransformerImpl(const ModelOptions& options)
    : options_(validated(options)),
      encoderPositions_(options.encoderEmbed(), options.padIdx),
      decoderPositions_(options.decoderEmbed(), options.padIdx) {
    if (options_.encoderEmbed() != options_.decoderEmbed()) {
        throw Error("shared embeddings need equal super encoder and decoder embed dims");
    }
    embedding_ = SuperEmbedding(options_.vocabSize, options_.encoderEmbed(), options_.padIdx);
    encoder = register_module("encoder", Encoder(options_, embedding_));
    decoder = register_module("decoder", Decoder(options_, embedding_));
}

torch::Tensor SuperTransformerImpl::embed(const torch::Tensor& tokens, int64_t d, double pSampled,
                                          const torch::Tensor& positions) {
    auto x = F::embedding(tokens, tableAt(embedding_->weight.slice(1, 0, d)),
                          F::EmbeddingFuncOptions().padding_idx(options_.padIdx)) *
             std::sqrt(static_cast<double>(d));
    x += positions;
    return maybeDropout(x, pSampled, is_training()).transpose(0, 1);
}

EncoderOutput SuperTransformerImpl::encode(const torch::Tensor& src, const SubConfig& nominal) {
    const SubConfig c = scaledConfig(nominal, options_.widthDivisor);
    const int64_t d = c.encoderEmbedDim;
    const double p = scaledP(options_.dropout, d, options_.encoderEmbed());
    const double pAct = scaledP(options_.activationDropout, d, options_.encoderEmbed());
    EncoderOutput enc;
    auto x = embed(src, d, p, encoderPositions_.forward(src, d));
    auto pad = src.eq(options_.padIdx);
    if (pad.any().item<bool>()) enc.paddingMask = pad;
    for (int i = 0; i < options_.space.superEncoderLayers; ++i) {
        if (i < c.encoderLayerNum) {
            x = encoder->layers[i]->as<EncoderLayer>()->forward(
                x, enc.paddingMask, d, c.encoderFfnDim[i], c.encoderSelfHeads[i], p, pAct);
        }
        enc.all.push_back(x);
    }
    enc.out = x;
    return enc;
}

torch::Tensor SuperTransformerImpl::outputProjection(const torch::Tensor& y, int64_t d) {
    return linearAt(y.transpose(0, 1), tableAt(embedding_->weight.slice(1, 0, d)), {},
                    outputProjectionSite());
}

torch::Tensor SuperTransformerImpl::decode(const torch::Tensor& prev, const EncoderOutput& enc,
                                           const SubConfig& nominal) {
    const auto y = decodeFeatures(prev, enc, nominal);
    return outputProjection(y, y.size(2));
}

torch::Tensor SuperTransformerImpl::outputWeight(const SubConfig& nominal) const {
    return tableAt(embedding_->weight.slice(1, 0, nominal.decoderEmbedDim / options_.widthDivisor));
}

torch::Tensor SuperTransformerImpl::decodeFeatures(const torch::Tensor& prev,
                                                   const EncoderOutput& enc,
                                                   const SubConfig& nominal) {
    const SubConfig c = scaledConfig(nominal, options_.widthDivisor);
    const int64_t d = c.decoderEmbedDim;
    const double p = scaledP(options_.dropout, d, options_.decoderEmbed());
    const double pAct = scaledP(options_.activationDropout, d, options_.decoderEmbed());
    auto y = embed(prev, d, p, decoderPositions_.forward(prev, d));
    const auto mask = futureMask(prev.size(1));
    for (int i = 0; i < c.decoderLayerNum; ++i) {
        const int a = c.decoderArbitraryEndeAttn[i];
        y = decoder->layers[i]->as<DecoderLayer>()->forward(
            y, enc.memory(a), enc.memoryMask(a), mask, d, c.encoderEmbedDim, c.decoderFfnDim[i],
            c.decoderSelfHeads[i], c.decoderEndeHeads[i], p, pAct, nullptr, nullptr);
    }
    return y;
}

torch::Tensor SuperTransformerImpl::forward(const torch::Tensor& src, const torch::Tensor& prev,
                                            const SubConfig& config) {
    return decode(prev, encode(src, config), config);
}

DecoderState SuperTransformerImpl::initialState() const {
    DecoderState s;
    s.self.resize(options_.space.superDecoderLayers);
    s.cross.resize(options_.space.superDecoderLayers);
    return s;
}

torch::Tensor SuperTransformerImpl::decodeStep(const torch::Tensor& prefix,
                                               const EncoderOutput& enc, const SubConfig& nominal,
                                               DecoderState& state) {
    const SubConfig c = scaledConfig(nominal, options_.widthDivisor);
    const int64_t d = c.decoderEmbedDim;
    const double p = scaledP(options_.dropout, d, options_.decoderEmbed());
    const double pAct = scaledP(options_.activationDropout, d, options_.decoderEmbed());
    const int64_t len = prefix.size(1);
    auto last = prefix.slice(1, len - 1, len);
    auto y = embed(last, d, p, decoderPositions_.step(prefix.size(0), len, d));
    for (int i = 0; i < c.decoderLayerNum; ++i) {
        const int a = c.decoderArbitraryEndeAttn[i];
        // The memory is only built on the first step; later steps reuse the cached keys/values.
        const bool first = !state.cross[i].key.defined();
        y = decoder->layers[i]->as<DecoderLayer>()->forward(
            y, first ? enc.memory(a) : torch::Tensor(), enc.memoryMask(a), {}, d,
            c.encoderEmbedDim, c.decoderFfnDim[i], c.decoderSelfHeads[i], c.decoderEndeHeads[i],
            p, pAct, &state.self[i], &state.cross[i]);
    }
    state.steps = len;
    return outputProjection(y, d);
}

std::map<std::string, torch::Tensor> SuperTransformerImpl::hatStateDict() const {
    std::map<std::string, torch::Tensor> out;
    for (const auto& item : named_parameters(true)) out[item.key()] = item.value();
    const auto version = torch::full({1}, 3.0f);
    out["encoder.version"] = version;
    out["decoder.version"] = version;
    out["encoder.embed_positions._float_tensor"] = torch::zeros({1});
    out["decoder.embed_positions._float_tensor"] = torch::zeros({1});
    return out;
}

void SuperTransformerImpl::loadHatStateDict(const std::map<std::string, torch::Tensor>& dict,
                                            const std::string& source) {
    torch::NoGradGuard g;
    for (const auto& item : named_parameters(true)) {
        const auto it = dict.find(item.key());
        if (it == dict.end()) fail(source, "missing tensor '" + item.key() + "'");
        const auto& t = it->second;
        if (t.sizes() != item.value().sizes()) {
            std::ostringstream msg;
            msg << "tensor '" << item.key() << "' has shape " << t.sizes() << ", the model needs "
                << item.value().sizes() << " (space " << options_.space.name << ", width divisor "
                << options_.widthDivisor << ")";
            fail(source, msg.str());
        }
        item.value().copy_(t.to(torch::kFloat));
    }
    // Shared embeddings: a HAT checkpoint stores the same table twice; differing copies mean
    // the checkpoint was trained without --share-all-embeddings.
    const auto enc = dict.find("encoder.embed_tokens.weight");
    const auto dec = dict.find("decoder.embed_tokens.weight");
    if (enc != dict.end() && dec != dict.end() && !torch::equal(enc->second, dec->second)) {
        fail(source, "encoder and decoder embeddings differ; only shared embeddings are supported");
    }
}

std::vector<torch::Tensor> SuperTransformerImpl::uniqueParameters() const {
    std::vector<torch::Tensor> out;
    std::set<const void*> seen;
    for (const auto& p : parameters(true)) {
        if (seen.insert(p.unsafeGetTensorImpl()).second) out.push_back(p);
    }
    return out;
}

}  // namespace hat

#include "core/space/arch_metrics.h"

#include <numeric>

#include "core/util/error.h"

namespace hat {

namespace {

double mean(const std::vector<int>& v, int n) {
    if (n <= 0) return 0.0;
    if (static_cast<int>(v.size()) < n) throw Error("per-layer list shorter than the layer count");
    double s = 0.0;
    for (int i = 0; i < n; ++i) s += v[i];
    return s / n;
}

// Number of encoder layers a decoder layer attends to (HAT_SPEC §5.5).
int attendedLayers(int arbitrary) { return arbitrary == -1 ? 1 : arbitrary + 1; }

int64_t attentionParams(int64_t dq, int64_t dkv, int64_t Q) {
    return dq * Q + 2 * dkv * Q + 3 * Q + Q * dq + dq;  // in-projections (full bias) + out_proj
}

int64_t ffnParams(int64_t d, int64_t F) { return (F * d + F) + (d * F + d); }

}  // namespace

LatencyFeatures latencyFeatures(const SubConfig& c) {
    std::vector<int> attended;
    for (int i = 0; i < c.decoderLayerNum; ++i) {
        attended.push_back(attendedLayers(c.decoderArbitraryEndeAttn.at(i)));
    }
    return {static_cast<double>(c.encoderEmbedDim),
            static_cast<double>(c.encoderLayerNum),
            mean(c.encoderFfnDim, c.encoderLayerNum),
            mean(c.encoderSelfHeads, c.encoderLayerNum),
            static_cast<double>(c.decoderEmbedDim),
            static_cast<double>(c.decoderLayerNum),
            mean(c.decoderFfnDim, c.decoderLayerNum),
            mean(c.decoderSelfHeads, c.decoderLayerNum),
            mean(c.decoderEndeHeads, c.decoderLayerNum),
            mean(attended, c.decoderLayerNum)};
}

int64_t hatParameterCount(const SubConfig& c, int qkvDim) {
    const int64_t Q = qkvDim;
    const int64_t Es = c.encoderEmbedDim;
    const int64_t Ds = c.decoderEmbedDim;
    int64_t n = 0;
    for (int i = 0; i < c.encoderLayerNum; ++i) {
        n += attentionParams(Es, Es, Q) + 2 * Es + ffnParams(Es, c.encoderFfnDim.at(i)) + 2 * Es;
    }
    for (int i = 0; i < c.decoderLayerNum; ++i) {
        n += attentionParams(Ds, Ds, Q) + attentionParams(Ds, Es, Q) + 3 * 2 * Ds +
             ffnParams(Ds, c.decoderFfnDim.at(i));
    }
    return n;
}

int64_t flops(const SubConfig& c, int qkvDim, int srcLen, int tgtLen, int vocabSize) {
    const int64_t Q = qkvDim, S = srcLen, T = tgtLen;
    const int64_t Es = c.encoderEmbedDim, Ds = c.decoderEmbedDim;
    int64_t macs = 0;
    for (int i = 0; i < c.encoderLayerNum; ++i) {
        const int64_t F = c.encoderFfnDim.at(i);
        macs += S * Es * 3 * Q;      // q, k, v projections
        macs += 2 * S * S * Q;       // scores and weighted values, summed over heads
        macs += S * Q * Es;          // out_proj
        macs += 2 * S * Es * F;      // fc1, fc2
    }
    for (int i = 0; i < c.decoderLayerNum; ++i) {
        const int64_t F = c.decoderFfnDim.at(i);
        const int64_t keys = S * attendedLayers(c.decoderArbitraryEndeAttn.at(i));
        macs += T * Ds * 3 * Q + 2 * T * T * Q + T * Q * Ds;        // self-attention
        macs += T * Ds * Q + 2 * keys * Es * Q;                     // enc-dec q and k, v
        macs += 2 * T * keys * Q + T * Q * Ds;                      // scores, values, out_proj
        macs += 2 * T * Ds * F;                                     // fc1, fc2
    }
    macs += T * Ds * vocabSize;  // output projection
    return 2 * macs;
}

}  // namespace hat

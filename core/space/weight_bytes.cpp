#include "core/space/weight_bytes.h"

#include "core/util/error.h"

namespace hat {

namespace {

constexpr int64_t kScaleBytes = 4;      // float scale per quantized row or tensor
constexpr int64_t kZeroPointBytes = 1;  // zero point per quantized row
constexpr int64_t kSoftmaxTableBytes = 256;

class Counter {
public:
    explicit Counter(Precision p) : p_(p) {}

    // A [rows, cols] matrix quantized per row (or fp32).
    int64_t matrix(int64_t rows, int64_t cols) const {
        switch (p_) {
            case Precision::Fp32: return 4 * rows * cols;
            case Precision::Int8: return rows * (cols + kScaleBytes + kZeroPointBytes);
            case Precision::W4A8: return rows * ((cols + 1) / 2 + kScaleBytes + kZeroPointBytes);
        }
        return 0;
    }
    // A linear layer [out, in] with its bias (fp32, or int32 at the scale of input x weight),
    // and for w4a8 the calibrated scale of its input.
    int64_t linear(int64_t out, int64_t in) const {
        return matrix(out, in) + 4 * out + (p_ == Precision::W4A8 ? kScaleBytes : 0);
    }
    int64_t layerNorm(int64_t d) const {
        return p_ == Precision::W4A8 ? 2 * (d + kScaleBytes) : 2 * 4 * d;
    }

private:
    Precision p_;
};

}  // namespace

WeightBytes weightBytes(const SubConfig& c, int qkvDim, int vocab, Precision precision) {
    if (qkvDim <= 0 || vocab < 0) throw Error("weight bytes need a positive qkv width and a vocabulary >= 0");
    const Counter n(precision);
    const int64_t Q = qkvDim, Es = c.encoderEmbedDim, Ds = c.decoderEmbedDim;
    WeightBytes b;
    for (int i = 0; i < c.encoderLayerNum; ++i) {
        const int64_t F = c.encoderFfnDim.at(i);
        b.layers += n.linear(3 * Q, Es) + n.linear(Es, Q) + n.layerNorm(Es) +
                    n.linear(F, Es) + n.linear(Es, F) + n.layerNorm(Es);
    }
    for (int i = 0; i < c.decoderLayerNum; ++i) {
        const int64_t F = c.decoderFfnDim.at(i);
        b.layers += n.linear(3 * Q, Ds) + n.linear(Ds, Q) + n.layerNorm(Ds) +  // self-attention
                    n.linear(Q, Ds) + n.linear(2 * Q, Es) + n.linear(Ds, Q) +    // encoder attention
                    n.layerNorm(Ds) + n.linear(F, Ds) + n.linear(Ds, F) + n.layerNorm(Ds);
    }
    if (precision == Precision::W4A8) b.layers += kSoftmaxTableBytes;
    if (vocab > 0) {
        b.embeddings = n.matrix(vocab, Es) + (Ds == Es ? 0 : n.matrix(vocab, Ds));
        b.outputProjection = n.matrix(vocab, Ds);
    }
    return b;
}

}  // namespace hat

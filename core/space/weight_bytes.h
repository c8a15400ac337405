#pragma once
// The bytes a SubTransformer's weights take at a precision (issue 16), counted as our export
// writes them: each quantized matrix holds its integers plus, per output row, a 4-byte float
// scale and a 1-byte zero point (0: the quantization is symmetric, kept for formats that read it).
//
//  - fp32: every tensor 4 bytes a value.
//  - int8: linear and embedding matrices 1 byte a value; biases int32; LayerNorm fp32
//    (the dynamic int8 runtimes compute LayerNorm in float).
//  - w4a8 (FQ-BERT): matrices 4 bits a value (two to a byte, a row rounded up to whole bytes);
//    biases int32; LayerNorm weight and bias 8-bit with one float scale each; an 8-bit
//    softmax lookup table (256 entries) shared by every attention; one float scale per
//    quantized activation (each linear layer's input), from calibration.
//
// The decoder's embedding matrix doubles as the output projection (HAT shares them), so it is
// held once; `outputProjection` says what that matrix takes, for people who untie it.
#include <cstdint>

#include "core/space/precision.h"
#include "core/space/sub_config.h"

namespace hat {

struct WeightBytes {
    int64_t layers = 0;            // encoder and decoder layers: linears, biases, LayerNorms, tables
    int64_t embeddings = 0;        // token tables: encoder, and the decoder's when its width differs
    int64_t outputProjection = 0;  // [vocab, decoder width] as held at the precision (shared)
    int64_t total() const { return layers + embeddings; }
};

// `vocab` 0 leaves the embeddings and the output projection out.
WeightBytes weightBytes(const SubConfig& config, int qkvDim, int vocab, Precision precision);

}  // namespace hat

#pragma once
// Symmetric per-output-channel quantization of a linear layer's weight [out, in] (issue 16):
// row i is scaled by max|w_i| / (2^(bits-1) - 1) and rounded to integers in ±(2^(bits-1) - 1),
// zero point 0. Used by the int8 runtimes (real int8 tensors) and by quality at a precision
// (fake quantization: the same integers times the same scales, back in float).
#include <torch/torch.h>

namespace hat {

// One scale per output row; an all-zero row gets scale 1 (its integers are 0 either way).
torch::Tensor symmetricRowScales(const torch::Tensor& weight, int bits);
// The weight as torch's qint8 per-channel tensor (bits <= 8; 4-bit values still fill qint8).
torch::Tensor quantizeRowsInt8(const torch::Tensor& weight, int bits = 8);
// Float weight whose every value is a representable `bits`-bit value of its row.
torch::Tensor fakeQuantizeRows(const torch::Tensor& weight, int bits);

}  // namespace hat

#pragma once
// The number formats a SubTransformer's weights and activations can be held in (issue 16).
// fp32 is today's model; int8 is per-channel symmetric 8-bit weights with 8-bit activations;
// w4a8 is FQ-BERT's (Liu et al., DATE 2021): 4-bit symmetric weights, 8-bit activations, an
// 8-bit softmax table, 8-bit LayerNorm parameters and int32 biases.
#include <string>
#include <vector>

namespace hat {

enum class Precision { Fp32, Int8, W4A8 };

// "fp32", "int8", "w4a8".
std::string precisionName(Precision p);
// Throws hat::Error naming the accepted values.
Precision parsePrecision(const std::string& name);
std::vector<Precision> allPrecisions();
// Bits of one linear-layer weight at `p`.
int weightBits(Precision p);

}  // namespace hat

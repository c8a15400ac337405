#pragma once
// Numbers derived from an architecture alone: HAT's latency features (§8), HAT's parameter count
// (§7) and a FLOPs count.
#include <array>
#include <cstdint>

#include "core/space/sub_config.h"

namespace hat {

// HAT's 10 features in get_feature_info order (float64 means over the active layers).
using LatencyFeatures = std::array<double, 10>;
LatencyFeatures latencyFeatures(const SubConfig& config);

// get_sampled_params_numel: active layers only, embeddings and output projection excluded.
int64_t hatParameterCount(const SubConfig& config, int qkvDim);

// Multiply-accumulate count ×2 of one forward pass with teacher forcing for a source of `srcLen`
// and a target of `tgtLen` tokens (batch 1), including attention score/value products and the
// output projection over `vocabSize` (0 leaves the projection out).
int64_t flops(const SubConfig& config, int qkvDim, int srcLen, int tgtLen, int vocabSize);

}  // namespace hat

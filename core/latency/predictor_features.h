#pragma once
// What the latency predictor's network reads: a layout's features from HAT's 10 (HAT_SPEC §8),
// and their normalisation (HAT's fixed feature_norm, or our standardisation).
// Internal to core/latency; no torch, so it compiles without the tensor headers.
#include <string>
#include <vector>

#include "core/latency/latency_predictor.h"

namespace hat {

// Each input becomes (value - shift) / scale.
struct FeatureNormalisation {
    std::vector<double> shift, scale;
};

// HAT's predictors: no shift, divided by feature_norm (the same for all eight of HAT's files).
FeatureNormalisation hatNormalisation();
// Ours: each layout input standardised over the training rows.
FeatureNormalisation standardisation(FeatureLayout layout,
                                     const std::vector<LatencyFeatures>& rows);

// One row as the network reads it, in double (the network rounds once, to float32).
std::vector<double> normalisedFeatures(FeatureLayout layout, const FeatureNormalisation& norm,
                                       const LatencyFeatures& features);

std::vector<LatencyFeatures> featuresOf(const LatencyDataset& rows);

}  // namespace hat

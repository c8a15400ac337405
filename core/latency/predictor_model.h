#pragma once
// Everything a latency predictor is: how features are normalised, the network, how its output
// becomes milliseconds, the interval, and what it was trained on. LatencyPredictor is a facade
// over one of these; training builds one, the file format reads and writes one.
// Internal to core/latency (torch types).
#include <string>
#include <vector>

#include "core/latency/predictor_calibration.h"
#include "core/latency/predictor_features.h"
#include "core/latency/predictor_network.h"

namespace hat {

struct PredictorModel {
    FeatureLayout layout = FeatureLayout::Hat10;
    FeatureNormalisation features;
    // The network's output y stands for ms = y * targetScale + targetShift (exp of it with
    // logTarget). HAT's files: scale lat_norm, shift 0.
    bool logTarget = false;
    double targetShift = 0.0, targetScale = 1.0;
    ConformalInterval interval;
    std::vector<HeldOutRow> heldOut;
    std::string spaceYaml, source, description;
    bool hatFile = false;  // HAT's bare state dict
    // Shared by copies of the model (it is not changed once built); metadata is per copy.
    PredictorNet net{nullptr};

    // Rows as the network reads them (N, F).
    torch::Tensor inputs(const std::vector<LatencyFeatures>& rows) const;
    double toMs(float y) const;
    // The inverse of toMs, in double: a training target.
    double toTarget(double ms) const;
    // One batched forward pass.
    std::vector<LatencyEstimate> estimate(const std::vector<LatencyFeatures>& rows) const;
};

}  // namespace hat

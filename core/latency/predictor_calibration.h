#pragma once
// The latency predictor's 90% interval (split-conformal on measured / predicted) and the
// accuracy statistics of predictions against measurements. Internal to core/latency; no torch.
#include <limits>
#include <vector>

#include "core/latency/latency_predictor.h"

namespace hat {

// Bounds on log(measured / predicted); NaN when uncalibrated (HAT's files until calibrate()).
struct ConformalInterval {
    double level = std::numeric_limits<double>::quiet_NaN();
    double logLow = std::numeric_limits<double>::quiet_NaN();
    double logHigh = std::numeric_limits<double>::quiet_NaN();

    LatencyEstimate around(double ms) const;
};

// Calibrated on rows the predictions did not see (out-of-fold, or rows held out from training).
ConformalInterval conformalInterval(const std::vector<double>& measuredMs,
                                    const std::vector<double>& predictedMs, double level);

// The rows with their predictions and intervals, as heldOut() shows them.
std::vector<HeldOutRow> heldOutRows(const std::vector<LatencyFeatures>& features,
                                    const std::vector<double>& measuredMs,
                                    const std::vector<double>& predictedMs,
                                    const ConformalInterval& interval);

}  // namespace hat

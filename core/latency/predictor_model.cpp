#include "core/latency/predictor_model.h"

#include <algorithm>
#include <cmath>

namespace hat {

torch::Tensor PredictorModel::inputs(const std::vector<LatencyFeatures>& rows) const {
    std::vector<std::vector<double>> x;
    x.reserve(rows.size());
    // In double, then one rounding to float32: exactly HAT's features / feature_norm.
    for (const auto& f : rows) x.push_back(normalisedFeatures(layout, features, f));
    return floatRows(x);
}

double PredictorModel::toMs(float y) const {
    const double v = static_cast<double>(y) * targetScale + targetShift;
    if (logTarget) return std::exp(v);
    // A linear-target network extrapolating far outside its rows could go below zero; a
    // latency cannot, and the interval (a ratio) needs it positive. HAT's own files are left
    // exactly as HAT computes them.
    return hatFile ? v : std::max(v, 1e-3);
}

double PredictorModel::toTarget(double ms) const {
    const double t = logTarget ? std::log(ms) : ms;
    return (t - targetShift) / targetScale;
}

std::vector<LatencyEstimate> PredictorModel::estimate(
    const std::vector<LatencyFeatures>& rows) const {
    std::vector<LatencyEstimate> out(rows.size());
    if (rows.empty()) return out;
    torch::InferenceMode guard;
    const auto y = net->forward(inputs(rows));
    const float* p = y.data_ptr<float>();
    for (size_t i = 0; i < rows.size(); ++i) out[i] = interval.around(toMs(p[i]));
    return out;
}

}  // namespace hat

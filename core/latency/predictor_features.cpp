#include "core/latency/predictor_features.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace hat {

const char* featureLayoutName(FeatureLayout layout) {
    switch (layout) {
        case FeatureLayout::Hat10:
            return "hat10";
        case FeatureLayout::Hat10Products:
            return "hat10+products";
    }
    return "unknown";
}

int featureCount(FeatureLayout layout) { return layout == FeatureLayout::Hat10 ? 10 : 15; }

std::vector<double> layoutFeatures(FeatureLayout layout, const LatencyFeatures& f) {
    std::vector<double> out(f.begin(), f.end());
    if (layout == FeatureLayout::Hat10Products) {
        const double Es = f[0], Le = f[1], Fe = f[2], Ds = f[4], Ld = f[5], Fd = f[6], arb = f[9];
        // Work per token, side by side: FFN multiply-adds, decoder projections (qkv width is
        // fixed, so they scale with Ds), the enc-dec memory each decoder layer reads.
        out.push_back(Le * Es * Fe);
        out.push_back(Ld * Ds * Fd);
        out.push_back(Ld * Ds);
        out.push_back(Ld * Es * arb);
        out.push_back(Ld * arb);
    }
    return out;
}

double hatLatNormForName(const std::string& name) {
    const std::string base = std::filesystem::path(name).filename().string();
    if (base.find("raspberrypi") != std::string::npos) return 5000.0;
    if (base.find("xeon") != std::string::npos) return 300.0;
    if (base.find("titanxp") != std::string::npos || base.find("gpu") != std::string::npos) {
        return 200.0;
    }
    return 0.0;
}

FeatureNormalisation hatNormalisation() {
    // HAT's feature_norm (HAT_SPEC §8).
    return {std::vector<double>(10, 0.0), {640, 6, 2048, 6, 640, 6, 2048, 6, 6, 2}};
}

FeatureNormalisation standardisation(FeatureLayout layout,
                                     const std::vector<LatencyFeatures>& rows) {
    const int F = featureCount(layout);
    const double n = static_cast<double>(rows.size());
    // A constant input (e.g. HAT's encoder layer count, always 6) keeps scale 1 so it
    // contributes nothing instead of dividing by zero.
    FeatureNormalisation norm{std::vector<double>(F, 0.0), std::vector<double>(F, 1.0)};
    std::vector<std::vector<double>> raw;
    raw.reserve(rows.size());
    for (const auto& f : rows) raw.push_back(layoutFeatures(layout, f));
    for (int j = 0; j < F; ++j) {
        double m = 0, v = 0;
        for (const auto& r : raw) m += r[j];
        m /= n;
        for (const auto& r : raw) v += (r[j] - m) * (r[j] - m);
        const double sd = std::sqrt(v / n);
        norm.shift[j] = m;
        norm.scale[j] = sd > 1e-9 * std::max(1.0, std::abs(m)) ? sd : 1.0;
    }
    return norm;
}

std::vector<double> normalisedFeatures(FeatureLayout layout, const FeatureNormalisation& norm,
                                       const LatencyFeatures& features) {
    auto v = layoutFeatures(layout, features);
    for (size_t j = 0; j < v.size(); ++j) v[j] = (v[j] - norm.shift[j]) / norm.scale[j];
    return v;
}

std::vector<LatencyFeatures> featuresOf(const LatencyDataset& rows) {
    std::vector<LatencyFeatures> out;
    out.reserve(rows.size());
    for (const auto& s : rows.samples) out.push_back(s.features);
    return out;
}

}  // namespace hat

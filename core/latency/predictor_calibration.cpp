#include "core/latency/predictor_calibration.h"

#include <algorithm>
#include <cmath>

#include "core/util/error.h"

namespace hat {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// k1 is 1-based and clamped to the data.
double quantileSorted(const std::vector<double>& sorted, size_t k1) {
    k1 = std::clamp<size_t>(k1, 1, sorted.size());
    return sorted[k1 - 1];
}

}  // namespace

LatencyEstimate ConformalInterval::around(double ms) const {
    return {ms, ms * std::exp(logLow), ms * std::exp(logHigh)};
}

// With n calibration residuals the ceil((n+1)(1-a/2))-th smallest upper and floor((n+1)a/2)-th
// smallest lower bound give at least `level` coverage on exchangeable new rows.
ConformalInterval conformalInterval(const std::vector<double>& measuredMs,
                                    const std::vector<double>& predictedMs, double level) {
    std::vector<double> logRatios;
    for (size_t i = 0; i < measuredMs.size(); ++i) {
        logRatios.push_back(std::log(measuredMs[i] / predictedMs[i]));
    }
    ConformalInterval out;
    out.level = level;
    if (logRatios.empty()) return out;
    std::sort(logRatios.begin(), logRatios.end());
    const double n = static_cast<double>(logRatios.size());
    const double a = 1.0 - level;
    const auto lo = static_cast<size_t>(std::floor((n + 1.0) * a / 2.0));
    const auto hi = static_cast<size_t>(std::ceil((n + 1.0) * (1.0 - a / 2.0)));
    out.logLow = quantileSorted(logRatios, lo);
    out.logHigh = quantileSorted(logRatios, hi);
    return out;
}

std::vector<HeldOutRow> heldOutRows(const std::vector<LatencyFeatures>& features,
                                    const std::vector<double>& measuredMs,
                                    const std::vector<double>& predictedMs,
                                    const ConformalInterval& interval) {
    std::vector<HeldOutRow> out;
    out.reserve(features.size());
    for (size_t i = 0; i < features.size(); ++i) {
        const auto e = interval.around(predictedMs[i]);
        out.push_back({features[i], measuredMs[i], e.ms, e.lowMs, e.highMs});
    }
    return out;
}

PredictionReport summarizePredictions(const std::vector<double>& measured,
                                      const std::vector<LatencyEstimate>& predicted) {
    if (measured.size() != predicted.size()) throw Error("measured and predicted differ in size");
    PredictionReport r;
    r.rows = measured.size();
    if (r.rows == 0) return r;
    const double n = static_cast<double>(r.rows);
    double se = 0, ape = 0, w5 = 0, w10 = 0, cov = 0, sum = 0;
    bool intervals = true;
    std::vector<double> absPct;
    absPct.reserve(r.rows);
    for (size_t i = 0; i < r.rows; ++i) {
        const double m = measured[i], p = predicted[i].ms, e = p - m;
        const double rel = std::abs(e) / m;
        se += e * e;
        sum += e;
        ape += rel;
        w5 += rel <= 0.05;
        w10 += rel <= 0.10;
        absPct.push_back(100.0 * rel);
        intervals = intervals && predicted[i].hasInterval();
        cov += predicted[i].lowMs <= m && m <= predicted[i].highMs;
    }
    r.rmseMs = std::sqrt(se / n);
    r.mapePct = 100.0 * ape / n;
    r.within5Pct = 100.0 * w5 / n;
    r.within10Pct = 100.0 * w10 / n;
    r.coveragePct = intervals ? 100.0 * cov / n : kNaN;
    r.biasMs = sum / n;
    double var = 0;
    for (size_t i = 0; i < r.rows; ++i) {
        const double d = predicted[i].ms - measured[i] - r.biasMs;
        var += d * d;
    }
    r.residualSdMs = std::sqrt(var / n);
    std::sort(absPct.begin(), absPct.end());
    r.medianAbsPct = absPct[absPct.size() / 2];
    r.p90AbsPct = absPct[std::min(absPct.size() - 1, static_cast<size_t>(0.9 * n))];
    r.maxAbsPct = absPct.back();
    return r;
}

}  // namespace hat

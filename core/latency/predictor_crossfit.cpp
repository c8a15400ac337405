#include "core/latency/predictor_crossfit.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/latency/predictor_fit.h"

namespace hat {

namespace {

double rmseOf(const std::vector<double>& predicted, const std::vector<double>& measured) {
    double se = 0;
    for (size_t i = 0; i < measured.size(); ++i) {
        se += (predicted[i] - measured[i]) * (predicted[i] - measured[i]);
    }
    return std::sqrt(se / static_cast<double>(measured.size()));
}

}  // namespace

CrossFitter::CrossFitter(const PredictorModel& model, const TrainingRows& rows,
                         const PredictorTrainOptions& options, int totalModels)
    : model_(model),
      rows_(rows),
      options_(options),
      totalModels_(totalModels),
      perm_(shuffledIndices(rows.totalsMs.size(), options.seed ^ 0xC0FFEEull)) {}

CrossFit CrossFitter::fit(bool robust, const std::vector<double>& targets, int modelBase) const {
    const size_t n = rows_.totalsMs.size();
    const int folds = options_.folds;
    CrossFit cf;
    cf.robust = robust;
    cf.oof.assign(n, std::numeric_limits<double>::quiet_NaN());
    for (int k = 0; k < folds; ++k) {
        std::vector<size_t> tr, va;
        for (size_t i = 0; i < n; ++i) {
            (static_cast<int>(i % folds) == k ? va : tr).push_back(perm_[i]);
        }
        const FitRows data{floatRows(rows_.x, tr), floatValues(targets, tr), floatRows(rows_.x, va),
                           floatValues(targets, va)};
        const auto fit = fitNetwork(
            data, options_, {robust, 0, options_.seed * 1000 + k, modelBase + k, totalModels_});
        cf.bestSteps.push_back(fit.bestStep);
        cf.weights.push_back(fit.weights);
        const PredictorNet net(fit.weights, model_.source);
        torch::InferenceMode guard;
        const auto out = net->forward(data.xValid);
        for (size_t i = 0; i < va.size(); ++i) cf.oof[va[i]] = model_.toMs(out[i].item<float>());
    }
    if (robust) {
        // The L1 fit predicts the typical run; one factor turns it into the mean (least squares
        // on the out-of-fold predictions), which is what RMSE rewards.
        double num = 0, den = 0;
        for (size_t i = 0; i < n; ++i) {
            num += rows_.totalsMs[i] * cf.oof[i];
            den += cf.oof[i] * cf.oof[i];
        }
        cf.scale = num / den;
        for (double& v : cf.oof) v *= cf.scale;
    }
    // Always scored against the measurements as they are.
    cf.rmse = rmseOf(cf.oof, rows_.totalsMs);
    return cf;
}

std::vector<double> driftFreeMs(const std::vector<double>& totalsMs,
                                const std::vector<double>& predictedMs, int window) {
    const size_t n = totalsMs.size();
    std::vector<double> ratio(n), drift(n), out(n);
    for (size_t i = 0; i < n; ++i) ratio[i] = totalsMs[i] / predictedMs[i];
    const size_t w = static_cast<size_t>(std::max(1, window));
    for (size_t i = 0; i < n; ++i) {
        std::vector<double> win(ratio.begin() + (i > w ? i - w : 0),
                                ratio.begin() + std::min(n, i + w + 1));
        std::nth_element(win.begin(), win.begin() + win.size() / 2, win.end());
        drift[i] = win[win.size() / 2];
    }
    // Rescaled to the average drift, so predictions stay means over the drift.
    const double meanDrift =
        std::accumulate(drift.begin(), drift.end(), 0.0) / static_cast<double>(n);
    for (size_t i = 0; i < n; ++i) out[i] = totalsMs[i] / drift[i] * meanDrift;
    return out;
}

size_t bestFit(const std::vector<CrossFit>& fits) {
    return static_cast<size_t>(
        std::min_element(fits.begin(), fits.end(),
                         [](const auto& a, const auto& b) { return a.rmse < b.rmse; }) -
        fits.begin());
}

std::vector<double> fitWeights(const std::vector<CrossFit>& fits,
                               const std::vector<double>& totalsMs, bool blend) {
    const size_t best = bestFit(fits);
    std::vector<double> weights(fits.size(), 0.0);
    weights[best] = 1.0;
    if (!blend || fits.size() != 2) return weights;
    // Their errors are partly independent, and one weight chosen on many rows cannot overfit.
    double bestRmse = fits[best].rmse;
    for (int g = 0; g <= 20; ++g) {
        const double a = g / 20.0;
        std::vector<double> mixed(totalsMs.size());
        for (size_t i = 0; i < mixed.size(); ++i) {
            mixed[i] = a * fits[0].oof[i] + (1 - a) * fits[1].oof[i];
        }
        const double rmse = rmseOf(mixed, totalsMs);
        if (rmse < bestRmse - 1e-12) {
            bestRmse = rmse;
            weights = {a, 1 - a};
        }
    }
    return weights;
}

std::vector<double> weightedPredictions(const std::vector<CrossFit>& fits,
                                        const std::vector<double>& weights) {
    std::vector<double> out(fits.front().oof.size(), 0.0);
    for (size_t c = 0; c < fits.size(); ++c) {
        for (size_t i = 0; i < out.size(); ++i) out[i] += weights[c] * fits[c].oof[i];
    }
    return out;
}

}  // namespace hat

#pragma once
// Cross-fitting for the latency predictor: K fold models, each early-stopped on the fold it never
// trained on and predicting it. Their out-of-fold predictions score a loss, estimate the device's
// drift, calibrate the interval and are the held-out rows a user inspects; the fold models
// themselves are what the final network is distilled from. Internal to core/latency.
#include <vector>

#include "core/latency/predictor_model.h"

namespace hat {

// Every training row, as the network reads it.
struct TrainingRows {
    std::vector<std::vector<double>> x;  // normalised features
    std::vector<double> y;               // normalised targets (PredictorModel::toTarget)
    std::vector<double> totalsMs;        // the measurements
};

struct CrossFit {
    bool robust = false;
    std::vector<double> oof;  // out-of-fold predictions (ms), mean-scaled when robust
    std::vector<int> bestSteps;
    std::vector<TensorDict> weights;  // the fold models
    double scale = 1.0;               // the robust fit's mean scaling
    double rmse = 0.0;                // of oof against the measurements
};

class CrossFitter {
  public:
    // `model` gives the normalisation and target transform the folds are read with.
    CrossFitter(const PredictorModel& model, const TrainingRows& rows,
                const PredictorTrainOptions& options, int totalModels);

    // Fits the folds to `targets` (normalised; the rows' own or cleaned ones); `modelBase`
    // numbers their progress reports.
    CrossFit fit(bool robust, const std::vector<double>& targets, int modelBase) const;

  private:
    const PredictorModel& model_;
    const TrainingRows& rows_;
    const PredictorTrainOptions& options_;
    int totalModels_;
    std::vector<size_t> perm_;  // the rows in fold order
};

// The measurements with the device's drift over measurement time divided out: the running
// median (window rows either side) of measured / predicted, rescaled to its mean.
std::vector<double> driftFreeMs(const std::vector<double>& totalsMs,
                                const std::vector<double>& predictedMs, int window);

// The fit with the lowest held-out RMSE (the first of equals).
size_t bestFit(const std::vector<CrossFit>& fits);
// The weight of each fit in the predictions: the best one alone, or with `blend` and two fits
// the mix a*first + (1-a)*second (a in steps of 0.05) of the lowest held-out RMSE.
std::vector<double> fitWeights(const std::vector<CrossFit>& fits,
                               const std::vector<double>& totalsMs, bool blend);
std::vector<double> weightedPredictions(const std::vector<CrossFit>& fits,
                                        const std::vector<double>& weights);

}  // namespace hat

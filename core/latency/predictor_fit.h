#pragma once
// Fitting one latency network: Adam on mini-batches, with our recipe (cosine-decayed learning
// rate, epochs of shuffled batches, weight averaging, early stopping on validation rows) or
// HAT's (latency_predictor.py). Internal to core/latency (torch types).
#include <limits>

#include "core/latency/latency_predictor.h"
#include "core/latency/predictor_network.h"

namespace hat {

// Normalised rows (N, F) and targets (N); the validation pair may be undefined or empty.
struct FitRows {
    torch::Tensor xTrain, yTrain, xValid, yValid;
};

struct FitJob {
    bool robust = false;  // L1 loss instead of MSE (ours only)
    int stopStep = 0;     // > 0: the weights at this step
    uint64_t seed = 0;
    int model = 0, models = 1;  // for the progress report
};

struct Fitted {
    TensorDict weights;
    int bestStep = 0;
    double bestLoss = std::numeric_limits<double>::infinity();
};

// With validation rows, keeps the weights of the best validation loss; with a stop step, those
// at that step; otherwise the final weights. Throws hat::Error when `progress` cancels.
Fitted fitNetwork(const FitRows& rows, const PredictorTrainOptions& options, const FitJob& job);

}  // namespace hat

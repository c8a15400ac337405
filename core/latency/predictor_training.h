#pragma once
// Training a latency predictor from measured rows: HAT's recipe, or ours (standardised inputs,
// cross-fitting, drift removal, loss selection, distillation; see PredictorTrainOptions).
// Internal to core/latency.
#include "core/latency/predictor_model.h"

namespace hat {

PredictorModel trainPredictor(const LatencyDataset& rows, const PredictorTrainOptions& options);

}  // namespace hat

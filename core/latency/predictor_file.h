#pragma once
// The latency predictor's file: a pickled dict of tensors with HAT's MLP keys (so HAT's
// Net.load_state_dict reads it after dropping our metadata, which sits under the
// "hat_explorer.latency." prefix), or HAT's own bare state dict. Internal to core/latency.
#include <string>
#include <vector>

#include "core/latency/predictor_model.h"

namespace hat {

void savePredictorFile(const PredictorModel& model, const std::string& path);
// `name` stands for the file in errors and as the source; for a bare HAT file the lat_norm
// comes from `hatLatNorm` when positive, else from the name (hatLatNormForName).
PredictorModel readPredictorFile(const std::vector<char>& bytes, const std::string& name,
                                 double hatLatNorm);

}  // namespace hat

#pragma once
// train_options.json: what a training run was given, written next to its checkpoint, so that a
// workspace made for the checkpoint (Workspace::init, fillFromTrainingRecord) and a later resume
// find the corpus, subword model, dictionary and width divisor without being told again. Paths
// are stored relative to the output directory, so the directory can move with its data.
#include "core/train/trainer.h"

namespace hat {

// Writes OUT/train_options.json for `options` (creating OUT); throws hat::Error naming the file.
void writeTrainingRecord(const TrainOptions& options);

}  // namespace hat

#pragma once
// train_options.json: what a training run was given, written next to its checkpoint, so that a
// workspace made for the checkpoint (Workspace::init, fillFromTrainingRecord) and a later resume
// find the corpus, subword model, dictionary and width divisor without being told again. Paths
// are stored relative to the output directory, so the directory can move with its data.
#include <nlohmann/json.hpp>
#include <string>

#include "core/train/trainer.h"

namespace hat {

// Writes OUT/train_options.json for `options` (creating OUT); throws hat::Error naming the file.
void writeTrainingRecord(const TrainOptions& options);

// The record at `path` (OUT/train_options.json) as a JSON object. Throws hat::Error naming the
// file when it is not a small regular file (a FIFO is refused, not waited on) holding one.
nlohmann::json readTrainingRecord(const std::string& path);

// The string `key` of a record read from `path`, or "" when the record has no such key; a value
// of another type is an error naming the file and the key.
std::string recordString(const nlohmann::json& record, const std::string& key,
                         const std::string& path);

}  // namespace hat

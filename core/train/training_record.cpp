#include "core/train/training_record.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/util/error.h"
#include "core/util/input_file.h"
#include "core/util/paths.h"
#include "core/util/safe_write.h"

namespace hat {

namespace fs = std::filesystem;

void writeTrainingRecord(const TrainOptions& o) {
    fs::create_directories(o.outDir);
    const nlohmann::json record = {
        {"corpus", relativePath(o.corpusDir, o.outDir)}, {"src", o.sourceLang}, {"tgt", o.targetLang},
        {"spm", relativePath(o.subwordModel, o.outDir)}, {"dict", relativePath(o.dictionary, o.outDir)},
        {"space", relativePath(o.spacePath, o.outDir)}, {"width_divisor", o.widthDivisor},
        {"max_updates", o.maxUpdates}, {"max_tokens", o.maxTokens}, {"lr", o.peakLr},
        {"warmup", o.warmupUpdates}, {"seed", o.seed}, {"dropout", o.dropout}, {"clip_norm", o.clipNorm},
        {"sampling", samplingName(o.sampling)}};
    const std::string path = o.outDir + "/train_options.json";
    const std::string text = record.dump(2) + "\n";
    replaceFileAtomically(path, text.data(), text.size());  // names the file when the disk is full
}

nlohmann::json readTrainingRecord(const std::string& path) {
    const std::string text = readSmallRegularFile(path, kMaxSmallJsonFileBytes, "a training record");
    const nlohmann::json record = nlohmann::json::parse(text, nullptr, false);
    if (record.is_discarded()) fail(path, "is not valid JSON");
    if (!record.is_object()) fail(path, "is not a JSON object of training options");
    return record;
}

std::string recordString(const nlohmann::json& record, const std::string& key,
                         const std::string& path) {
    if (!record.contains(key)) return {};
    const nlohmann::json& value = record.at(key);
    if (!value.is_string()) {
        fail(path, "'" + key + "' should be a string, it is " + std::string(value.type_name()));
    }
    return value.get<std::string>();
}

}  // namespace hat

#include "core/train/training_record.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/util/error.h"
#include "core/util/paths.h"

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
    std::ofstream out(path);
    out << record.dump(2) << "\n";
    out.flush();
    if (!out) fail(path, "cannot write the training record");
}

}  // namespace hat

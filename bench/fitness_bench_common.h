#pragma once
// Shared by the fitness benchmarks: the demo SuperTransformer and fitness sets drawn from its
// corpus's valid split.
#include <torch/torch.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/data/batching.h"
#include "core/data/dictionary.h"
#include "core/data/parallel_corpus.h"
#include "core/search/supernet_fitness.h"

namespace hat::bench {

inline const std::string kRoot = HAT_SOURCE_DIR;

inline FitnessSetOptions demoFitnessSet(int sentences) {
    FitnessSetOptions o;
    o.corpusDir = kRoot + "/data/corpus/en-de";
    o.subwordModel = kRoot + "/data/demo/spm.model";
    o.dictionary = kRoot + "/data/demo/dict.txt";
    o.sentences = sentences;
    return o;
}

inline std::vector<Batch> batchesOf(const TokenizedCorpus& data, int64_t maxTokens = 4096) {
    std::vector<Batch> out;
    for (const auto& ids : makeBatches(data, maxTokens)) out.push_back(collate(data, ids));
    return out;
}

inline double secondsSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace hat::bench

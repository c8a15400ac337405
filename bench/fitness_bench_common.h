#pragma once
// Shared by the fitness benchmarks: the demo SuperTransformer and fitness sets drawn from its
// corpus's valid split.
#include <torch/torch.h>

#include <chrono>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/data/batching.h"
#include "core/data/dictionary.h"
#include "core/data/parallel_corpus.h"
#include "core/workspace/supernet_fitness.h"
#include "core/space/gene.h"
#include "core/space/sampling.h"

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

// "16,32,64" -> {16, 32, 64}
inline std::vector<int> intList(const std::string& text) {
    std::vector<int> out;
    std::stringstream ss(text);
    for (std::string s; std::getline(ss, s, ',');) out.push_back(std::stoi(s));
    return out;
}

inline std::vector<SubConfig> randomConfigs(const DesignSpace& space, int n, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<SubConfig> out;
    for (int i = 0; i < n; ++i) out.push_back(geneToConfig(sampleGene(space, rng), space));
    return out;
}

inline double secondsSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace hat::bench

#pragma once
// Beam search as fairseq 0.8's SequenceGenerator runs it in HAT's generate.py (HAT_SPEC §11):
// decoding starts from EOS, the top 2·beam candidates per sentence each step, hypotheses ending in
// EOS among the top `beam` are finalised with score cum_logprob / len^lenpen, a sentence is done
// with `beam` finalised hypotheses. Beam 1 is greedy decoding.
#include <torch/torch.h>

#include <vector>

#include "core/model/super_transformer.h"

namespace hat {

struct GenerationOptions {
    int beam = 4;
    double lenpen = 0.6;
    double maxLenA = 0.0;
    int maxLenB = 200;
    int minLen = 1;
    int maxPositions = 1024;
    int64_t eos = 2, pad = 1, unk = 3;
    double unkPenalty = 0.0;
};

struct Hypothesis {
    std::vector<int64_t> tokens;           // ends with EOS
    double score = 0.0;                    // Σ positional / len^lenpen
    std::vector<double> positionalScores;  // natural-log probability per token
};

struct GenerationResult {
    std::vector<std::vector<Hypothesis>> nbest;  // per batch row, best first
    int decoderSteps = 0;
};

// srcTokens (B, S), left-padded. The model should be in eval() mode; runs under NoGradGuard.
GenerationResult generate(SuperTransformer& model, const SubConfig& config,
                          const torch::Tensor& srcTokens, const GenerationOptions& options);

}  // namespace hat

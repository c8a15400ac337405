#pragma once
// Length-bucketed batches under a max-tokens budget and fairseq's collate: EOS-terminated source
// left-padded, target right-padded, prev_output_tokens = target with EOS moved to the front.
#include <torch/torch.h>

#include <random>
#include <vector>

#include "core/data/parallel_corpus.h"

namespace hat {

struct Batch {
    torch::Tensor source;      // (B, S) left-padded
    torch::Tensor prevOutput;  // (B, T) right-padded, starts with EOS
    torch::Tensor target;      // (B, T) right-padded, ends with EOS
    std::vector<int64_t> ids;  // corpus indices, in batch row order
    int64_t ntokens = 0;       // non-pad target tokens
};

// Sentence indices grouped into batches: sorted by (target, source) length so a batch holds
// similar lengths, then cut where max(len) × count would exceed `maxTokens` (fairseq's
// batch_by_size, which counts padded size). With `rng`, batch order is shuffled.
std::vector<std::vector<int64_t>> makeBatches(const TokenizedCorpus& corpus, int64_t maxTokens,
                                              std::mt19937_64* rng = nullptr);

Batch collate(const TokenizedCorpus& corpus, const std::vector<int64_t>& ids, int64_t pad = 1,
              int64_t eos = 2);

}  // namespace hat

#pragma once
// What users judge a SubTransformer by: beam-search translations of a tokenised set, turned back
// into text and scored against the untouched references with sacreBLEU's BLEU (13a) and chrF.
// Shared by `hat eval --bleu`, `hat pareto --bleu` and the window's "BLEU of the front".
#include <optional>
#include <string>
#include <vector>

#include "core/data/parallel_corpus.h"
#include "core/eval/sequence_generator.h"
#include "core/util/progress.h"

namespace hat {

class Dictionary;
class SubwordModel;

struct TranslationScore {
    double bleu = 0.0, chrf = 0.0;
    std::string bleuFormatted, bleuSignature;
    std::vector<std::string> hypotheses;  // one per pair of `data`, in its order
};

// `references[i]` is the reference text of data pair i. `subwords` null: hypotheses are joined
// dictionary symbols. Batches of about `maxTokens / (4 × beam)` source tokens. None when cancelled.
std::optional<TranslationScore> translateAndScore(SuperTransformer& model, const SubConfig& config,
                                                  const TokenizedCorpus& data,
                                                  const std::vector<std::string>& references,
                                                  const Dictionary& dict, const SubwordModel* subwords,
                                                  const GenerationOptions& options, int64_t maxTokens = 4096,
                                                  const CancelToken* cancel = nullptr);

}  // namespace hat

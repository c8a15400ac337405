#include "core/eval/translation_quality.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/data/batching.h"
#include "core/data/dictionary.h"
#include "core/data/subword_model.h"
#include "core/eval/bleu.h"
#include "core/eval/chrf.h"
#include "core/util/error.h"

namespace hat {

std::optional<TranslationScore> translateAndScore(SuperTransformer& model, const SubConfig& config,
                                                  const TokenizedCorpus& data,
                                                  const std::vector<std::string>& references,
                                                  const Dictionary& dict, const SubwordModel* subwords,
                                                  const GenerationOptions& options, int64_t maxTokens,
                                                  const CancelToken* cancel) {
    if (references.size() != data.size()) {
        throw Error("translateAndScore: " + std::to_string(references.size()) + " references for " +
                    std::to_string(data.size()) + " sentences");
    }
    torch::NoGradGuard noGrad;
    TranslationScore out;
    out.hypotheses.resize(data.size());
    const int64_t genTokens = std::max<int64_t>(256, maxTokens / (4 * options.beam));
    for (const auto& ids : makeBatches(data, genTokens)) {
        if (cancel && cancel->cancelled()) return std::nullopt;
        const Batch b = collate(data, ids);
        const GenerationResult result = generate(model, config, b.source, options);
        for (size_t r = 0; r < ids.size(); ++r) {
            const auto pieces = dict.decode(result.nbest[r].front().tokens);
            std::string text;
            if (subwords) {
                text = subwords->decode(pieces);
            } else {
                for (const auto& p : pieces) text += (text.empty() ? "" : " ") + p;
            }
            out.hypotheses[static_cast<size_t>(b.ids[r])] = std::move(text);
        }
    }
    ReferenceStreams streams(1);
    for (const auto& ref : references) streams[0].push_back(ref);
    const BleuResult bleu = corpusBleu(out.hypotheses, streams, BleuOptions{});
    out.bleu = bleu.score;
    out.bleuFormatted = bleu.formatted;
    out.bleuSignature = bleu.signature;
    out.chrf = corpusChrf(out.hypotheses, streams, ChrfOptions{}).score;
    return out;
}

}  // namespace hat

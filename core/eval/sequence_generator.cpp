#include "core/eval/sequence_generator.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace hat {

namespace {
constexpr float kNegInf = -std::numeric_limits<float>::infinity();
}

GenerationResult generate(SuperTransformer& model, const SubConfig& config,
                          const torch::Tensor& srcTokens, const GenerationOptions& opt) {
    torch::NoGradGuard noGrad;
    const int64_t bsz = srcTokens.size(0);
    const int64_t beam = opt.beam;
    // fairseq uses the padded batch width, not each sentence's own length.
    const int maxLen = std::min(static_cast<int>(opt.maxLenA * srcTokens.size(1) + opt.maxLenB),
                                opt.maxPositions - 1);

    GenerationResult result;
    result.nbest.resize(bsz);

    auto expand = torch::arange(bsz).view({-1, 1}).repeat({1, beam}).view(-1);
    EncoderOutput enc = model->encode(srcTokens, config).reordered(expand);
    DecoderState state = model->initialState();

    // Rows are (active sentence, beam slot); `sentences` maps active index -> batch row.
    std::vector<int64_t> sentences(bsz);
    for (int64_t i = 0; i < bsz; ++i) sentences[i] = i;
    auto tokens = torch::full({bsz * beam, maxLen + 2}, opt.pad, torch::kLong);
    tokens.select(1, 0).fill_(opt.eos);
    auto scores = torch::zeros({bsz * beam, maxLen + 1}, torch::kFloat);

    auto finalize = [&](int64_t sentence, int64_t row, int step, float eosScore) {
        auto& done = result.nbest[sentence];
        if (static_cast<int64_t>(done.size()) >= beam) return;
        Hypothesis h;
        auto rowTokens = tokens[row].slice(0, 1, step + 1);
        h.tokens.assign(rowTokens.data_ptr<int64_t>(), rowTokens.data_ptr<int64_t>() + step);
        h.tokens.push_back(opt.eos);
        // Cumulative float32 scores turned into per-position ones, as fairseq does.
        auto cum = scores[row].slice(0, 0, step + 1).clone();
        cum[step] = eosScore;
        auto pos = cum.clone();
        if (step > 0) pos.slice(0, 1) = cum.slice(0, 1) - cum.slice(0, 0, step);
        h.positionalScores.assign(pos.data_ptr<float>(), pos.data_ptr<float>() + step + 1);
        const float normalised =
            eosScore / static_cast<float>(std::pow(static_cast<double>(step + 1), opt.lenpen));
        h.score = normalised;
        done.push_back(std::move(h));
    };

    for (int step = 0; step <= maxLen; ++step) {
        const int64_t nb = static_cast<int64_t>(sentences.size());
        const int64_t rows = nb * beam;
        auto logits = model->decodeStep(tokens.slice(1, 0, step + 1), enc, config, state);
        ++result.decoderSteps;
        auto lprobs = torch::log_softmax(logits.to(torch::kFloat), -1).view({rows, -1});
        const int64_t V = lprobs.size(1);
        lprobs.select(1, opt.pad).fill_(kNegInf);
        if (opt.unkPenalty != 0.0) lprobs.select(1, opt.unk).sub_(opt.unkPenalty);

        if (step >= maxLen) {
            // Only EOS is allowed: finalise every active hypothesis by its EOS score.
            lprobs.slice(1, 0, opt.eos).fill_(kNegInf);
            lprobs.slice(1, opt.eos + 1).fill_(kNegInf);
            auto eosScores = lprobs.select(1, opt.eos) + scores.select(1, step - 1);
            auto sorted = torch::sort(eosScores, 0, true);
            auto vals = std::get<0>(sorted), idx = std::get<1>(sorted);
            for (int64_t k = 0; k < rows; ++k) {
                const int64_t row = idx[k].item<int64_t>();
                finalize(sentences[row / beam], row, step, vals[k].item<float>());
            }
            break;
        }
        if (step < opt.minLen) lprobs.select(1, opt.eos).fill_(kNegInf);

        auto lp = lprobs.view({nb, beam, V});
        if (step == 0) {
            lp = lp.slice(1, 0, 1).contiguous();  // all beams are equal: use the first
        } else {
            lp = lp + scores.view({nb, beam, -1}).select(2, step - 1).unsqueeze(-1);
        }
        auto flat = lp.view({nb, -1});
        const int64_t k = std::min<int64_t>(2 * beam, flat.size(1) - 1);
        auto top = torch::topk(flat, k);
        auto candScores = std::get<0>(top).contiguous();
        auto candIdx = std::get<1>(top).contiguous();
        auto candBeams = torch::div(candIdx, V, "floor");
        auto candTokens = candIdx.remainder(V);

        auto cs = candScores.accessor<float, 2>();
        auto cb = candBeams.accessor<int64_t, 2>();
        auto ct = candTokens.accessor<int64_t, 2>();

        // Finalise hypotheses ending in EOS among the top `beam` candidates.
        std::vector<bool> finished(nb, false);
        if (step >= opt.minLen) {
            for (int64_t i = 0; i < nb; ++i) {
                for (int64_t c = 0; c < beam; ++c) {
                    if (ct[i][c] == opt.eos) finalize(sentences[i], i * beam + cb[i][c], step, cs[i][c]);
                }
                finished[i] = static_cast<int64_t>(result.nbest[sentences[i]].size()) == beam;
            }
        }

        // Next beams: the best `beam` non-EOS candidates of every unfinished sentence.
        std::vector<int64_t> order, newTokens, keep;
        std::vector<float> newScores;
        for (int64_t i = 0; i < nb; ++i) {
            if (finished[i]) continue;
            keep.push_back(sentences[i]);
            int64_t taken = 0;
            for (int64_t c = 0; c < k && taken < beam; ++c) {
                if (ct[i][c] == opt.eos) continue;
                order.push_back(i * beam + cb[i][c]);
                newTokens.push_back(ct[i][c]);
                newScores.push_back(cs[i][c]);
                ++taken;
            }
        }
        if (keep.empty()) break;
        auto orderT = torch::tensor(order, torch::kLong);
        tokens = tokens.index_select(0, orderT);
        scores = scores.index_select(0, orderT);
        tokens.select(1, step + 1).copy_(torch::tensor(newTokens, torch::kLong));
        scores.select(1, step).copy_(torch::tensor(newScores, torch::kFloat));
        state.reorder(orderT, rows);
        enc = enc.reordered(orderT);
        sentences = keep;
    }

    for (auto& n : result.nbest) {
        std::stable_sort(n.begin(), n.end(),
                         [](const Hypothesis& a, const Hypothesis& b) { return a.score > b.score; });
    }
    return result;
}

}  // namespace hat

#include "core/model/loss.h"

#include <algorithm>
#include <cmath>

#include "core/model/precision_scope.h"

namespace hat {

LossSums labelSmoothedLoss(const torch::Tensor& lprobs3, const torch::Tensor& target,
                           double epsilon, int64_t padIdx) {
    // Same ops in the same order as fairseq's label_smoothed_nll_loss.
    const auto lprobs = lprobs3.view({-1, lprobs3.size(-1)});
    const auto t = target.reshape({-1, 1});
    auto nll = -lprobs.gather(-1, t);
    auto smooth = -lprobs.sum(-1, true);
    const auto nonPad = t.ne(padIdx);
    nll = nll.masked_select(nonPad).sum();
    smooth = smooth.masked_select(nonPad).sum();
    const double epsI = epsilon / static_cast<double>(lprobs.size(-1));
    LossSums out;
    out.loss = (1.0 - epsilon) * nll + epsI * smooth;
    out.nll = nll;
    out.ntokens = nonPad.sum().item<int64_t>();
    return out;
}

LossSums labelSmoothedLossFromLogits(const torch::Tensor& logits, const torch::Tensor& target,
                                     double epsilon, int64_t padIdx) {
    return labelSmoothedLoss(torch::log_softmax(logits.to(torch::kFloat), -1), target, epsilon,
                             padIdx);
}

LossSums labelSmoothedLossFromFeatures(const torch::Tensor& features, const torch::Tensor& weight,
                                       const torch::Tensor& target, double epsilon,
                                       int64_t padIdx, std::vector<double>* sentenceLoss) {
    const auto t = target.reshape({-1});
    const auto keep = t.ne(padIdx).nonzero().view({-1});
    const auto rows = features.reshape({-1, features.size(-1)}).index_select(0, keep);
    const auto ids = t.index_select(0, keep).unsqueeze(1);
    const int64_t n = rows.size(0), vocab = weight.size(0);
    // 128 rows x 8k vocabulary = 4 MB of logits per block: stays in cache.
    const int64_t block = std::max<int64_t>(16, (int64_t{1} << 20) / std::max<int64_t>(vocab, 1));
    const double epsI = epsilon / static_cast<double>(vocab);
    // Which sentence (row of target) each kept token belongs to, for the per-sentence sums.
    torch::Tensor sentenceOf, perSentence;
    if (sentenceLoss) {
        sentenceOf = keep.div(target.size(-1), "floor");
        perSentence = torch::zeros({target.size(0)}, torch::kDouble);
    }
    double nll = 0.0, smooth = 0.0;
    for (int64_t i = 0; i < n; i += block) {
        const int64_t j = std::min(n, i + block);
        const auto logits =
            linearAt(rows.slice(0, i, j), weight, {}, outputProjectionSite()).to(torch::kFloat);
        const auto lse = torch::logsumexp(logits, -1);
        const auto tokenNll = lse - logits.gather(1, ids.slice(0, i, j)).squeeze(1);
        // -sum_v log p_v = V * lse - sum_v logit_v
        const auto tokenSmooth = lse * static_cast<double>(vocab) - logits.sum(-1);
        nll += tokenNll.sum().item<double>();
        smooth += tokenSmooth.sum().item<double>();
        if (sentenceLoss) {
            const auto tokenLoss = tokenNll.to(torch::kDouble) * (1.0 - epsilon) + tokenSmooth.to(torch::kDouble) * epsI;
            perSentence.index_add_(0, sentenceOf.slice(0, i, j), tokenLoss);
        }
    }
    if (sentenceLoss) {
        const auto* p = perSentence.data_ptr<double>();
        sentenceLoss->assign(p, p + perSentence.size(0));
    }
    LossSums out;
    out.loss = torch::tensor((1.0 - epsilon) * nll + epsI * smooth, torch::kDouble);
    out.nll = torch::tensor(nll, torch::kDouble);
    out.ntokens = n;
    return out;
}

double toBase2PerToken(double sumNats, int64_t ntokens) {
    return ntokens > 0 ? sumNats / static_cast<double>(ntokens) / std::log(2.0) : 0.0;
}

}  // namespace hat

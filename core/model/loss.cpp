#include "core/model/loss.h"

#include <cmath>

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

double toBase2PerToken(double sumNats, int64_t ntokens) {
    return ntokens > 0 ? sumNats / static_cast<double>(ntokens) / std::log(2.0) : 0.0;
}

}  // namespace hat

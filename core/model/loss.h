#pragma once
// HAT's criterion (label_smoothed_cross_entropy) and the validation metric evolution uses as
// fitness (HAT_SPEC §6).
#include <torch/torch.h>

#include <vector>

namespace hat {

struct LossSums {
    torch::Tensor loss;  // label-smoothed loss, natural log, summed over non-pad targets
    torch::Tensor nll;   // negative log-likelihood, same sum
    int64_t ntokens = 0; // non-pad target tokens (EOS included)
};

// lprobs (B, T, V) float32 log-probabilities, target (B, T).
LossSums labelSmoothedLoss(const torch::Tensor& lprobs, const torch::Tensor& target,
                           double epsilon, int64_t padIdx);
// From logits, with HAT's float32 log_softmax.
LossSums labelSmoothedLossFromLogits(const torch::Tensor& logits, const torch::Tensor& target,
                                     double epsilon, int64_t padIdx);

// The same sums from decoder features (N, d) before the output projection `weight` (V, d), for
// target ids (N): the logits are formed a block of rows at a time, so the (N, V) matrix never
// exists. Pad rows are skipped. Uses log p = logit - logsumexp, equal to the above up to float
// rounding; about twice as fast (fits in cache, no large allocations). For evaluation only.
// With `sentenceLoss`, it also receives the label-smoothed loss of each row of `target` (B, T)
// (a sentence), in nats; the sums above are formed exactly as without it.
LossSums labelSmoothedLossFromFeatures(const torch::Tensor& features, const torch::Tensor& weight,
                                       const torch::Tensor& target, double epsilon,
                                       int64_t padIdx, std::vector<double>* sentenceLoss = nullptr);

// What HAT logs: sum / ntokens / ln 2 (bits per token).
double toBase2PerToken(double sumNats, int64_t ntokens);

}  // namespace hat

#include "core/eval/validation.h"

#include "core/model/loss.h"

namespace hat {

ValidLoss validLoss(SuperTransformer& model, const SubConfig& config,
                    const std::vector<Batch>& batches, double labelSmoothing) {
    const bool wasTraining = model->is_training();
    model->eval();
    double lossSum = 0.0, nllSum = 0.0;
    int64_t ntokens = 0;
    {
        torch::InferenceMode guard;
        for (const auto& b : batches) {
            const auto logits = model->forward(b.source, b.prevOutput, config);
            const LossSums s = labelSmoothedLossFromLogits(logits, b.target, labelSmoothing,
                                                           model->options().padIdx);
            lossSum += s.loss.item<double>();
            nllSum += s.nll.item<double>();
            ntokens += s.ntokens;
        }
    }
    if (wasTraining) model->train();
    return {toBase2PerToken(lossSum, ntokens), toBase2PerToken(nllSum, ntokens), ntokens};
}

}  // namespace hat

#include "core/eval/validation.h"

#include "core/model/loss.h"

namespace hat {

std::vector<EncoderOutput> encodeBatches(SuperTransformer& model, const SubConfig& config,
                                         const std::vector<Batch>& batches) {
    std::vector<EncoderOutput> out;
    out.reserve(batches.size());
    for (const auto& b : batches) out.push_back(model->encode(b.source, config));
    return out;
}

ValidLoss decoderLoss(SuperTransformer& model, const SubConfig& config,
                      const std::vector<Batch>& batches, const std::vector<EncoderOutput>& encoded,
                      double labelSmoothing) {
    double lossSum = 0.0, nllSum = 0.0;
    int64_t ntokens = 0;
    const auto weight = model->outputWeight(config);
    for (size_t i = 0; i < batches.size(); ++i) {
        const auto& b = batches[i];
        // (T, B, d) -> (B, T, d): rows in the target's order.
        const auto features = model->decodeFeatures(b.prevOutput, encoded[i], config).transpose(0, 1);
        const LossSums s = labelSmoothedLossFromFeatures(features, weight, b.target, labelSmoothing,
                                                         model->options().padIdx);
        lossSum += s.loss.item<double>();
        nllSum += s.nll.item<double>();
        ntokens += s.ntokens;
    }
    return {toBase2PerToken(lossSum, ntokens), toBase2PerToken(nllSum, ntokens), ntokens};
}

ValidLoss validLoss(SuperTransformer& model, const SubConfig& config,
                    const std::vector<Batch>& batches, double labelSmoothing) {
    const bool wasTraining = model->is_training();
    model->eval();
    ValidLoss out;
    {
        torch::InferenceMode guard;
        out = decoderLoss(model, config, batches, encodeBatches(model, config, batches), labelSmoothing);
    }
    if (wasTraining) model->train();
    return out;
}

}  // namespace hat

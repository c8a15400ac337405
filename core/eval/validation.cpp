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

BatchLoss batchLoss(SuperTransformer& model, const SubConfig& config, const torch::Tensor& outputWeight,
                    const Batch& b, const EncoderOutput& encoded, double labelSmoothing, bool perSentence) {
    // (T, B, d) -> (B, T, d): rows in the target's order.
    const auto features = model->decodeFeatures(b.prevOutput, encoded, config).transpose(0, 1);
    BatchLoss out;
    const LossSums s = labelSmoothedLossFromFeatures(features, outputWeight, b.target, labelSmoothing,
                                                     model->options().padIdx,
                                                     perSentence ? &out.sentenceLoss : nullptr);
    out.lossSum = s.loss.item<double>();
    out.nllSum = s.nll.item<double>();
    out.ntokens = s.ntokens;
    return out;
}

ValidLoss validLossOf(const std::vector<BatchLoss>& batches) {
    double lossSum = 0.0, nllSum = 0.0;
    int64_t ntokens = 0;
    for (const BatchLoss& b : batches) {
        lossSum += b.lossSum;
        nllSum += b.nllSum;
        ntokens += b.ntokens;
    }
    return {toBase2PerToken(lossSum, ntokens), toBase2PerToken(nllSum, ntokens), ntokens};
}

ActivationRanges calibrateActivations(SuperTransformer& model, const SubConfig& config, const Batch& batch) {
    ActivationRanges ranges;
    PrecisionScope record(Precision::Fp32, &ranges, true);
    const EncoderOutput enc = model->encode(batch.source, config);
    batchLoss(model, config, model->outputWeight(config), batch, enc, 0.1, false);
    return ranges;
}

const char* precisionMethod(Precision precision) {
    switch (precision) {
        case Precision::Fp32: return "fp32";
        case Precision::Int8: return "real int8 (oneDNN dynamic int8 kernels)";
        case Precision::W4A8: return "fake quantization in float (FQ-BERT w4a8; no 4-bit kernels)";
    }
    return "fp32";
}

ValidLoss decoderLoss(SuperTransformer& model, const SubConfig& config,
                      const std::vector<Batch>& batches, const std::vector<EncoderOutput>& encoded,
                      double labelSmoothing) {
    const auto weight = model->outputWeight(config);
    std::vector<BatchLoss> sums;
    sums.reserve(batches.size());
    for (size_t i = 0; i < batches.size(); ++i) {
        sums.push_back(batchLoss(model, config, weight, batches[i], encoded[i], labelSmoothing, false));
    }
    return validLossOf(sums);
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

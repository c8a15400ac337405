#pragma once
// Validation loss of a SubTransformer with inherited weights: the search's fitness (HAT_SPEC §6),
// label-smoothed, base 2, per target token, summed over the batches before dividing.
#include <vector>

#include "core/data/batching.h"
#include "core/model/precision_scope.h"
#include "core/model/super_transformer.h"

namespace hat {

struct ValidLoss {
    double loss = 0.0;  // bits per token, label-smoothed (HAT's valid_loss)
    double nll = 0.0;   // bits per token
    int64_t ntokens = 0;
};

// Runs in eval mode under InferenceMode; restores the model's training flag afterwards.
ValidLoss validLoss(SuperTransformer& model, const SubConfig& config,
                    const std::vector<Batch>& batches, double labelSmoothing = 0.1);

// The two halves, for callers that share encoder passes between SubTransformers with the same
// encoder genes. The model must already be in eval mode and the caller under InferenceMode;
// neither touches module state, so threads may call them side by side.
std::vector<EncoderOutput> encodeBatches(SuperTransformer& model, const SubConfig& config,
                                         const std::vector<Batch>& batches);
// One batch of the above: loss and NLL sums in nats, and each sentence's loss (batch row order).
struct BatchLoss {
    double lossSum = 0.0, nllSum = 0.0;
    int64_t ntokens = 0;
    std::vector<double> sentenceLoss;  // filled only when asked for
};
BatchLoss batchLoss(SuperTransformer& model, const SubConfig& config, const torch::Tensor& outputWeight,
                    const Batch& batch, const EncoderOutput& encoded, double labelSmoothing, bool perSentence);
// The loss of whole batches' sums, added in the order given (decoderLoss's order).
ValidLoss validLossOf(const std::vector<BatchLoss>& batches);

// What w4a8 calibrates its activations with: every quantized input's largest magnitude in an fp32
// forward of `config` over `batch` (eval mode, under InferenceMode like the halves above).
ActivationRanges calibrateActivations(SuperTransformer& model, const SubConfig& config, const Batch& batch);

// How a precision's quality is computed here, for reports: "fp32", "real int8 (oneDNN dynamic
// int8 kernels)", "fake quantization in float (FQ-BERT w4a8; no 4-bit kernels)".
const char* precisionMethod(Precision precision);

ValidLoss decoderLoss(SuperTransformer& model, const SubConfig& config,
                      const std::vector<Batch>& batches, const std::vector<EncoderOutput>& encoded,
                      double labelSmoothing = 0.1);

}  // namespace hat

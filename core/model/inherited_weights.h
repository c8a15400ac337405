#pragma once
// A SubTransformer's inherited weights as a standalone dict of tensors: every active weight of the
// SuperTransformer cut to the SubTransformer's widths, under the names a fairseq Transformer of
// that shape uses (HAT_SPEC §4 slicing). Encoder-decoder attention whose key width (the encoder's)
// differs from its query width (the decoder's) is stored as fairseq's separate q/k/v projections.
// What a user fine-tunes or deploys after the search; saved with saveTensorDict (torch.load reads it).
#include "core/model/checkpoint.h"
#include "core/model/super_transformer.h"

namespace hat {

// `config` is nominal (HAT widths); the model's width divisor is applied.
TensorDict inheritedWeights(SuperTransformerImpl& model, const SubConfig& config);

}  // namespace hat

#pragma once
// Batched matrix products for attention at inference: batch × heads small matrices (head widths of
// 8-16 in the 1/8-width proxy). LibTorch 1.13's CPU bmm without MKL loops over the batch through
// Tensor::select, about 2 µs of dispatch per matrix — more than the arithmetic here, and half of
// a fitness evaluation. This calls BLAS sgemm per matrix directly, with the arguments LibTorch's
// addmm would pass, so the numbers are the same.
#include <torch/torch.h>

namespace hat {

// (N, M, K) × (N, K, P) -> (N, M, P), differentiable (training uses it too). Falls back to
// torch::bmm for tensors that are not float32 on the CPU.
torch::Tensor batchedMatmul(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace hat

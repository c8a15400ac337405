#pragma once
// LibTorch's intra-op thread count, settable without including torch (CLI, UI).
namespace hat {
void setComputeThreads(int threads);
int computeThreads();
}  // namespace hat

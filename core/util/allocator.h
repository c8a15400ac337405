#pragma once
// Keeps freed tensor memory in the process. glibc hands every block over 32 MB straight back to
// the kernel, so each training step or evaluation re-faults its logits pages in (zeroed by the
// kernel): 15% of a training step's time on this machine. Call once at the top of main().
namespace hat {
void keepFreedMemory();
}  // namespace hat

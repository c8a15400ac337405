#include "core/model/compute_threads.h"

#include <ATen/Parallel.h>

namespace hat {
void setComputeThreads(int threads) {
    if (threads > 0) at::set_num_threads(threads);
}
int computeThreads() { return at::get_num_threads(); }
}  // namespace hat

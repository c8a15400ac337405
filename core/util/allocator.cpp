#include "core/util/allocator.h"

#include <malloc.h>

namespace hat {

void keepFreedMemory() {
    // Serve large blocks from the heap too, and only give memory back above 1 GB of free space.
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

}  // namespace hat

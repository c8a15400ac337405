#pragma once
// Parity tolerance by active BLAS. HAT's fixtures were computed with the reference BLAS; with it
// our forward pass is bit-exact (difference 0.0) and the fixture README's 1e-5 applies. OpenBLAS
// sums matrix products in another order: logits of magnitude ~8 then differ by up to ~3e-5
// (relative 4e-6), so a run under OpenBLAS checks a looser absolute bound.
#include <string>

#include "core/util/blas_check.h"

namespace hat::test {

inline double parityTolerance() { return activeBlas().isReference ? 1e-5 : 1e-4; }
inline std::string blasName() {
    const BlasInfo b = activeBlas();
    return b.library.empty() ? std::string("unknown") : b.library;
}

}  // namespace hat::test

#pragma once
// Which BLAS the process actually runs. Debian's libtorch calls the generic libblas.so.3; unless
// OpenBLAS provides it, every matrix product runs the reference BLAS, about 10x slower.
#include <string>

namespace hat {

struct BlasInfo {
    std::string library;  // resolved path of the library that provides sgemm_, or "" if unknown
    bool isReference = false;
    bool isOpenBlas = false;
};

BlasInfo activeBlas();
// A one-line warning when the reference BLAS is active, "" otherwise.
std::string blasWarning();

}  // namespace hat

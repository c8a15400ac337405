#include "core/util/blas_check.h"

#include <dlfcn.h>

#include <climits>
#include <cstdlib>

namespace hat {

BlasInfo activeBlas() {
    BlasInfo info;
    // sgemm_ as the process resolves it, i.e. whatever libtorch's calls will reach.
    void* sym = dlsym(RTLD_DEFAULT, "sgemm_");
    void* handle = nullptr;
    if (!sym) {
        handle = dlopen("libblas.so.3", RTLD_LAZY | RTLD_NOLOAD);
        if (!handle) handle = dlopen("libblas.so.3", RTLD_LAZY);
        if (handle) sym = dlsym(handle, "sgemm_");
    }
    Dl_info dl{};
    if (sym && dladdr(sym, &dl) && dl.dli_fname) {
        char resolved[PATH_MAX];
        info.library = realpath(dl.dli_fname, resolved) ? resolved : dl.dli_fname;
    }
    if (handle) dlclose(handle);
    info.isOpenBlas = info.library.find("openblas") != std::string::npos;
    // Debian's reference BLAS lives in .../blas/libblas.so.3 (package libblas3).
    info.isReference = info.library.find("/blas/libblas") != std::string::npos;
    return info;
}

std::string blasWarning() {
    const BlasInfo info = activeBlas();
    if (!info.isReference) return {};
    return "warning: the reference BLAS (" + info.library +
           ") is active; matrix products run about 10x slower. Install libopenblas0-openmp "
           "(scripts/install-deps.sh does).";
}

}  // namespace hat

#include "core/util/error.h"

namespace hat {

void fail(const std::string& file, const std::string& problem) {
    if (file.empty()) throw Error(problem);
    throw Error(file + ": " + problem);
}

}  // namespace hat

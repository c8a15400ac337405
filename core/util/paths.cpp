#include "core/util/paths.h"

#include <filesystem>

namespace hat {

namespace fs = std::filesystem;

std::string relativePath(const std::string& path, const std::string& dir) {
    if (path.empty()) return path;
    return fs::relative(fs::absolute(path), fs::absolute(dir)).string();
}

std::string resolveIn(const std::string& dir, const std::string& path) {
    if (path.empty() || fs::path(path).is_absolute()) return path;
    return (fs::path(dir) / path).lexically_normal().string();
}

}  // namespace hat

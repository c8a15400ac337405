#pragma once
// How a workspace and a training record name files: relative to their own directory, so the
// pair can move together, and resolved against it when read.
#include <string>

namespace hat {

// `path` relative to `dir` (both made absolute first); empty stays empty.
std::string relativePath(const std::string& path, const std::string& dir);
// A stored `path` read from `dir`: relative ones are joined to it, absolute and empty ones kept.
std::string resolveIn(const std::string& dir, const std::string& path);

}  // namespace hat

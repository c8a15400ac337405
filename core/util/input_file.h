#pragma once
// Files the user names, read whole or line by line. Checked before reading: a FIFO would block
// forever, a directory or device is no input at all, and a file far larger than its kind ever is
// (a 50 MB "space YAML") would cost minutes and gigabytes before its error. Errors name the file.
#include <cstddef>
#include <cstdint>
#include <string>

namespace hat {

// Caps for the small text inputs, about a hundred times what they hold in practice: HAT's
// SuperTransformer YAML is about 3 KB, a SubTransformer YAML under 1 KB, a training record under
// 1 KB. (yaml-cpp needs about a second and 300 MB for 1 MB of YAML.)
constexpr std::uintmax_t kMaxSpaceFileBytes = 256u << 10;
constexpr std::uintmax_t kMaxSubConfigFileBytes = 256u << 10;
constexpr std::uintmax_t kMaxSmallJsonFileBytes = 256u << 10;

// The bytes of `path`, refused (hat::Error naming the file) when it is missing, not a regular
// file, or larger than `maxBytes`; `kind` says what it should be ("a design space").
// A FIFO is refused without blocking: the file is opened non-blocking and checked on its
// descriptor, so a file swapped between the check and the read cannot slip through.
std::string readSmallRegularFile(const std::string& path, std::uintmax_t maxBytes,
                                 const std::string& kind);

// For readers that stream a file themselves (corpora, dictionaries, text to score): refused when
// missing or not a regular file (symbolic links to regular files are fine).
void requireRegularFile(const std::string& path);

// A piece of a user's file for an error message: control bytes and invalid UTF-8 shown as \xNN
// (a message stays one printable line whatever the file held), cut after `maxChars` bytes.
std::string shownText(const std::string& text, std::size_t maxChars = 60);

}  // namespace hat

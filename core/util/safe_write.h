#pragma once
// Writing files so that a full disk, a kill or a failed rename never leaves a half-written file
// under a name the program reads, nor a temporary file behind (issue 15).
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace hat {

// Writes `size` bytes to a new file beside `path`, flushes it to disk and renames it over `path`.
// On any failure the temporary file is removed, `path` is untouched, and hat::Error names `path`
// and the reason.
void replaceFileAtomically(const std::string& path, const void* data, size_t size);

// The write under appendWhole, with pwrite(2)'s contract; tests pass one that fails part way to
// play a disk that fills up.
using PositionedWrite = std::function<ssize_t(int fd, const void* data, size_t size, off_t offset)>;

// Makes `path` (created when missing) its first `keep` bytes followed by `text`: whatever lay
// after `keep` (the unterminated row an interrupted writer left) is replaced. Either all of
// `text` is written and flushed, or the file is put back exactly as it was (removed again when
// this call created it) and hat::Error names `path` and the reason. A row is never torn.
void appendWhole(const std::string& path, uint64_t keep, const std::string& text,
                 const PositionedWrite& write = {});

}  // namespace hat

#pragma once
// What every fuzz target shares: the input as text, a file holding it for APIs that only take a
// path, and the one rule of the harness: a hat::Error is a clean refusal; anything else that
// leaves the target (another exception, a signal, a sanitizer report) is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/space/design_space.h"
#include "core/util/error.h"

namespace hat::fuzz {

inline std::string text(const uint8_t* data, size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

// A broken promise of the code under test (a round trip that changes a value, a validated result
// that is not valid): printed, then abort(), which libFuzzer records as a crash with its input.
[[noreturn]] inline void finding(const std::string& what) {
    std::fprintf(stderr, "FUZZ FINDING: %s\n", what.c_str());
    std::abort();
}

// Runs `body` on one input; a hat::Error is the documented way to refuse it.
template <typename Body>
int cleanly(Body&& body) {
    try {
        body();
    } catch (const Error&) {
    }
    return 0;
}

// A file in $TMPDIR (default /tmp) named after the process, rewritten for every input and removed
// with its SQLite side files at exit. `name` ends the file name (its extension matters to loaders).
class InputFile {
  public:
    explicit InputFile(const std::string& name);
    ~InputFile();
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;

    // Replaces the file's content with the bytes; removes the SQLite side files a previous
    // input may have left (-wal, -shm, -journal).
    const std::string& write(const uint8_t* data, size_t size);
    const std::string& path() const { return path_; }

  private:
    void removeAll() const;
    std::string path_;
};

// The design space the SubTransformer, gene and predictor targets check against (data/spaces).
const DesignSpace& space0();

}  // namespace hat::fuzz

#include "fuzz_support.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/space/design_space.h"

namespace hat::fuzz {

InputFile::InputFile(const std::string& name) {
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir && *dir ? dir : "/tmp") + "/hat-fuzz-" + std::to_string(::getpid()) +
            "-" + name;
}

InputFile::~InputFile() { removeAll(); }

void InputFile::removeAll() const {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal", ".tmp"}) {
        std::filesystem::remove(path_ + suffix, ec);
    }
}

const std::string& InputFile::write(const uint8_t* data, size_t size) {
    removeAll();
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    out.close();
    if (!out) {
        std::fprintf(stderr, "fuzz harness: cannot write %s\n", path_.c_str());
        std::abort();
    }
    return path_;
}

const DesignSpace& space0() {
    static const DesignSpace s = DesignSpace::loadYaml(HAT_SOURCE_DIR "/data/spaces/space0.yml");
    return s;
}

}  // namespace hat::fuzz

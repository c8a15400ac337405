#include "core/util/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/util/error.h"

namespace hat {

namespace {

std::string what(int error) {
    std::string s = std::strerror(error);
    if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = static_cast<char>(s[0] - 'A' + 'a');
    return s;
}

[[noreturn]] void notRegular(const std::string& path, mode_t mode) {
    const char* kind = S_ISDIR(mode)    ? "a directory"
                       : S_ISFIFO(mode) ? "a FIFO (named pipe)"
                       : S_ISSOCK(mode) ? "a socket"
                       : S_ISCHR(mode)  ? "a character device"
                       : S_ISBLK(mode)  ? "a block device"
                                        : "a special file";
    fail(path, std::string("is ") + kind + ", not a regular file");
}

std::string bytesText(std::uintmax_t bytes) {
    char text[48];
    if (bytes >= (1u << 20)) {
        std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / (1u << 20));
    } else if (bytes >= 1024) {
        std::snprintf(text, sizeof text, "%.0f KB", static_cast<double>(bytes) / 1024);
    } else {
        std::snprintf(text, sizeof text, "%ju bytes", bytes);
    }
    return text;
}

[[noreturn]] void tooLarge(const std::string& path, std::uintmax_t bytes, std::uintmax_t maxBytes,
                           const std::string& kind) {
    fail(path, "is " + bytesText(bytes) + ", too large for " + kind + " (at most " +
                   bytesText(maxBytes) + ")");
}

struct Descriptor {
    int fd;
    ~Descriptor() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

std::string readSmallRegularFile(const std::string& path, std::uintmax_t maxBytes,
                                 const std::string& kind) {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    const Descriptor file{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
    if (file.fd < 0) fail(path, "cannot open file: " + what(errno));
    struct stat st {};
    if (::fstat(file.fd, &st) != 0) fail(path, "cannot read: " + what(errno));
    if (!S_ISREG(st.st_mode)) notRegular(path, st.st_mode);
    const auto size = static_cast<std::uintmax_t>(st.st_size);
    if (size > maxBytes) tooLarge(path, size, maxBytes, kind);
    std::string data;
    data.reserve(static_cast<size_t>(size));
    char buffer[1 << 16];
    while (true) {
        const ssize_t got = ::read(file.fd, buffer, sizeof buffer);
        if (got < 0) {
            if (errno == EINTR) continue;
            fail(path, "cannot read: " + what(errno));
        }
        if (got == 0) break;
        data.append(buffer, static_cast<size_t>(got));
        // The file may grow while it is read: the cap holds for what is read, not what was seen.
        if (data.size() > maxBytes) tooLarge(path, data.size(), maxBytes, kind);
    }
    return data;
}

void requireRegularFile(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) fail(path, "cannot open file: " + what(errno));
    if (!S_ISREG(st.st_mode)) notRegular(path, st.st_mode);
}

std::string shownText(const std::string& text, std::size_t maxChars) {
    std::string out;
    auto escape = [&](unsigned char c) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\x%02x", c);
        out += hex;
    };
    size_t i = 0;
    while (i < text.size()) {
        if (out.size() >= maxChars) return out + "...";
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        // A well-formed UTF-8 sequence (a file name, a word of the corpus) is kept as it is.
        const size_t length = (c >= 0xc2 && c <= 0xdf) ? 2 : (c >= 0xe0 && c <= 0xef) ? 3
                              : (c >= 0xf0 && c <= 0xf4) ? 4 : 0;
        bool wellFormed = length > 0 && i + length <= text.size();
        for (size_t k = 1; wellFormed && k < length; ++k) {
            wellFormed = (static_cast<unsigned char>(text[i + k]) & 0xc0) == 0x80;
        }
        if (wellFormed) {
            out.append(text, i, length);
            i += length;
        } else {
            escape(c);
            ++i;
        }
    }
    return out;
}

}  // namespace hat

#include "core/util/safe_write.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <system_error>

#include "core/util/error.h"

namespace hat {

namespace {

std::string errnoText(int e) { return std::error_code(e, std::generic_category()).message(); }

ssize_t plainWrite(int fd, const void* data, size_t size, off_t offset) {
    return ::pwrite(fd, data, size, offset);
}

// 0 when all `size` bytes were written at `offset`, else the errno of the failure.
int writeAll(const PositionedWrite& write, int fd, const char* data, size_t size, uint64_t offset) {
    size_t done = 0;
    while (done < size) {
        const ssize_t n = write(fd, data + done, size - done, static_cast<off_t>(offset + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno ? errno : EIO;
        }
        if (n == 0) return EIO;  // no progress and no error: stop rather than spin
        done += static_cast<size_t>(n);
    }
    return 0;
}

int readAll(int fd, std::string& out, uint64_t offset) {
    size_t done = 0;
    while (done < out.size()) {
        const ssize_t n = ::pread(fd, &out[done], out.size() - done, static_cast<off_t>(offset + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (n == 0) return EIO;  // shorter than fstat said: the file changed under us
        done += static_cast<size_t>(n);
    }
    return 0;
}

}  // namespace

void replaceFileAtomically(const std::string& path, const void* data, size_t size) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    if (target.filename().empty()) fail(path, "is not a file name");
    std::error_code ec;
    if (fs::is_directory(target, ec)) fail(path, "is a directory");
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    // A name of our own (pid and counter), so two writers of one file never share a temporary.
    static std::atomic<unsigned> counter{0};
    std::string tmp;
    int fd = -1;
    int err = 0;
    for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
        tmp = (dir / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) +
                      "-" + std::to_string(counter++)))
                  .string();
        fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        err = errno;
        if (fd < 0 && err != EEXIST) break;
    }
    if (fd < 0) fail(path, "cannot write the file: " + errnoText(err));
    auto abandon = [&](const std::string& what, int e) {
        if (fd >= 0) ::close(fd);
        ::unlink(tmp.c_str());
        fail(path, what + ": " + errnoText(e));
    };
    err = writeAll(plainWrite, fd, static_cast<const char*>(data), size, 0);
    if (err) abandon("cannot write the file", err);
    // Flushed before the rename: otherwise a crash right after it can leave an empty file under
    // the final name.
    if (::fsync(fd) != 0) abandon("cannot write the file", errno);
    const int closed = ::close(fd);
    fd = -1;
    if (closed != 0) abandon("cannot write the file", errno);
    if (::rename(tmp.c_str(), path.c_str()) != 0) abandon("cannot replace the file", errno);
}

void appendWhole(const std::string& path, uint64_t keep, const std::string& text,
                 const PositionedWrite& write) {
    bool created = false;
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        created = fd >= 0;
    }
    if (fd < 0) fail(path, "cannot open the file for writing: " + errnoText(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int e = errno;
        ::close(fd);
        fail(path, "cannot read the file's size: " + errnoText(e));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        fail(path, "is not a regular file");
    }
    const uint64_t oldSize = static_cast<uint64_t>(st.st_size);
    if (keep > oldSize) {
        ::close(fd);
        fail(path, "became shorter while it was being appended to");
    }
    // The bytes `text` overwrites, to put back when the write fails.
    std::string replaced(oldSize - keep, '\0');
    int err = readAll(fd, replaced, keep);
    if (err) {
        ::close(fd);
        fail(path, "cannot read the file: " + errnoText(err));
    }
    err = writeAll(write ? write : PositionedWrite(plainWrite), fd, text.data(), text.size(), keep);
    const uint64_t newSize = keep + text.size();
    if (!err && oldSize > newSize && ::ftruncate(fd, static_cast<off_t>(newSize)) != 0) err = errno;
    if (!err && ::fdatasync(fd) != 0) err = errno;
    if (err) {
        bool restored = false;
        if (created) {
            restored = ::unlink(path.c_str()) == 0;
        } else {
            restored = writeAll(plainWrite, fd, replaced.data(), replaced.size(), keep) == 0 &&
                       ::ftruncate(fd, static_cast<off_t>(oldSize)) == 0;
        }
        ::close(fd);
        fail(path, "cannot append to the file (" + errnoText(err) + "); " +
                       (restored ? "it is left as it was" : "it could not be put back as it was"));
    }
    if (::close(fd) != 0) fail(path, "cannot append to the file (" + errnoText(errno) + ")");
}

}  // namespace hat

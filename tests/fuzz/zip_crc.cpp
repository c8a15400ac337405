#include "zip_crc.h"

#include <zlib.h>

namespace hat::fuzz {

namespace {

// Zip structures (APPNOTE.TXT 4.3): little-endian fields at fixed offsets.
constexpr uint32_t kLocalHeader = 0x04034b50;
constexpr uint32_t kCentralHeader = 0x02014b50;
constexpr uint32_t kEndOfCentral = 0x06054b50;
constexpr size_t kLocalSize = 30, kCentralSize = 46, kEndSize = 22;

uint32_t u16(const std::vector<uint8_t>& b, size_t at) { return b[at] | (b[at + 1] << 8); }
uint32_t u32(const std::vector<uint8_t>& b, size_t at) {
    return u16(b, at) | (static_cast<uint32_t>(u16(b, at + 2)) << 16);
}
void put32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}
bool fits(const std::vector<uint8_t>& b, size_t at, size_t n) {
    return at <= b.size() && n <= b.size() - at;
}

// The end-of-central-directory record, searched backwards (it may be followed by a comment).
bool findEnd(const std::vector<uint8_t>& b, size_t& at) {
    if (b.size() < kEndSize) return false;
    for (size_t i = b.size() - kEndSize + 1; i-- > 0;) {
        if (u32(b, i) == kEndOfCentral) {
            at = i;
            return true;
        }
    }
    return false;
}

}  // namespace

std::vector<uint8_t> withRepairedZipCrcs(const uint8_t* data, size_t size) {
    std::vector<uint8_t> b(data, data + size);
    size_t end = 0;
    if (!findEnd(b, end)) return b;
    const uint32_t entries = u16(b, end + 10);
    size_t at = u32(b, end + 16);  // first central directory header
    for (uint32_t e = 0; e < entries; ++e) {
        if (!fits(b, at, kCentralSize) || u32(b, at) != kCentralHeader) break;
        const uint32_t method = u16(b, at + 10);
        const uint32_t stored = u32(b, at + 20);
        const size_t local = u32(b, at + 42);
        const size_t next = at + kCentralSize + u16(b, at + 28) + u16(b, at + 30) + u16(b, at + 32);
        // Only stored (uncompressed) records whose sizes are not in a zip64 extra field.
        if (method == 0 && stored != 0xffffffffu && fits(b, local, kLocalSize) &&
            u32(b, local) == kLocalHeader) {
            const size_t body = local + kLocalSize + u16(b, local + 26) + u16(b, local + 28);
            if (fits(b, body, stored)) {
                const uint32_t crc = static_cast<uint32_t>(
                    crc32(crc32(0L, Z_NULL, 0), b.data() + body, static_cast<uInt>(stored)));
                put32(b, at + 16, crc);
                put32(b, local + 14, crc);
            }
        }
        at = next;
    }
    return b;
}

}  // namespace hat::fuzz

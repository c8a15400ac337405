#include "core/model/pickle_claims.h"

#include <cstdint>
#include <cstring>

#include "core/util/error.h"

namespace hat {

namespace {

enum class Arg {
    None,     // no argument
    Fixed,    // `width` bytes
    Counted,  // a `width`-byte little-endian length, then that many bytes
    Line,     // text up to a newline
    TwoLines,
    MemoSlot,  // LONG_BINPUT's 4-byte memo index
    Unknown,
};
struct Shape {
    Arg arg = Arg::Unknown;
    int width = 0;
};

// Python's pickletools table, protocols 0 to 5, by what follows each opcode.
Shape shapeOf(unsigned char op) {
    switch (op) {
    case '(': case ')': case ']': case '}': case '0': case '1': case '2': case 'N': case 'Q':
    case 'R': case 'a': case 'b': case 'd': case 'e': case 'l': case 'o': case 's': case 't':
    case 'u': case '.': case 0x81: case 0x85: case 0x86: case 0x87: case 0x88: case 0x89:
    case 0x8f: case 0x90: case 0x91: case 0x92: case 0x93: case 0x94: case 0x97: case 0x98:
        return {Arg::None, 0};
    case 'K': case 'h': case 'q': case 0x80: case 0x82:  // BININT1 BINGET BINPUT PROTO EXT1
        return {Arg::Fixed, 1};
    case 'M': case 0x83:  // BININT2 EXT2
        return {Arg::Fixed, 2};
    case 'J': case 'j': case 0x84:  // BININT LONG_BINGET EXT4
        return {Arg::Fixed, 4};
    case 'G': case 0x95:  // BINFLOAT FRAME
        return {Arg::Fixed, 8};
    case 'r':
        return {Arg::MemoSlot, 4};
    case 'U': case 'C': case 0x8c: case 0x8a:  // SHORT_BINSTRING SHORT_BINBYTES SHORT_BINUNICODE LONG1
        return {Arg::Counted, 1};
    case 'T': case 'X': case 'B': case 0x8b:  // BINSTRING BINUNICODE BINBYTES LONG4
        return {Arg::Counted, 4};
    case 0x8d: case 0x8e: case 0x96:  // BINUNICODE8 BINBYTES8 BYTEARRAY8
        return {Arg::Counted, 8};
    case 'F': case 'I': case 'L': case 'P': case 'S': case 'V': case 'g': case 'p':
        return {Arg::Line, 0};
    case 'c': case 'i':  // GLOBAL INST: module and name
        return {Arg::TwoLines, 0};
    default:
        return {};
    }
}

uint64_t little(const char* p, int n) {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
    return v;
}

}  // namespace

void checkPickleClaims(const char* pickle, size_t size, const std::string& file, const std::string& record) {
    size_t at = 0;
    while (at < size) {
        const size_t opAt = at;
        const unsigned char op = static_cast<unsigned char>(pickle[at++]);
        if (op == '.') return;  // STOP
        const Shape s = shapeOf(op);
        const size_t left = size - at;
        switch (s.arg) {
        case Arg::Unknown:
            return;
        case Arg::None:
            break;
        case Arg::Fixed:
            if (left < static_cast<size_t>(s.width)) return;  // the Unpickler says it ends early
            at += static_cast<size_t>(s.width);
            break;
        case Arg::MemoSlot: {
            if (left < 4) return;
            const uint64_t slot = little(pickle + at, 4);
            if (slot > size) {
                fail(file, "'" + record + "' stores into memo slot " + std::to_string(slot) + " at byte " +
                               std::to_string(opAt) + ", more than its " + std::to_string(size) +
                               " bytes can fill: the file is damaged");
            }
            at += 4;
            break;
        }
        case Arg::Counted: {
            const size_t width = static_cast<size_t>(s.width);
            if (left < width) return;
            const uint64_t length = little(pickle + at, s.width);
            at += width;
            if (length > size - at) {
                fail(file, "'" + record + "' claims a " + std::to_string(length) + "-byte value at byte " +
                               std::to_string(opAt) + ", but only " + std::to_string(size - at) +
                               " bytes follow: the file is damaged");
            }
            at += static_cast<size_t>(length);
            break;
        }
        case Arg::Line:
        case Arg::TwoLines:
            for (int line = s.arg == Arg::Line ? 1 : 2; line > 0; --line) {
                const void* newline = std::memchr(pickle + at, '\n', size - at);
                if (!newline) return;
                at = static_cast<size_t>(static_cast<const char*>(newline) - pickle) + 1;
            }
            break;
        }
    }
}

}  // namespace hat

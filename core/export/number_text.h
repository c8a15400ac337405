#pragma once
// Numbers as text for the exported formats. std::to_chars ignores the C locale, which a Qt
// application sets from the environment ("5,449" under de_DE): the same export must give the same
// bytes from the CLI and from the window.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

namespace hat {

// `decimals` fixed decimals; empty for NaN or infinity (an unknown value, not a number to read).
inline std::string fixedDecimals(double v, int decimals) {
    if (!std::isfinite(v)) return {};
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed, decimals);
    return std::string(buf, r.ptr);
}

inline std::string integerText(int64_t v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof(buf), v);
    return std::string(buf, r.ptr);
}

}  // namespace hat

#pragma once
// Errors that reach a user. Every message names the file (when there is one) and the problem,
// so the CLI can print it on one line and the GUI can show it in a dialog as it is.
#include <stdexcept>
#include <string>

namespace hat {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// "FILE: problem" when a file is known, "problem" otherwise.
[[noreturn]] void fail(const std::string& file, const std::string& problem);

// Joins integers as "a, b, c" for messages that list allowed values.
template <typename Container>
std::string joinValues(const Container& values) {
    std::string out;
    for (const auto& v : values) {
        if (!out.empty()) out += ", ";
        out += std::to_string(v);
    }
    return out;
}

}  // namespace hat

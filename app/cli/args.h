#pragma once
// A small, strict command-line parser for the `hat` subcommands: `--flag value`, `--switch`, and
// positional arguments. Unknown flags are errors, so a typo never silently changes a run.
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace hat::cli {

// Bad usage: main() prints "hat <command>: <message>" and exits with 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Args {
public:
    // `valueFlags` take a value, `switches` do not.
    Args(const std::vector<std::string>& argv, const std::set<std::string>& valueFlags,
         const std::set<std::string>& switches);

    bool has(const std::string& flag) const;
    std::string get(const std::string& flag, const std::string& fallback) const;
    std::string require(const std::string& flag) const;
    int getInt(const std::string& flag, int fallback) const;
    double getDouble(const std::string& flag, double fallback) const;
    const std::vector<std::string>& positional() const { return positional_; }
    // Exactly `n` positional arguments, named `what` in the error.
    void expectPositional(size_t n, const std::string& what) const;

private:
    std::map<std::string, std::string> values_;
    std::set<std::string> switches_;
    std::vector<std::string> positional_;
};

}  // namespace hat::cli

#pragma once
// The one command-line parser of every `hat` subcommand. Each command declares its options in a
// CommandSpec; that table drives the parsing, the `--help` text and the error messages, so the
// help cannot list an option the parser rejects or leave out one it accepts. Strict on purpose:
// an unknown option or one given twice is an error, so a typo never silently changes a run.
#include <map>
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

// `-h` or `--help` was given: main() prints the command's help on stdout and exits with 0. Not a
// std::exception, so no command's error handling mistakes it for a failure.
struct HelpRequested {};

struct Option {
    std::string name;       // "--space"
    std::string valueName;  // "S.yml" in the help; empty for a switch, which takes no value
    std::string help;       // one line
    // What leaving the option out means, shown in the help; Args::get(name) falls back to it.
    std::string defaultValue;

    bool takesValue() const { return !valueName.empty(); }
};

Option valueOption(std::string name, std::string valueName, std::string help,
                   std::string defaultValue = "");
Option switchOption(std::string name, std::string help);
// A numeric default as the help shows it ("0.002", "1e-05"), for defaults taken from core's
// option structs so that the help cannot drift from them.
std::string shownDefault(double value);

// A positional argument, for the help only (commands check their count themselves).
struct Argument {
    std::string name;  // "ARCH.yml"
    std::string help;
};

struct CommandSpec {
    std::string name;         // "arch info"
    std::string summary;      // one line in `hat --help`
    std::string synopsis;     // after "usage: hat <name> ", in the help and after usage errors
    std::string description;  // more about the command, for its help; may be empty
    std::vector<Argument> arguments;
    std::vector<Option> options;  // -h/--help is implied

    const Option* find(const std::string& name) const;
};

// What `hat <name> --help` prints: usage line, summary, description, arguments, options.
std::string helpText(const CommandSpec& spec);

// The declared option nearest to `unknown`, or "" when none is close enough to suggest.
std::string nearestOption(const CommandSpec& spec, const std::string& unknown);

class Args {
  public:
    // Words that start with '-' (other than "-" itself) are options up to a "--", after which
    // every word is positional. A value is the next word or follows '=' (--seed=3). Throws
    // HelpRequested for -h/--help anywhere before "--" (even beside a mistake: the user asked
    // for help), else UsageError for an unknown option, a missing value, a value given to a
    // switch or an option given twice. `spec` must outlive the Args.
    Args(const std::vector<std::string>& argv, const CommandSpec& spec);

    bool has(const std::string& flag) const;
    // The value given, else the default the table declares (empty when it declares none).
    std::string get(const std::string& flag) const;
    std::string get(const std::string& flag, const std::string& fallback) const;
    std::string require(const std::string& flag) const;
    // The value given, else the declared default, parsed; the default must be declared.
    int getInt(const std::string& flag) const;
    int getInt(const std::string& flag, int fallback) const;
    double getDouble(const std::string& flag) const;
    double getDouble(const std::string& flag, double fallback) const;
    const std::vector<std::string>& positional() const { return positional_; }
    // Exactly `n` positional arguments, named `what` in the error.
    void expectPositional(size_t n, const std::string& what) const;

  private:
    // Reading an option the table does not declare is a bug in the command, not bad usage.
    const Option& declared(const std::string& flag) const;
    std::string declaredDefault(const std::string& flag) const;

    const CommandSpec& spec_;
    std::map<std::string, std::string> values_;
    std::set<std::string> switches_;
    std::vector<std::string> positional_;
};

}  // namespace hat::cli

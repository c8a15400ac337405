#include "app/cli/args.h"

namespace hat::cli {

Args::Args(const std::vector<std::string>& argv, const std::set<std::string>& valueFlags,
           const std::set<std::string>& switches) {
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (a.rfind("--", 0) != 0 || a == "--") {
            positional_.push_back(a);
            continue;
        }
        std::string name = a, value;
        const auto eq = a.find('=');
        const bool inlineValue = eq != std::string::npos;
        if (inlineValue) {
            name = a.substr(0, eq);
            value = a.substr(eq + 1);
        }
        if (valueFlags.count(name)) {
            if (!inlineValue) {
                if (i + 1 >= argv.size()) throw UsageError(name + " needs a value");
                value = argv[++i];
            }
            values_[name] = value;
        } else if (switches.count(name) && !inlineValue) {
            switches_.insert(name);
        } else {
            throw UsageError("unknown option " + name);
        }
    }
}

bool Args::has(const std::string& flag) const {
    return switches_.count(flag) || values_.count(flag);
}

std::string Args::get(const std::string& flag, const std::string& fallback) const {
    const auto it = values_.find(flag);
    return it == values_.end() ? fallback : it->second;
}

std::string Args::require(const std::string& flag) const {
    const auto it = values_.find(flag);
    if (it == values_.end()) throw UsageError("missing required option " + flag);
    return it->second;
}

int Args::getInt(const std::string& flag, int fallback) const {
    const auto it = values_.find(flag);
    if (it == values_.end()) return fallback;
    try {
        size_t used = 0;
        const int v = std::stoi(it->second, &used);
        if (used != it->second.size()) throw std::invalid_argument("trailing");
        return v;
    } catch (const std::exception&) {
        throw UsageError(flag + " expects an integer, got '" + it->second + "'");
    }
}

double Args::getDouble(const std::string& flag, double fallback) const {
    const auto it = values_.find(flag);
    if (it == values_.end()) return fallback;
    try {
        size_t used = 0;
        const double v = std::stod(it->second, &used);
        if (used != it->second.size()) throw std::invalid_argument("trailing");
        return v;
    } catch (const std::exception&) {
        throw UsageError(flag + " expects a number, got '" + it->second + "'");
    }
}

void Args::expectPositional(size_t n, const std::string& what) const {
    if (positional_.size() != n) {
        throw UsageError("expected " + what + " (" + std::to_string(n) + " argument" +
                         (n == 1 ? "" : "s") + "), got " + std::to_string(positional_.size()));
    }
}

}  // namespace hat::cli

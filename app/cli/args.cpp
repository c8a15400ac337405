#include "app/cli/args.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <sstream>
#include <utility>

namespace hat::cli {

namespace {

bool isHelp(const std::string& name) { return name == "-h" || name == "--help"; }

size_t editDistance(const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            diagonal = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
        }
    }
    return row[b.size()];
}

int parseInt(const std::string& flag, const std::string& text) {
    try {
        size_t used = 0;
        const int v = std::stoi(text, &used);
        if (used != text.size()) throw std::invalid_argument("trailing");
        return v;
    } catch (const std::exception&) {
        throw UsageError(flag + " expects an integer, got '" + text + "'");
    }
}

double parseDouble(const std::string& flag, const std::string& text) {
    try {
        size_t used = 0;
        const double v = std::stod(text, &used);
        if (used != text.size()) throw std::invalid_argument("trailing");
        return v;
    } catch (const std::exception&) {
        throw UsageError(flag + " expects a number, got '" + text + "'");
    }
}

// `text` word-wrapped to 80 columns after `lead`, the start of its first line; later lines start
// with `indent` spaces. Ends with a newline.
std::string wrapped(const std::string& lead, const std::string& text, size_t indent) {
    constexpr size_t kWidth = 80;
    std::string out = lead;
    size_t column = lead.size();
    bool lineEmpty = true;  // a word longer than the line still goes on one, alone
    std::istringstream words(text);
    for (std::string word; words >> word;) {
        if (!lineEmpty && column + 1 + word.size() > kWidth) {
            out += "\n" + std::string(indent, ' ');
            column = indent;
            lineEmpty = true;
        }
        if (!lineEmpty) {
            out += ' ';
            ++column;
        }
        out += word;
        column += word.size();
        lineEmpty = false;
    }
    return out + "\n";
}

}  // namespace

Option valueOption(std::string name, std::string valueName, std::string help,
                   std::string defaultValue) {
    return {std::move(name), std::move(valueName), std::move(help), std::move(defaultValue)};
}

Option switchOption(std::string name, std::string help) {
    return {std::move(name), "", std::move(help), ""};
}

std::string shownDefault(double value) {
    char text[32];
    std::snprintf(text, sizeof(text), "%g", value);
    return text;
}

const Option* CommandSpec::find(const std::string& name) const {
    for (const Option& o : options) {
        if (o.name == name) return &o;
    }
    return nullptr;
}

std::string nearestOption(const CommandSpec& spec, const std::string& unknown) {
    std::vector<std::string> names{"--help"};
    for (const Option& o : spec.options) names.push_back(o.name);
    // A unique option the word abbreviates ("--work" for "--workspace"): suggested, never taken,
    // so that adding an option later cannot change what an old command line means.
    std::vector<std::string> extending;
    for (const std::string& n : names) {
        if (unknown.size() >= 3 && n.rfind(unknown, 0) == 0) extending.push_back(n);
    }
    if (extending.size() == 1) return extending.front();
    // Otherwise a typo: at most two edits, and fewer than half the word.
    std::string best;
    size_t bestDistance = std::min<size_t>(3, (unknown.size() + 1) / 2);
    for (const std::string& n : names) {
        const size_t d = editDistance(unknown, n);
        if (d < bestDistance) {
            best = n;
            bestDistance = d;
        }
    }
    return best;
}

std::string helpText(const CommandSpec& spec) {
    const std::string usage = "usage: hat " + spec.name + " ";
    std::string out = wrapped(usage, spec.synopsis, usage.size() <= 40 ? usage.size() : 4);
    out += "\n" + wrapped("", spec.summary, 0);
    if (!spec.description.empty()) out += "\n" + wrapped("", spec.description, 0);

    // Left column "  --name VALUE", the help after the widest one that leaves it room; a longer
    // name has its help on the next line.
    constexpr size_t kMaxColumn = 30;
    std::vector<std::pair<std::string, std::string>> argumentRows, optionRows;
    for (const Argument& a : spec.arguments) argumentRows.emplace_back("  " + a.name, a.help);
    for (const Option& o : spec.options) {
        std::string help = o.help;
        if (!o.defaultValue.empty()) help += " (default: " + o.defaultValue + ")";
        optionRows.emplace_back("  " + o.name + (o.takesValue() ? " " + o.valueName : ""), help);
    }
    optionRows.emplace_back("  -h, --help", "show this help and exit");
    size_t column = 0;
    for (const auto* rows : {&argumentRows, &optionRows}) {
        for (const auto& row : *rows) {
            if (row.first.size() <= kMaxColumn) column = std::max(column, row.first.size());
        }
    }
    const size_t helpColumn = column + 2;
    auto section = [&](const char* title, const auto& rows) {
        if (rows.empty()) return;
        out += std::string("\n") + title + ":\n";
        for (const auto& [left, help] : rows) {
            if (left.size() > column) {
                out += left + "\n" + wrapped(std::string(helpColumn, ' '), help, helpColumn);
            } else {
                out += wrapped(left + std::string(helpColumn - left.size(), ' '), help, helpColumn);
            }
        }
    };
    section("arguments", argumentRows);
    section("options", optionRows);
    return out;
}

Args::Args(const std::vector<std::string>& argv, const CommandSpec& spec) : spec_(spec) {
    bool help = false, optionsEnded = false;
    // The first mistake; parsing goes on so that a -h later on still gets the help.
    std::optional<std::string> problem;
    auto report = [&](std::string message) {
        if (!problem) problem = std::move(message);
    };
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string& word = argv[i];
        if (optionsEnded || word.size() < 2 || word[0] != '-') {
            positional_.push_back(word);
            continue;
        }
        if (word == "--") {
            optionsEnded = true;
            continue;
        }
        std::string name = word;
        std::optional<std::string> inlineValue;
        if (const size_t eq = word.find('='); eq != std::string::npos) {
            name = word.substr(0, eq);
            inlineValue = word.substr(eq + 1);
        }
        if (isHelp(name)) {  // every command has it; no table may declare it
            if (inlineValue) report(name + " takes no value");
            help = true;
            continue;
        }
        const Option* option = spec.find(name);
        if (!option) {
            const std::string near = nearestOption(spec, name);
            report("unknown option " + name +
                   (near.empty() ? "" : " (did you mean " + near + "?)"));
            continue;
        }
        if (values_.count(name) || switches_.count(name)) report(name + " given twice");
        if (option->takesValue()) {
            if (!inlineValue && i + 1 >= argv.size()) {
                report(name + " needs a value");
                break;
            }
            const std::string value = inlineValue ? *inlineValue : argv[++i];
            values_.emplace(name, value);  // the first stays: a repeat is an error anyway
        } else {
            if (inlineValue) report(name + " takes no value");
            switches_.insert(name);
        }
    }
    if (help) throw HelpRequested{};
    if (problem) throw UsageError(*problem);
}

const Option& Args::declared(const std::string& flag) const {
    const Option* o = spec_.find(flag);
    if (!o)
        throw std::logic_error("hat " + spec_.name + " reads " + flag +
                               ", which it does not declare");
    return *o;
}

std::string Args::declaredDefault(const std::string& flag) const {
    const Option& o = declared(flag);
    if (o.defaultValue.empty()) {
        throw std::logic_error("hat " + spec_.name + " reads " + flag +
                               " without a declared default");
    }
    return o.defaultValue;
}

bool Args::has(const std::string& flag) const {
    declared(flag);
    return switches_.count(flag) || values_.count(flag);
}

std::string Args::get(const std::string& flag) const {
    const auto it = values_.find(flag);
    return it == values_.end() ? declared(flag).defaultValue : it->second;
}

std::string Args::get(const std::string& flag, const std::string& fallback) const {
    declared(flag);
    const auto it = values_.find(flag);
    return it == values_.end() ? fallback : it->second;
}

std::string Args::require(const std::string& flag) const {
    declared(flag);
    const auto it = values_.find(flag);
    if (it == values_.end()) throw UsageError("missing required option " + flag);
    return it->second;
}

int Args::getInt(const std::string& flag) const {
    const auto it = values_.find(flag);
    return parseInt(flag, it == values_.end() ? declaredDefault(flag) : it->second);
}

int Args::getInt(const std::string& flag, int fallback) const {
    declared(flag);
    const auto it = values_.find(flag);
    return it == values_.end() ? fallback : parseInt(flag, it->second);
}

double Args::getDouble(const std::string& flag) const {
    const auto it = values_.find(flag);
    return parseDouble(flag, it == values_.end() ? declaredDefault(flag) : it->second);
}

double Args::getDouble(const std::string& flag, double fallback) const {
    declared(flag);
    const auto it = values_.find(flag);
    return it == values_.end() ? fallback : parseDouble(flag, it->second);
}

void Args::expectPositional(size_t n, const std::string& what) const {
    if (positional_.size() != n) {
        throw UsageError("expected " + what + " (" + std::to_string(n) + " argument" +
                         (n == 1 ? "" : "s") + "), got " + std::to_string(positional_.size()));
    }
}

}  // namespace hat::cli

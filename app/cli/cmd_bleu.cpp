// hat bleu HYP REF [REF...]: the score sacreBLEU's CLI would give on the same files, except
// that the default text output keeps sacreBLEU's Score.format() (two decimals) instead of
// its -w 1 rounding, and --json reports the score unrounded.
#include "app/cli/cmd_bleu.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "core/eval/bleu.h"
#include "core/eval/chrf.h"
#include "core/util/error.h"

namespace hat::cli {

namespace {

struct BleuCommandLine {
    std::vector<std::string> files;  // HYP, then REFs
    std::map<std::string, std::string> values;
    std::set<std::string> switches;
};

const std::set<std::string> kValueOptions = {"--tokenize", "--smooth-method", "--smooth-value",
                                             "--metric", "--chrf-word-order"};
const std::set<std::string> kSwitches = {"--lowercase", "--effective-order", "--json", "--help"};
// Options that only make sense for one metric; giving them to the other is a mistake we report
// rather than silently ignore.
const std::set<std::string> kBleuOnly = {"--tokenize", "--smooth-method", "--smooth-value",
                                         "--effective-order"};
const std::set<std::string> kChrfOnly = {"--chrf-word-order"};

BleuCommandLine parse(const std::vector<std::string>& args) {
    BleuCommandLine cl;
    bool optionsEnded = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (optionsEnded || arg.size() < 2 || arg[0] != '-') {
            cl.files.push_back(arg);
            continue;
        }
        if (arg == "--") {
            optionsEnded = true;
            continue;
        }
        std::string name = arg;
        std::optional<std::string> inlineValue;
        if (const size_t eq = arg.find('='); eq != std::string::npos) {
            name = arg.substr(0, eq);
            inlineValue = arg.substr(eq + 1);
        }
        if (name == "-h") name = "--help";
        if (kValueOptions.count(name)) {
            if (cl.values.count(name)) fail("", name + " given twice");
            if (inlineValue) {
                cl.values[name] = *inlineValue;
            } else {
                if (i + 1 >= args.size()) fail("", name + " needs a value");
                cl.values[name] = args[++i];
            }
        } else if (kSwitches.count(name)) {
            if (inlineValue) fail("", name + " takes no value");
            cl.switches.insert(name);
        } else {
            fail("", "unknown option " + name);
        }
    }
    return cl;
}

double parseDouble(const std::string& option, const std::string& text) {
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
        fail("", option + ": '" + text + "' is not a number");
    return v;
}

int parseNonNegativeInt(const std::string& option, const std::string& text) {
    errno = 0;
    char* end = nullptr;
    const long v = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE || v < 0 || v > 100)
        fail("", option + ": '" + text + "' is not a whole number from 0 to 100");
    return static_cast<int>(v);
}

std::string value(const BleuCommandLine& cl, const std::string& name, const std::string& fallback) {
    const auto it = cl.values.find(name);
    return it == cl.values.end() ? fallback : it->second;
}

// Names the option in errors from core parsers ("--tokenize: unknown tokenizer ...").
template <typename Parse>
auto withOption(const std::string& option, Parse parse) {
    try {
        return parse();
    } catch (const Error& e) {
        fail("", option + ": " + e.what());
    }
}

bool given(const BleuCommandLine& cl, const std::string& name) {
    return cl.values.count(name) > 0 || cl.switches.count(name) > 0;
}

int runBleu(const BleuCommandLine& cl, const std::vector<std::string>& refs, bool json) {
    BleuOptions options;
    options.tokenize = withOption(
        "--tokenize", [&] { return parseBleuTokenizer(value(cl, "--tokenize", "13a")); });
    options.lowercase = cl.switches.count("--lowercase") > 0;
    options.smoothMethod = withOption(
        "--smooth-method", [&] { return parseBleuSmoothing(value(cl, "--smooth-method", "exp")); });
    if (given(cl, "--smooth-value")) {
        options.smoothValue = parseDouble("--smooth-value", value(cl, "--smooth-value", ""));
    }
    options.effectiveOrder = cl.switches.count("--effective-order") > 0;
    validateBleuOptions(options);

    const BleuResult r = corpusBleuFiles(cl.files[0], refs, options);
    if (json) {
        nlohmann::ordered_json j;
        j["metric"] = "bleu";
        j["score"] = r.score;
        j["counts"] = r.counts;
        j["totals"] = r.totals;
        j["sys_len"] = r.sysLen;
        j["ref_len"] = r.refLen;
        j["bp"] = r.bp;
        j["ratio"] = r.ratio;
        j["precisions"] = r.precisions;
        j["signature"] = r.signature;
        j["formatted"] = r.formatted;
        std::cout << j.dump(2) << "\n";
    } else {
        std::cout << r.formatted << "\n" << r.signature << "\n";
    }
    return 0;
}

int runChrf(const BleuCommandLine& cl, const std::vector<std::string>& refs, bool json) {
    ChrfOptions options;
    options.lowercase = cl.switches.count("--lowercase") > 0;
    if (given(cl, "--chrf-word-order")) {
        options.wordOrder =
            parseNonNegativeInt("--chrf-word-order", value(cl, "--chrf-word-order", ""));
    }
    validateChrfOptions(options);

    const ChrfResult r = corpusChrfFiles(cl.files[0], refs, options);
    if (json) {
        nlohmann::ordered_json stats = nlohmann::ordered_json::array();
        for (const ChrfNgramStats& s : r.stats)
            stats.push_back({s.hypCount, s.refCount, s.matches});
        nlohmann::ordered_json j;
        j["metric"] = "chrf";
        j["score"] = r.score;
        j["char_order"] = options.charOrder;
        j["word_order"] = options.wordOrder;
        j["beta"] = options.beta;
        j["stats"] = stats;  // [hyp, ref, match] per char order, then per word order
        j["signature"] = r.signature;
        j["formatted"] = r.formatted;
        std::cout << j.dump(2) << "\n";
    } else {
        std::cout << r.formatted << "\n" << r.signature << "\n";
    }
    return 0;
}

}  // namespace

int cmdBleu(const std::vector<std::string>& args) {
    try {
        const BleuCommandLine cl = parse(args);
        if (cl.switches.count("--help")) {
            std::cout << "usage: hat bleu " << kBleuUsage << "\n";
            return 0;
        }
        if (cl.files.size() < 2) fail("", "need a hypothesis file and at least one reference file");
        const std::string metric = value(cl, "--metric", "bleu");
        if (metric != "bleu" && metric != "chrf")
            fail("", "--metric: unknown metric '" + metric + "' (expected bleu or chrf)");
        const std::set<std::string>& foreign = metric == "bleu" ? kChrfOnly : kBleuOnly;
        for (const std::string& option : foreign) {
            if (given(cl, option)) fail("", option + " does not apply to --metric " + metric);
        }
        const std::vector<std::string> refs(cl.files.begin() + 1, cl.files.end());
        const bool json = cl.switches.count("--json") > 0;
        return metric == "bleu" ? runBleu(cl, refs, json) : runChrf(cl, refs, json);
    } catch (const Error& e) {
        std::cerr << "hat bleu: " << e.what() << "\n";
        return 2;
    }
}

}  // namespace hat::cli

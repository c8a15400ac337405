// hat bleu HYP REF [REF...]: the score sacreBLEU's CLI would give on the same files, except
// that the default text output keeps sacreBLEU's Score.format() (two decimals) instead of
// its -w 1 rounding, and --json reports the score unrounded.
#include "app/cli/cmd_bleu.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/eval/bleu.h"
#include "core/eval/chrf.h"
#include "core/util/error.h"
#include "core/util/input_file.h"

namespace hat::cli {

namespace {

// Options that only make sense for one metric; giving them to the other is a mistake we report
// rather than silently ignore.
const std::set<std::string> kBleuOnly = {"--tokenize", "--smooth-method", "--smooth-value",
                                         "--effective-order"};
const std::set<std::string> kChrfOnly = {"--chrf-word-order"};

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

// Names the option in errors from core parsers ("--tokenize: unknown tokenizer ...").
template <typename Parse>
auto withOption(const std::string& option, Parse parse) {
    try {
        return parse();
    } catch (const Error& e) {
        fail("", option + ": " + e.what());
    }
}

int runBleu(const Args& args, const std::vector<std::string>& refs, bool json) {
    BleuOptions options;
    options.tokenize =
        withOption("--tokenize", [&] { return parseBleuTokenizer(args.get("--tokenize")); });
    options.lowercase = args.has("--lowercase");
    options.smoothMethod = withOption(
        "--smooth-method", [&] { return parseBleuSmoothing(args.get("--smooth-method")); });
    if (args.has("--smooth-value")) {
        options.smoothValue = parseDouble("--smooth-value", args.get("--smooth-value"));
    }
    options.effectiveOrder = args.has("--effective-order");
    validateBleuOptions(options);

    const BleuResult r = corpusBleuFiles(args.positional()[0], refs, options);
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

int runChrf(const Args& args, const std::vector<std::string>& refs, bool json) {
    ChrfOptions options;
    options.lowercase = args.has("--lowercase");
    if (args.has("--chrf-word-order")) {
        options.wordOrder = parseNonNegativeInt("--chrf-word-order", args.get("--chrf-word-order"));
    }
    validateChrfOptions(options);

    const ChrfResult r = corpusChrfFiles(args.positional()[0], refs, options);
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

const CommandSpec& bleuSpec() {
    static const CommandSpec spec{
        "bleu",
        "sacreBLEU-compatible BLEU or chrF of a hypothesis file against references",
        kBleuUsage,
        "The score sacreBLEU's CLI gives on the same files. The text output keeps sacreBLEU's "
        "two decimals, --json reports the score unrounded. Files are read line by line and must "
        "have the same number of lines.",
        {{"HYP", "the hypotheses, one sentence per line"},
         {"REF", "a reference file per reference stream, line for line with HYP"}},
        {valueOption("--metric", "bleu|chrf", "the metric", "bleu"),
         valueOption("--tokenize", "13a|intl|char|none", "BLEU tokenizer", "13a"),
         switchOption("--lowercase", "compare lowercased text"),
         valueOption("--smooth-method", "exp|floor|add-k|none", "BLEU smoothing", "exp"),
         valueOption("--smooth-value", "V",
                     "BLEU smoothing value (default: sacreBLEU's, 0.1 for floor, 1 for add-k)"),
         switchOption("--effective-order", "BLEU averaged over the orders that have n-grams"),
         valueOption("--chrf-word-order", "N", "chrF word n-gram order, 0 to 100; 2 gives chrF++",
                     std::to_string(ChrfOptions().wordOrder)),
         switchOption("--json", "print every statistic as JSON")},
    };
    return spec;
}

int cmdBleu(const std::vector<std::string>& argv) {
    try {
        const Args args(argv, bleuSpec());
        const std::vector<std::string>& files = args.positional();
        if (files.size() < 2) fail("", "need a hypothesis file and at least one reference file");
        const std::string metric = args.get("--metric");
        if (metric != "bleu" && metric != "chrf")
            fail("", "--metric: unknown metric '" + metric + "' (expected bleu or chrf)");
        const std::set<std::string>& foreign = metric == "bleu" ? kChrfOnly : kBleuOnly;
        for (const std::string& option : foreign) {
            if (args.has(option)) fail("", option + (" does not apply to --metric " + metric));
        }
        // Refused before reading: the readers would wait on a FIFO and read a directory as empty.
        for (const std::string& file : files) requireRegularFile(file);
        const std::vector<std::string> refs(files.begin() + 1, files.end());
        const bool json = args.has("--json");
        return metric == "bleu" ? runBleu(args, refs, json) : runChrf(args, refs, json);
    } catch (const UsageError& e) {
        // One line and no usage line, unlike the other commands: scripts compare this output.
        std::cerr << "hat bleu: " << e.what() << "\n";
        return 2;
    } catch (const Error& e) {
        std::cerr << "hat bleu: " << shownText(e.what(), 2000) << "\n";
        return 2;
    }
}

}  // namespace hat::cli

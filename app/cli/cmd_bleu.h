#pragma once
// hat bleu: sacreBLEU-compatible BLEU or chrF of a hypothesis file against reference files.
#include <string>
#include <vector>

#include "app/cli/args.h"

namespace hat::cli {

// The options after "hat bleu", for usage messages.
inline constexpr const char* kBleuUsage =
    "HYP REF [REF...] [--tokenize 13a|intl|char|none] [--lowercase] "
    "[--smooth-method exp|floor|add-k|none] [--smooth-value V] [--effective-order] "
    "[--metric bleu|chrf] [--chrf-word-order N] [--json]";

// Its option table (app/cli/args.h), which main() shows as `hat bleu --help`.
const CommandSpec& bleuSpec();

// `args` are the words after "hat bleu". Prints the score (text or --json) on stdout and returns
// 0; on bad usage, unreadable files or files with different line counts it prints one line
// "hat bleu: ..." on stderr and returns 2.
int cmdBleu(const std::vector<std::string>& args);

}  // namespace hat::cli

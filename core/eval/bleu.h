#pragma once
// BLEU three ways, each reproducing one reference tool number for number:
//  - sacreBLEU 2.6.0 (corpusBleu / sentenceBleu / computeBleu): what papers report today;
//  - Moses multi-bleu.perl (multiBleuPerl): the classic script, on pre-tokenized text;
//  - fairseq's libbleu driven by HAT's score.py (fairseqBleu): what HAT calls "normal BLEU".
// Scores are on the 0-100 scale. The spec and parity fixtures are in tests/fixtures/bleu/.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/eval/text_tokenizers.h"

namespace hat {

// The sacreBLEU version whose behaviour we copy; it appears in every signature.
inline constexpr const char* kSacreBleuVersion = "2.6.0";

// --- sacreBLEU --------------------------------------------------------------------------------
enum class BleuSmoothing { None, Floor, AddK, Exp };

// "none", "floor", "add-k", "exp"; throws hat::Error for anything else.
BleuSmoothing parseBleuSmoothing(const std::string& name);
std::string bleuSmoothingName(BleuSmoothing method);

struct BleuOptions {
    BleuTokenizer tokenize = BleuTokenizer::Tok13a;
    bool lowercase = false;
    BleuSmoothing smoothMethod = BleuSmoothing::Exp;
    // Unset means sacreBLEU's default: 0.1 for floor, 1 for add-k (ignored by exp and none).
    // add-k needs a whole number, because sacreBLEU adds k to the reported integer counts.
    std::optional<double> smoothValue;
    // Average only over the orders that have n-grams. Sentence-level BLEU needs it (sacreBLEU's
    // sentence_bleu turns it on); otherwise a short sentence scores 0.
    bool effectiveOrder = false;
    int maxNgramOrder = 4;
};

// Sufficient statistics, summed over segments.
struct BleuStats {
    std::vector<int64_t> correct;  // clipped n-gram matches per order 1..N
    std::vector<int64_t> total;    // hypothesis n-grams per order 1..N
    int64_t sysLen = 0;
    int64_t refLen = 0;  // sum of the closest reference lengths
};

struct BleuResult {
    double score = 0.0;
    // As sacreBLEU reports them: with add-k smoothing, k is already added for orders >= 2.
    std::vector<int64_t> counts;
    std::vector<int64_t> totals;
    int64_t sysLen = 0;
    int64_t refLen = 0;
    double bp = 0.0;
    double ratio = 0.0;              // sysLen / refLen, 0 when refLen is 0
    std::vector<double> precisions;  // percent
    BleuStats rawStats;              // before any add-k mutation
    std::string formatted;           // "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ...)"
    std::string signature;           // "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0"
    std::string signatureShort;      // "#:1|c:mixed|e:no|tok:13a|s:exp|v:2.6.0"
};

// Throws hat::Error for a bad order or smoothing value.
void validateBleuOptions(const BleuOptions& options);

// What the n-gram matcher sees: optional str.lower(), then rstrip(), then the tokenizer.
std::string preprocessBleuSegment(const std::string& segment, const BleuOptions& options);

// Statistics of one segment from already preprocessed text (tokens are whitespace-separated).
BleuStats bleuSegmentStats(const std::string& hypothesis,
                           const std::vector<std::string>& references, int maxNgramOrder);

// sacreBLEU's compute_bleu. numReferences only feeds the signature (-1 prints "var").
BleuResult computeBleu(const BleuStats& stats, const BleuOptions& options, int numReferences = 1);

std::string bleuSignature(const BleuOptions& options, int numReferences, bool shortForm);

// Corpus BLEU. Unlike sacreBLEU's API (which truncates), mismatched segment counts and segments
// without any reference throw hat::Error.
BleuResult corpusBleu(const std::vector<std::string>& hypotheses,
                      const ReferenceStreams& references, const BleuOptions& options = {});

// Corpus BLEU over a single segment, which is all sacreBLEU's sentence_score is.
BleuResult sentenceBleu(const std::string& hypothesis, const std::vector<std::string>& references,
                        const BleuOptions& options);

// One segment a line. Files with different line counts throw hat::Error naming the file.
BleuResult corpusBleuFiles(const std::string& hypothesisPath,
                           const std::vector<std::string>& referencePaths,
                           const BleuOptions& options = {});

// --- Moses multi-bleu.perl --------------------------------------------------------------------
struct MultiBleuResult {
    // 0 normally; 1 when the references are empty (the script prints a zero line and exits 1);
    // 255 when the hypotheses are empty but the references are not (perl dies dividing by 0,
    // printing nothing).
    int exitCode = 0;
    std::string formatted;  // the exact stdout line, without the newline
    double score = 0.0;
    std::vector<double> precisions;  // percent
    double bp = 0.0;
    double ratio = 0.0;
    int64_t hypLen = 0;
    int64_t refLen = 0;
    std::vector<int64_t> counts;  // clipped matches per order 1..4
    std::vector<int64_t> totals;
};

// references[k][i] is reference k of line i. Lines are taken as read, without the newline.
// The script works on bytes: `lowercase` (-lc) folds ASCII only and only ASCII whitespace
// separates tokens.
MultiBleuResult multiBleuPerl(const std::vector<std::string>& hypotheses,
                              const std::vector<std::vector<std::string>>& references,
                              bool lowercase = false);

// --- fairseq score.py (HAT's "normal BLEU") -----------------------------------------------------
struct FairseqBleuOptions {
    bool ignoreCase = false;  // score.py --ignore-case: str.lower() on both sides
    int order = 4;            // 1..4
    // Apply HAT's compound splitting (splitCompounds) to both sides first, as HAT's test.sh does.
    bool splitCompounds = false;
};

struct FairseqBleuResult {
    double score = 0.0;
    std::vector<double> precisions;  // fractions, orders 1..4
    double bp = 0.0;
    double ratio = 0.0;  // sysLen / refLen
    int64_t sysLen = 0;
    int64_t refLen = 0;
    std::vector<int64_t> counts;  // matches, orders 1..4 (libbleu always keeps four)
    std::vector<int64_t> totals;
    std::string formatted;  // Scorer.result_string(order)
};

// One reference per hypothesis. Throws hat::Error on a count mismatch or empty input.
FairseqBleuResult fairseqBleu(const std::vector<std::string>& hypotheses,
                              const std::vector<std::string>& references,
                              const FairseqBleuOptions& options = {});

}  // namespace hat

#pragma once
// chrF and chrF++ exactly as sacreBLEU 2.6.0 computes them (Popović 2015/2017). Character
// n-grams are over Unicode code points; chrF++ adds word n-grams (wordOrder = 2).
// The spec and parity fixtures are in tests/fixtures/bleu/.
#include <cstdint>
#include <string>
#include <vector>

#include "core/eval/text_tokenizers.h"

namespace hat {

struct ChrfOptions {
    int charOrder = 6;
    int wordOrder = 0;  // 2 gives chrF++
    int beta = 2;
    bool lowercase = false;
    bool whitespace = false;  // keep whitespace inside character n-grams
    // false (sacreBLEU's default): average P and R over the orders that have n-grams on both
    // sides, then one F. true: mean of per-order F with 1e-16 standing in for undefined terms.
    bool epsSmoothing = false;
};

struct ChrfNgramStats {
    int64_t hypCount = 0;  // 0 when the chosen reference has no n-gram of this order
    int64_t refCount = 0;
    int64_t matches = 0;
};

struct ChrfResult {
    double score = 0.0;  // 0-100
    // Character orders 1..charOrder, then word orders 1..wordOrder, summed over segments using
    // each segment's best reference.
    std::vector<ChrfNgramStats> stats;
    std::string formatted;       // "chrF2 = 39.14", "chrF2++ = 81.85"
    std::string signature;       // "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0"
    std::string signatureShort;  // "#:1|c:mixed|e:yes|nc:6|nw:0|s:no|v:2.6.0"
};

// Throws hat::Error for orders or beta out of range.
void validateChrfOptions(const ChrfOptions& options);

// Statistics of one segment against each of its references, keeping the reference with the
// best sentence-level score (the first one on ties).
std::vector<ChrfNgramStats> chrfSegmentStats(const std::string& hypothesis,
                                             const std::vector<std::string>& references,
                                             const ChrfOptions& options);

double chrfScoreFromStats(const std::vector<ChrfNgramStats>& stats, const ChrfOptions& options);

std::string chrfSignature(const ChrfOptions& options, int numReferences, bool shortForm);

// Mismatched segment counts and segments without any reference throw hat::Error.
ChrfResult corpusChrf(const std::vector<std::string>& hypotheses,
                      const ReferenceStreams& references, const ChrfOptions& options = {});

ChrfResult sentenceChrf(const std::string& hypothesis, const std::vector<std::string>& references,
                        const ChrfOptions& options = {});

// One segment a line. Files with different line counts throw hat::Error naming the file.
ChrfResult corpusChrfFiles(const std::string& hypothesisPath,
                           const std::vector<std::string>& referencePaths,
                           const ChrfOptions& options = {});

}  // namespace hat

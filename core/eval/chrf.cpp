#include "core/eval/chrf.h"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include "core/eval/bleu.h"
#include "core/util/error.h"

namespace hat {

namespace {

using NgramCounts = std::unordered_map<std::string, int64_t>;

// Python's string.punctuation.
bool isAsciiPunctuation(char32_t c) {
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
           (c >= '{' && c <= '~');
}

// Per-order n-gram counts of one sentence; element i is order i+1, characters first, then words.
struct SentenceNgrams {
    std::vector<NgramCounts> orders;
};

SentenceNgrams extractNgrams(const std::string& sentence, const ChrfOptions& options) {
    const std::string text = options.lowercase ? pythonLower(sentence) : sentence;
    SentenceNgrams out;
    out.orders.resize(static_cast<size_t>(options.charOrder) + static_cast<size_t>(options.wordOrder));

    // N-grams are over code points, but keys are the UTF-8 bytes of those code points: UTF-8 is
    // injective, so equal keys mean equal code point sequences.
    std::u32string chars = decodeUtf8(text);
    if (!options.whitespace) {
        chars.erase(std::remove_if(chars.begin(), chars.end(), isPythonSpace), chars.end());
    }
    const std::string bytes = encodeUtf8(chars);
    std::vector<size_t> offsets;  // byte offset of each code point, plus the end
    offsets.reserve(chars.size() + 1);
    for (size_t i = 0; i < bytes.size(); ++i) {
        if ((static_cast<unsigned char>(bytes[i]) & 0xC0) != 0x80) offsets.push_back(i);
    }
    offsets.push_back(bytes.size());
    const size_t numChars = chars.size();
    for (size_t start = 0; start < numChars; ++start) {
        for (int n = 1; n <= options.charOrder && start + n <= numChars; ++n) {
            const size_t from = offsets[start];
            ++out.orders[n - 1][bytes.substr(from, offsets[start + n] - from)];
        }
    }

    if (options.wordOrder > 0) {
        // chrF++ detaches one ASCII punctuation mark from words longer than one character:
        // a trailing one if there is one, otherwise a leading one.
        std::vector<std::string> words;
        for (const std::string& token : pythonSplit(text)) {
            const std::u32string cps = decodeUtf8(token);
            if (cps.size() > 1 && isAsciiPunctuation(cps.back())) {
                words.push_back(encodeUtf8(cps.substr(0, cps.size() - 1)));
                words.push_back(encodeUtf8(cps.substr(cps.size() - 1)));
            } else if (cps.size() > 1 && isAsciiPunctuation(cps.front())) {
                words.push_back(encodeUtf8(cps.substr(0, 1)));
                words.push_back(encodeUtf8(cps.substr(1)));
            } else {
                words.push_back(token);
            }
        }
        const size_t base = static_cast<size_t>(options.charOrder);
        for (size_t start = 0; start < words.size(); ++start) {
            std::string key;
            for (int n = 1; n <= options.wordOrder && start + n <= words.size(); ++n) {
                if (n > 1) key += ' ';  // words never contain whitespace
                key += words[start + n - 1];
                ++out.orders[base + n - 1][key];
            }
        }
    }
    return out;
}

std::vector<ChrfNgramStats> matchStats(const SentenceNgrams& hyp, const SentenceNgrams& ref) {
    std::vector<ChrfNgramStats> stats(hyp.orders.size());
    for (size_t i = 0; i < hyp.orders.size(); ++i) {
        const NgramCounts& h = hyp.orders[i];
        const NgramCounts& r = ref.orders[i];
        int64_t hypCount = 0;
        int64_t matches = 0;
        for (const auto& [ngram, count] : h) {
            hypCount += count;
            const auto hit = r.find(ngram);
            if (hit != r.end()) matches += std::min(count, hit->second);
        }
        int64_t refCount = 0;
        for (const auto& entry : r) refCount += entry.second;
        // sacreBLEU does not count hypothesis n-grams of an order the reference lacks entirely.
        stats[i].hypCount = r.empty() ? 0 : hypCount;
        stats[i].refCount = refCount;
        stats[i].matches = matches;
    }
    return stats;
}

std::string chrfName(const ChrfOptions& options) {
    return "chrF" + std::to_string(options.beta) + std::string(options.wordOrder, '+');
}

}  // namespace

void validateChrfOptions(const ChrfOptions& options) {
    if (options.charOrder < 0 || options.wordOrder < 0 ||
        options.charOrder + options.wordOrder < 1) {
        fail("", "chrF needs char order >= 0, word order >= 0 and at least one of them > 0");
    }
    if (options.beta < 0) fail("", "chrF beta must be >= 0");
}

std::vector<ChrfNgramStats> chrfSegmentStats(const std::string& hypothesis,
                                             const std::vector<std::string>& references,
                                             const ChrfOptions& options) {
    validateChrfOptions(options);
    if (references.empty()) fail("", "chrF: a segment has no reference");
    const SentenceNgrams hyp = extractNgrams(hypothesis, options);
    std::vector<ChrfNgramStats> best;
    double bestScore = -1.0;
    for (const std::string& reference : references) {
        std::vector<ChrfNgramStats> stats = matchStats(hyp, extractNgrams(reference, options));
        const double score = chrfScoreFromStats(stats, options);
        if (score > bestScore) {
            bestScore = score;
            best.swap(stats);
        }
    }
    return best;
}

double chrfScoreFromStats(const std::vector<ChrfNgramStats>& stats, const ChrfOptions& options) {
    constexpr double kEps = 1e-16;
    const double factor = static_cast<double>(options.beta) * options.beta;
    double score = 0.0;
    double avgPrec = 0.0;
    double avgRec = 0.0;
    int effectiveOrder = 0;
    for (const ChrfNgramStats& s : stats) {
        const double prec = s.hypCount > 0
                                ? static_cast<double>(s.matches) / static_cast<double>(s.hypCount)
                                : kEps;
        const double rec = s.refCount > 0
                               ? static_cast<double>(s.matches) / static_cast<double>(s.refCount)
                               : kEps;
        const double denom = factor * prec + rec;
        score += denom > 0 ? (1 + factor) * prec * rec / denom : kEps;
        if (s.hypCount > 0 && s.refCount > 0) {
            avgPrec += prec;
            avgRec += rec;
            ++effectiveOrder;
        }
    }
    if (options.epsSmoothing) return 100 * score / static_cast<double>(stats.size());
    if (effectiveOrder == 0) {
        avgPrec = 0.0;
        avgRec = 0.0;
    } else {
        avgPrec /= effectiveOrder;
        avgRec /= effectiveOrder;
    }
    if (avgPrec + avgRec == 0.0) return 0.0;
    double f = (1 + factor) * avgPrec * avgRec;
    f /= factor * avgPrec + avgRec;
    return 100 * f;
}

std::string chrfSignature(const ChrfOptions& options, int numReferences, bool shortForm) {
    const std::string nrefs = numReferences < 0 ? "var" : std::to_string(numReferences);
    const char* caseName = options.lowercase ? "lc" : "mixed";
    // sacreBLEU calls the non-smoothed variant "effective order".
    const char* eff = options.epsSmoothing ? "no" : "yes";
    const char* space = options.whitespace ? "yes" : "no";
    const std::string nc = std::to_string(options.charOrder);
    const std::string nw = std::to_string(options.wordOrder);
    if (shortForm) {
        return "#:" + nrefs + "|c:" + caseName + "|e:" + eff + "|nc:" + nc + "|nw:" + nw +
               "|s:" + space + "|v:" + kSacreBleuVersion;
    }
    return "nrefs:" + nrefs + "|case:" + caseName + "|eff:" + eff + "|nc:" + nc + "|nw:" + nw +
           "|space:" + space + "|version:" + kSacreBleuVersion;
}

ChrfResult corpusChrf(const std::vector<std::string>& hypotheses,
                      const ReferenceStreams& references, const ChrfOptions& options) {
    validateChrfOptions(options);
    checkReferenceStreams(hypotheses.size(), references);
    ChrfResult r;
    r.stats.resize(static_cast<size_t>(options.charOrder) + static_cast<size_t>(options.wordOrder));
    std::vector<std::string> refs;
    for (size_t i = 0; i < hypotheses.size(); ++i) {
        refs.clear();
        for (const auto& stream : references) {
            if (stream[i]) refs.push_back(*stream[i]);
        }
        const std::vector<ChrfNgramStats> seg = chrfSegmentStats(hypotheses[i], refs, options);
        for (size_t k = 0; k < seg.size(); ++k) {
            r.stats[k].hypCount += seg[k].hypCount;
            r.stats[k].refCount += seg[k].refCount;
            r.stats[k].matches += seg[k].matches;
        }
    }
    r.score = chrfScoreFromStats(r.stats, options);
    char number[64];
    std::snprintf(number, sizeof number, "%.2f", r.score);
    r.formatted = chrfName(options) + " = " + number;
    const int nrefs = countReferences(hypotheses.size(), references);
    r.signature = chrfSignature(options, nrefs, false);
    r.signatureShort = chrfSignature(options, nrefs, true);
    return r;
}

ChrfResult sentenceChrf(const std::string& hypothesis, const std::vector<std::string>& references,
                        const ChrfOptions& options) {
    ReferenceStreams streams;
    for (const std::string& ref : references) streams.push_back({ref});
    return corpusChrf({hypothesis}, streams, options);
}

ChrfResult corpusChrfFiles(const std::string& hypothesisPath,
                           const std::vector<std::string>& referencePaths,
                           const ChrfOptions& options) {
    const ScoredText text = readScoredFiles(hypothesisPath, referencePaths);
    return corpusChrf(text.hypotheses, text.references, options);
}

}  // namespace hat

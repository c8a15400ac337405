#include "core/eval/bleu.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <limits>
#include <unordered_map>

#include "core/util/error.h"

namespace hat {

namespace {

using NgramCounts = std::unordered_map<std::string, int64_t>;

// printf into a std::string. Python's f"{x:.2f}" and printf both round the exact binary value
// correctly, so the formatted strings agree with the reference tools digit for digit.
std::string format(const char* pattern, ...) {
    va_list args;
    va_start(args, pattern);
    va_list copy;
    va_copy(copy, args);
    const int length = std::vsnprintf(nullptr, 0, pattern, copy);
    va_end(copy);
    std::string out(static_cast<size_t>(std::max(length, 0)), '\0');
    std::vsnprintf(out.data(), out.size() + 1, pattern, args);
    va_end(args);
    return out;
}

// Counts of all n-grams of orders 1..maxOrder; element n-1 holds order n. Tokens never contain
// a space (they come from whitespace splitting), so joining with one is an unambiguous key.
std::vector<NgramCounts> countNgrams(const std::vector<std::string>& tokens, int maxOrder) {
    std::vector<NgramCounts> counts(static_cast<size_t>(maxOrder));
    for (size_t start = 0; start < tokens.size(); ++start) {
        std::string key;
        for (int n = 1; n <= maxOrder && start + n <= tokens.size(); ++n) {
            if (n > 1) key += ' ';
            key += tokens[start + n - 1];
            ++counts[n - 1][key];
        }
    }
    return counts;
}

// Hypothesis n-gram count clipped by the largest count in any single reference.
void accumulateMatches(const std::vector<NgramCounts>& hyp, const std::vector<NgramCounts>& refMax,
                       std::vector<int64_t>& correct, std::vector<int64_t>& total) {
    for (size_t n = 0; n < hyp.size(); ++n) {
        for (const auto& [ngram, count] : hyp[n]) {
            total[n] += count;
            const auto hit = refMax[n].find(ngram);
            if (hit != refMax[n].end()) correct[n] += std::min(count, hit->second);
        }
    }
}

void mergeMax(std::vector<NgramCounts>& into, const std::vector<NgramCounts>& from) {
    for (size_t n = 0; n < from.size(); ++n) {
        for (const auto& [ngram, count] : from[n]) {
            int64_t& slot = into[n][ngram];
            slot = std::max(slot, count);
        }
    }
}

// Closest reference length; ties go to the shorter reference (sacreBLEU and multi-bleu.perl).
int64_t closestLength(int64_t hypLen, const std::vector<int64_t>& refLens) {
    int64_t bestDiff = -1;
    int64_t best = -1;
    for (const int64_t len : refLens) {
        const int64_t diff = std::llabs(hypLen - len);
        if (bestDiff < 0 || diff < bestDiff) {
            bestDiff = diff;
            best = len;
        } else if (diff == bestDiff && len < best) {
            best = len;
        }
    }
    return best;
}

double resolvedSmoothValue(const BleuOptions& options) {
    if (options.smoothValue) return *options.smoothValue;
    switch (options.smoothMethod) {
        case BleuSmoothing::Floor:
            return 0.1;
        case BleuSmoothing::AddK:
            return 1.0;
        default:
            return 0.0;
    }
}

// sacreBLEU's my_log: a huge negative number instead of -inf, so that exp() gives 0 cleanly.
double sacreLog(double x) { return x == 0.0 ? -9999999999.0 : std::log(x); }

}  // namespace

// --- sacreBLEU --------------------------------------------------------------------------------

BleuSmoothing parseBleuSmoothing(const std::string& name) {
    if (name == "exp") return BleuSmoothing::Exp;
    if (name == "floor") return BleuSmoothing::Floor;
    if (name == "add-k") return BleuSmoothing::AddK;
    if (name == "none") return BleuSmoothing::None;
    fail("", "unknown smoothing method '" + name + "' (expected exp, floor, add-k or none)");
}

std::string bleuSmoothingName(BleuSmoothing method) {
    switch (method) {
        case BleuSmoothing::None:
            return "none";
        case BleuSmoothing::Floor:
            return "floor";
        case BleuSmoothing::AddK:
            return "add-k";
        case BleuSmoothing::Exp:
            return "exp";
    }
    return "?";
}

void validateBleuOptions(const BleuOptions& options) {
    if (options.maxNgramOrder < 1) {
        fail("", "BLEU max n-gram order must be at least 1, not " +
                     std::to_string(options.maxNgramOrder));
    }
    if (options.smoothValue && !std::isfinite(*options.smoothValue))
        fail("", "BLEU smoothing value must be a finite number");
    if (options.smoothMethod == BleuSmoothing::AddK) {
        const double k = resolvedSmoothValue(options);
        if (k < 0 || k != std::floor(k) || k > 1e15) {
            fail("", format("add-k smoothing needs a whole number k >= 0, not %g", k));
        }
    }
}

std::string preprocessBleuSegment(const std::string& segment, const BleuOptions& options) {
    const std::string lowered = options.lowercase ? pythonLower(segment) : segment;
    return tokenizeBleu(pythonRstrip(lowered), options.tokenize);
}

BleuStats bleuSegmentStats(const std::string& hypothesis,
                           const std::vector<std::string>& references, int maxNgramOrder) {
    if (maxNgramOrder < 1) fail("", "BLEU max n-gram order must be at least 1");
    BleuStats stats;
    stats.correct.assign(static_cast<size_t>(maxNgramOrder), 0);
    stats.total.assign(static_cast<size_t>(maxNgramOrder), 0);

    std::vector<NgramCounts> refMax(static_cast<size_t>(maxNgramOrder));
    std::vector<int64_t> refLens;
    for (const std::string& ref : references) {
        const std::vector<std::string> tokens = pythonSplit(ref);
        refLens.push_back(static_cast<int64_t>(tokens.size()));
        mergeMax(refMax, countNgrams(tokens, maxNgramOrder));
    }
    const std::vector<std::string> hypTokens = pythonSplit(hypothesis);
    stats.sysLen = static_cast<int64_t>(hypTokens.size());
    stats.refLen = closestLength(stats.sysLen, refLens);
    accumulateMatches(countNgrams(hypTokens, maxNgramOrder), refMax, stats.correct, stats.total);
    return stats;
}

std::string bleuSignature(const BleuOptions& options, int numReferences, bool shortForm) {
    const std::string nrefs = numReferences < 0 ? "var" : std::to_string(numReferences);
    std::string smooth = bleuSmoothingName(options.smoothMethod);
    if (options.smoothMethod == BleuSmoothing::Floor || options.smoothMethod == BleuSmoothing::AddK)
        smooth += format("[%.2f]", resolvedSmoothValue(options));
    const std::string tok = bleuTokenizerName(options.tokenize);
    const char* caseName = options.lowercase ? "lc" : "mixed";
    const char* eff = options.effectiveOrder ? "yes" : "no";
    if (shortForm) {
        return "#:" + nrefs + "|c:" + caseName + "|e:" + eff + "|tok:" + tok + "|s:" + smooth +
               "|v:" + kSacreBleuVersion;
    }
    return "nrefs:" + nrefs + "|case:" + caseName + "|eff:" + eff + "|tok:" + tok +
           "|smooth:" + smooth + "|version:" + kSacreBleuVersion;
}

BleuResult computeBleu(const BleuStats& stats, const BleuOptions& options, int numReferences) {
    validateBleuOptions(options);
    const size_t order = static_cast<size_t>(options.maxNgramOrder);
    if (stats.correct.size() != order || stats.total.size() != order) {
        fail("", "BLEU statistics have " + std::to_string(stats.correct.size()) + "/" +
                     std::to_string(stats.total.size()) + " orders but max n-gram order is " +
                     std::to_string(order));
    }
    const double smoothValue = resolvedSmoothValue(options);

    BleuResult r;
    r.rawStats = stats;
    r.counts = stats.correct;
    r.totals = stats.total;
    r.sysLen = stats.sysLen;
    r.refLen = stats.refLen;
    r.precisions.assign(order, 0.0);
    if (stats.sysLen < stats.refLen) {
        r.bp = stats.sysLen > 0 ? std::exp(1.0 - static_cast<double>(stats.refLen) /
                                                     static_cast<double>(stats.sysLen))
                                : 0.0;
    } else {
        r.bp = 1.0;
    }
    r.ratio = stats.refLen > 0
                  ? static_cast<double>(stats.sysLen) / static_cast<double>(stats.refLen)
                  : 0.0;

    // No match at any order is 0 whatever the smoothing (sacreBLEU issue #141); this also
    // returns before add-k touches the counts.
    const bool anyMatch =
        std::any_of(stats.correct.begin(), stats.correct.end(), [](int64_t c) { return c != 0; });
    if (anyMatch) {
        double expFactor = 1.0;
        size_t effOrder = order;
        for (size_t n = 1; n <= order; ++n) {
            int64_t& correct = r.counts[n - 1];
            int64_t& total = r.totals[n - 1];
            if (options.smoothMethod == BleuSmoothing::AddK && n > 1) {
                correct += static_cast<int64_t>(smoothValue);
                total += static_cast<int64_t>(smoothValue);
            }
            if (total == 0) break;
            if (options.effectiveOrder) effOrder = n;
            double& p = r.precisions[n - 1];
            if (correct == 0) {
                if (options.smoothMethod == BleuSmoothing::Exp) {
                    expFactor *= 2.0;
                    p = 100.0 / (expFactor * static_cast<double>(total));
                } else if (options.smoothMethod == BleuSmoothing::Floor) {
                    p = 100.0 * smoothValue / static_cast<double>(total);
                }
            } else {
                p = 100.0 * static_cast<double>(correct) / static_cast<double>(total);
            }
        }
        double logSum = 0.0;
        for (size_t n = 0; n < effOrder; ++n) logSum += sacreLog(r.precisions[n]);
        r.score = r.bp * std::exp(logSum / static_cast<double>(effOrder));
    }

    std::string precisionText;
    for (size_t n = 0; n < order; ++n) {
        if (n > 0) precisionText += '/';
        precisionText += format("%.1f", r.precisions[n]);
    }
    r.formatted = format("BLEU = %.2f %s (BP = %.3f ratio = %.3f hyp_len = %lld ref_len = %lld)",
                         r.score, precisionText.c_str(), r.bp, r.ratio,
                         static_cast<long long>(r.sysLen), static_cast<long long>(r.refLen));
    r.signature = bleuSignature(options, numReferences, false);
    r.signatureShort = bleuSignature(options, numReferences, true);
    return r;
}

BleuResult corpusBleu(const std::vector<std::string>& hypotheses,
                      const ReferenceStreams& references, const BleuOptions& options) {
    validateBleuOptions(options);
    checkReferenceStreams(hypotheses.size(), references);
    const size_t order = static_cast<size_t>(options.maxNgramOrder);
    BleuStats sum;
    sum.correct.assign(order, 0);
    sum.total.assign(order, 0);
    std::vector<std::string> refs;
    for (size_t i = 0; i < hypotheses.size(); ++i) {
        refs.clear();
        for (const auto& stream : references) {
            if (stream[i]) refs.push_back(preprocessBleuSegment(*stream[i], options));
        }
        const BleuStats seg = bleuSegmentStats(preprocessBleuSegment(hypotheses[i], options), refs,
                                               options.maxNgramOrder);
        for (size_t n = 0; n < order; ++n) {
            sum.correct[n] += seg.correct[n];
            sum.total[n] += seg.total[n];
        }
        sum.sysLen += seg.sysLen;
        sum.refLen += seg.refLen;
    }
    return computeBleu(sum, options, countReferences(hypotheses.size(), references));
}

BleuResult sentenceBleu(const std::string& hypothesis, const std::vector<std::string>& references,
                        const BleuOptions& options) {
    ReferenceStreams streams;
    for (const std::string& ref : references) streams.push_back({ref});
    return corpusBleu({hypothesis}, streams, options);
}

BleuResult corpusBleuFiles(const std::string& hypothesisPath,
                           const std::vector<std::string>& referencePaths,
                           const BleuOptions& options) {
    const ScoredText text = readScoredFiles(hypothesisPath, referencePaths);
    return corpusBleu(text.hypotheses, text.references, options);
}

// --- multi-bleu.perl ----------------------------------------------------------------------------

namespace {

// perl's `split` on a byte string: runs of ASCII whitespace separate tokens, nothing else does.
std::vector<std::string> perlSplit(const std::string& line) {
    std::vector<std::string> tokens;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && std::string(" \t\n\r\f\v").find(line[i]) != std::string::npos)
            ++i;
        const size_t start = i;
        while (i < line.size() && std::string(" \t\n\r\f\v").find(line[i]) == std::string::npos)
            ++i;
        if (i > start) tokens.emplace_back(line, start, i - start);
    }
    return tokens;
}

// perl's lc without `use utf8` or a locale: ASCII letters only.
std::string perlLowercase(std::string line) {
    for (char& c : line) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return line;
}

double perlLog(double x) { return x == 0.0 ? -9999999999.0 : std::log(x); }

}  // namespace

MultiBleuResult multiBleuPerl(const std::vector<std::string>& hypotheses,
                              const std::vector<std::vector<std::string>>& references,
                              bool lowercase) {
    if (references.empty()) fail("", "multi-bleu: no reference given");
    for (size_t k = 0; k < references.size(); ++k) {
        if (references[k].size() != hypotheses.size()) {
            fail("", "multi-bleu: reference " + std::to_string(k + 1) + " has " +
                         std::to_string(references[k].size()) + " lines but there are " +
                         std::to_string(hypotheses.size()) + " hypotheses");
        }
    }
    constexpr int kOrder = 4;
    MultiBleuResult r;
    r.counts.assign(kOrder, 0);
    r.totals.assign(kOrder, 0);
    r.precisions.assign(kOrder, 0.0);
    for (size_t i = 0; i < hypotheses.size(); ++i) {
        const auto prepare = [&](const std::string& line) {
            return perlSplit(lowercase ? perlLowercase(line) : line);
        };
        const std::vector<std::string> hypTokens = prepare(hypotheses[i]);
        std::vector<NgramCounts> refMax(kOrder);
        std::vector<int64_t> refLens;
        for (const auto& stream : references) {
            const std::vector<std::string> tokens = prepare(stream[i]);
            refLens.push_back(static_cast<int64_t>(tokens.size()));
            mergeMax(refMax, countNgrams(tokens, kOrder));
        }
        const auto hypLen = static_cast<int64_t>(hypTokens.size());
        r.hypLen += hypLen;
        r.refLen += closestLength(hypLen, refLens);
        accumulateMatches(countNgrams(hypTokens, kOrder), refMax, r.counts, r.totals);
    }

    std::vector<double> fraction(kOrder, 0.0);
    for (int n = 0; n < kOrder; ++n) {
        if (r.totals[n] > 0)
            fraction[n] = static_cast<double>(r.counts[n]) / static_cast<double>(r.totals[n]);
    }
    if (r.refLen == 0) {
        // The script gives up with a fixed line (and exit status 1) when there is nothing to
        // compare against; the statistics it reports are all zero.
        r.exitCode = 1;
        r.formatted = "BLEU = 0, 0/0/0/0 (BP=0, ratio=0, hyp_len=0, ref_len=0)";
        r.hypLen = 0;
        r.refLen = 0;
        return r;
    }
    double bp = 1.0;
    if (r.hypLen < r.refLen) {
        if (r.hypLen == 0) {
            // perl dies with "Illegal division by zero" before printing anything.
            r.exitCode = 255;
            return r;
        }
        bp = std::exp(1.0 - static_cast<double>(r.refLen) / static_cast<double>(r.hypLen));
    }
    const double logSum =
        perlLog(fraction[0]) + perlLog(fraction[1]) + perlLog(fraction[2]) + perlLog(fraction[3]);
    const double bleu = bp * std::exp(logSum / 4.0);
    r.score = 100.0 * bleu;
    for (int n = 0; n < kOrder; ++n) r.precisions[n] = 100.0 * fraction[n];
    r.bp = bp;
    r.ratio = static_cast<double>(r.hypLen) / static_cast<double>(r.refLen);
    r.formatted =
        format("BLEU = %.2f, %.1f/%.1f/%.1f/%.1f (BP=%.3f, ratio=%.3f, hyp_len=%lld, ref_len=%lld)",
               r.score, r.precisions[0], r.precisions[1], r.precisions[2], r.precisions[3], r.bp,
               r.ratio, static_cast<long long>(r.hypLen), static_cast<long long>(r.refLen));
    return r;
}

// --- fairseq / HAT score.py ---------------------------------------------------------------------

namespace {

// fairseq's Dictionary as score.py builds it: the four special symbols first, then every new
// word in order of appearance. Only equality of ids matters for BLEU.
class FairseqDictionary {
  public:
    static constexpr int kPad = 1;
    static constexpr int kEos = 2;
    static constexpr int kUnk = 3;

    FairseqDictionary() : ids_{{"<s>", 0}, {"<pad>", kPad}, {"</s>", kEos}, {"<unk>", kUnk}} {}

    // Tokenizer.tokenize(line, dict, add_if_not_exist=True, append_eos=True). Its
    // re.sub(r"\s+", " ") + strip() + split() is exactly str.split().
    std::vector<int> encode(const std::string& line) {
        std::vector<int> ids;
        for (const std::string& word : pythonSplit(line)) {
            const auto [it, inserted] = ids_.emplace(word, static_cast<int>(ids_.size()));
            ids.push_back(it->second);
        }
        ids.push_back(kEos);
        return ids;
    }

  private:
    std::unordered_map<std::string, int> ids_;
};

// libbleu trims leading pads, then trailing eos/pad, but never removes index 0: an empty line
// keeps its eos and counts as one token.
std::vector<std::string> trimForLibbleu(const std::vector<int>& ids) {
    size_t begin = 0;
    while (begin < ids.size() && ids[begin] == FairseqDictionary::kPad) ++begin;
    size_t end = ids.size();  // exclusive
    if (begin < end) {
        size_t last = end - 1;
        while (last > begin &&
               (ids[last] == FairseqDictionary::kEos || ids[last] == FairseqDictionary::kPad))
            --last;
        end = last + 1;
    }
    std::vector<std::string> tokens;
    for (size_t i = begin; i < end; ++i) tokens.push_back(std::to_string(ids[i]));
    return tokens;
}

}  // namespace

FairseqBleuResult fairseqBleu(const std::vector<std::string>& hypotheses,
                              const std::vector<std::string>& references,
                              const FairseqBleuOptions& options) {
    if (options.order < 1 || options.order > 4)
        fail("", "fairseq BLEU order must be 1..4, not " + std::to_string(options.order));
    if (hypotheses.size() != references.size()) {
        fail("", "fairseq BLEU: " + std::to_string(hypotheses.size()) + " hypotheses but " +
                     std::to_string(references.size()) + " references");
    }
    if (hypotheses.empty()) fail("", "fairseq BLEU: no segments to score");

    constexpr int kOrder = 4;
    FairseqBleuResult r;
    r.counts.assign(kOrder, 0);
    r.totals.assign(kOrder, 0);
    FairseqDictionary dictionary;
    const auto prepare = [&](const std::string& line) {
        std::string text = options.splitCompounds ? splitCompounds(line) : line;
        if (options.ignoreCase) text = pythonLower(text);
        return dictionary.encode(text);
    };
    for (size_t i = 0; i < hypotheses.size(); ++i) {
        const std::vector<int> sysIds = prepare(hypotheses[i]);
        std::vector<int> refIds = prepare(references[i]);
        // Scorer.add: an unknown word in the reference must never count as a match.
        for (int& id : refIds) {
            if (id == FairseqDictionary::kUnk) id = -999;
        }
        const std::vector<std::string> sys = trimForLibbleu(sysIds);
        const std::vector<std::string> ref = trimForLibbleu(refIds);
        r.sysLen += static_cast<int64_t>(sys.size());
        r.refLen += static_cast<int64_t>(ref.size());
        accumulateMatches(countNgrams(sys, kOrder), countNgrams(ref, kOrder), r.counts, r.totals);
    }

    r.precisions.assign(kOrder, 0.0);
    for (int n = 0; n < kOrder; ++n) {
        if (r.totals[n] > 0)
            r.precisions[n] = static_cast<double>(r.counts[n]) / static_cast<double>(r.totals[n]);
    }
    const double sys = static_cast<double>(r.sysLen);
    const double ref = static_cast<double>(r.refLen);
    r.bp = std::min(1.0, std::exp(1.0 - ref / sys));
    r.ratio = sys / ref;
    double logSum = 0.0;
    for (int n = 0; n < options.order; ++n) {
        logSum += r.precisions[n] > 0 ? std::log(r.precisions[n])
                                      : -std::numeric_limits<double>::infinity();
    }
    r.score = r.bp * std::exp(logSum / options.order) * 100.0;

    r.formatted = format("BLEU%d = %.2f, ", options.order, r.score);
    for (int n = 0; n < options.order; ++n) {
        if (n > 0) r.formatted += '/';
        r.formatted += format("%.1f", r.precisions[n] * 100.0);
    }
    r.formatted += format(" (BP=%.3f, ratio=%.3f, syslen=%lld, reflen=%lld)", r.bp, r.ratio,
                          static_cast<long long>(r.sysLen), static_cast<long long>(r.refLen));
    return r;
}

}  // namespace hat

#pragma once
// Text handling shared by the BLEU and chrF scorers. The reference tools are Python (sacreBLEU,
// fairseq's score.py) and perl (multi-bleu.perl, HAT's compound splitting), so each helper copies
// one of their exact string semantics; a "close enough" tokenizer would shift scores.
// All strings are UTF-8. Functions that need code points throw hat::Error on invalid UTF-8,
// because Python would have refused to decode such a file in the first place.
#include <optional>
#include <string>
#include <vector>

namespace hat {

// --- UTF-8 ------------------------------------------------------------------------------------
std::u32string decodeUtf8(const std::string& text);
std::string encodeUtf8(const std::u32string& text);

// --- Python str semantics ---------------------------------------------------------------------
// str.isspace() for one code point. This is also what str.split(), str.strip() and re's \s use.
bool isPythonSpace(char32_t c);
// str.lower(): full Unicode case mapping (U+0130 -> "i\u0307", final sigma), no locale.
std::string pythonLower(const std::string& text);
// str.split() with no argument.
std::vector<std::string> pythonSplit(const std::string& text);
// str.rstrip() with no argument.
std::string pythonRstrip(const std::string& text);
// " ".join(text.split())
std::string normalizeSpaces(const std::string& text);

// --- sacreBLEU tokenizers ---------------------------------------------------------------------
enum class BleuTokenizer { None, Tok13a, Intl, Char };

// "none", "13a", "intl", "char"; throws hat::Error for anything else.
BleuTokenizer parseBleuTokenizer(const std::string& name);
std::string bleuTokenizerName(BleuTokenizer tokenizer);

// mteval-v13a as sacreBLEU's Tokenizer13a: splits ASCII punctuation and symbols only.
std::string tokenize13a(const std::string& line);
// mteval-v14 "international": splits Unicode punctuation (not next to digits) and symbols.
std::string tokenizeIntl(const std::string& line);
// A space between every pair of code points. The result is not whitespace-normalized: a space in
// the input stays, surrounded by separators, exactly like sacreBLEU's TokenizerChar.
std::string tokenizeChar(const std::string& line);
std::string tokenizeBleu(const std::string& line, BleuTokenizer tokenizer);

// --- HAT ----------------------------------------------------------------------------------------
// HAT's compound splitting before "normal BLEU": perl -ple 's{(\S)-(\S)}{$1 ##AT##-##AT## $2}g'.
// perl runs on bytes there, so \S is "not ASCII whitespace" and matching is byte by byte.
std::string splitCompounds(const std::string& line);

// --- segments and files -------------------------------------------------------------------------
// sacreBLEU's reference layout: refs[k][i] is reference k of segment i, and nullopt means segment
// i has no reference in stream k.
using ReferenceStreams = std::vector<std::vector<std::optional<std::string>>>;

// Throws hat::Error unless every stream has one entry per hypothesis and every segment has at
// least one reference. (The sacreBLEU API silently truncates to the shortest input instead; its
// CLI rejects, and so do we.)
void checkReferenceStreams(size_t numHypotheses, const ReferenceStreams& references);

// The reference count for signatures: the number of references every segment has, or -1
// ("var") when segments differ.
int countReferences(size_t numHypotheses, const ReferenceStreams& references);

// One segment per line, split on '\n' only (sacreBLEU opens files with newline="\n"); a final
// newline does not start an extra empty segment. Throws hat::Error "PATH: problem".
std::vector<std::string> readTextLines(const std::string& path);

struct ScoredText {
    std::vector<std::string> hypotheses;
    ReferenceStreams references;
};

// Reads a hypothesis file and reference files, checking that all have the same number of lines
// and are valid UTF-8. Errors name the offending file: "PATH: problem".
ScoredText readScoredFiles(const std::string& hypothesisPath,
                               const std::vector<std::string>& referencePaths);

}  // namespace hat

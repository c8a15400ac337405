#include "core/eval/text_tokenizers.h"

#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utypes.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <set>

#include "core/util/error.h"

namespace hat {

namespace {

[[noreturn]] void invalidUtf8(size_t offset) {
    fail("", "text is not valid UTF-8 (bad byte at offset " + std::to_string(offset) + ")");
}

// Strict decoding, as Python's "utf-8" codec: no overlong forms, no surrogates, nothing above
// U+10FFFF. Advances pos past the code point.
char32_t nextCodePoint(const std::string& s, size_t& pos) {
    const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
    const size_t start = pos;
    const unsigned char b0 = byte(pos);
    if (b0 < 0x80) {
        ++pos;
        return b0;
    }
    int extra;
    char32_t cp;
    char32_t minimum;
    if ((b0 & 0xE0) == 0xC0) {
        extra = 1;
        cp = b0 & 0x1F;
        minimum = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        extra = 2;
        cp = b0 & 0x0F;
        minimum = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        extra = 3;
        cp = b0 & 0x07;
        minimum = 0x10000;
    } else {
        invalidUtf8(start);
    }
    if (pos + static_cast<size_t>(extra) >= s.size()) invalidUtf8(start);
    for (int k = 1; k <= extra; ++k) {
        const unsigned char b = byte(pos + k);
        if ((b & 0xC0) != 0x80) invalidUtf8(start);
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) invalidUtf8(start);
    pos += static_cast<size_t>(extra) + 1;
    return cp;
}

void appendUtf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

bool isAsciiDigit(char32_t c) { return c >= '0' && c <= '9'; }

// re.sub for a two-character pattern: scanned left to right, a match consumes both characters
// and the next attempt starts after them; no match advances by one. The replacement is
// "\1 \2 " or, with leadingSpace, " \1 \2".
template <typename Str, typename First, typename Second>
Str substitutePairs(const Str& s, First first, Second second, bool leadingSpace) {
    using Char = typename Str::value_type;
    Str out;
    out.reserve(s.size() + s.size() / 2);
    size_t i = 0;
    while (i < s.size()) {
        if (i + 1 < s.size() && first(s[i]) && second(s[i + 1])) {
            if (leadingSpace) out += Char(' ');
            out += s[i];
            out += Char(' ');
            out += s[i + 1];
            if (!leadingSpace) out += Char(' ');
            i += 2;
        } else {
            out += s[i];
            ++i;
        }
    }
    return out;
}

// re.sub(r"(X)", r" \1 ") for a one-character class X.
template <typename Str, typename Pred>
Str padCharacters(const Str& s, Pred pred) {
    using Char = typename Str::value_type;
    Str out;
    out.reserve(s.size() * 2);
    for (const auto c : s) {
        if (pred(c)) {
            out += Char(' ');
            out += c;
            out += Char(' ');
        } else {
            out += c;
        }
    }
    return out;
}

void replaceAll(std::string& s, const std::string& from, const std::string& to) {
    if (from.empty()) return;
    std::string out;
    out.reserve(s.size());
    size_t pos = 0;
    while (true) {
        const size_t hit = s.find(from, pos);
        if (hit == std::string::npos) break;
        out.append(s, pos, hit - pos);
        out += to;
        pos = hit + from.size();
    }
    out.append(s, pos, std::string::npos);
    s.swap(out);
}

// The first 13a regex's class [\{-\~\[-\` -\&\(-\+\:-\@\/], spelled out as byte ranges.
bool is13aSymbol(char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u >= 0x7B && u <= 0x7E) || (u >= 0x5B && u <= 0x60) || (u >= 0x20 && u <= 0x26) ||
           (u >= 0x28 && u <= 0x2B) || (u >= 0x3A && u <= 0x40) || u == 0x2F;
}

bool hasCategory(char32_t c, uint32_t mask) {
    return (U_GET_GC_MASK(static_cast<UChar32>(c)) & mask) != 0;
}
bool isNumber(char32_t c) { return hasCategory(c, U_GC_N_MASK); }
bool isPunctuation(char32_t c) { return hasCategory(c, U_GC_P_MASK); }
bool isSymbol(char32_t c) { return hasCategory(c, U_GC_S_MASK); }

// perl's \s on a byte string without `use utf8`: ASCII whitespace only.
bool isPerlByteSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::u16string toUtf16(const std::string& text) {
    UErrorCode err = U_ZERO_ERROR;
    int32_t length = 0;
    u_strFromUTF8(nullptr, 0, &length, text.data(), static_cast<int32_t>(text.size()), &err);
    if (err != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(err)) fail("", "text is not valid UTF-8");
    std::u16string out(static_cast<size_t>(length), u'\0');
    err = U_ZERO_ERROR;
    u_strFromUTF8(reinterpret_cast<UChar*>(out.data()), length, &length, text.data(),
                  static_cast<int32_t>(text.size()), &err);
    if (U_FAILURE(err))
        fail("", std::string("UTF-8 to UTF-16 conversion failed: ") + u_errorName(err));
    return out;
}

std::string fromUtf16(const std::u16string& text) {
    UErrorCode err = U_ZERO_ERROR;
    int32_t length = 0;
    const auto* src = reinterpret_cast<const UChar*>(text.data());
    u_strToUTF8(nullptr, 0, &length, src, static_cast<int32_t>(text.size()), &err);
    if (err != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(err))
        fail("", std::string("UTF-16 to UTF-8 conversion failed: ") + u_errorName(err));
    std::string out(static_cast<size_t>(length), '\0');
    err = U_ZERO_ERROR;
    u_strToUTF8(out.data(), length, &length, src, static_cast<int32_t>(text.size()), &err);
    if (U_FAILURE(err))
        fail("", std::string("UTF-16 to UTF-8 conversion failed: ") + u_errorName(err));
    return out;
}

}  // namespace

std::u32string decodeUtf8(const std::string& text) {
    std::u32string out;
    out.reserve(text.size());
    size_t pos = 0;
    while (pos < text.size()) out += nextCodePoint(text, pos);
    return out;
}

std::string encodeUtf8(const std::u32string& text) {
    std::string out;
    out.reserve(text.size());
    for (const char32_t c : text) appendUtf8(out, c);
    return out;
}

bool isPythonSpace(char32_t c) {
    // Python's list differs from Unicode White_Space: it adds the information separators
    // U+001C..U+001F and has no U+200B.
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
           c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
           c == 0x202F || c == 0x205F || c == 0x3000;
}

std::string pythonLower(const std::string& text) {
    bool ascii = true;
    for (const char c : text) {
        if (static_cast<unsigned char>(c) >= 0x80) {
            ascii = false;
            break;
        }
    }
    if (ascii) {
        std::string out = text;
        for (char& c : out) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        return out;
    }
    decodeUtf8(text);  // reject invalid input with our message before ICU sees it
    const std::u16string src = toUtf16(text);
    const auto* srcPtr = reinterpret_cast<const UChar*>(src.data());
    const auto srcLen = static_cast<int32_t>(src.size());
    // "" selects the root locale: no Turkish or Lithuanian rules, like Python.
    UErrorCode err = U_ZERO_ERROR;
    const int32_t needed = u_strToLower(nullptr, 0, srcPtr, srcLen, "", &err);
    if (err != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(err))
        fail("", std::string("lowercasing failed: ") + u_errorName(err));
    std::u16string lowered(static_cast<size_t>(needed), u'\0');
    err = U_ZERO_ERROR;
    u_strToLower(reinterpret_cast<UChar*>(lowered.data()), needed, srcPtr, srcLen, "", &err);
    if (U_FAILURE(err)) fail("", std::string("lowercasing failed: ") + u_errorName(err));
    return fromUtf16(lowered);
}

std::vector<std::string> pythonSplit(const std::string& text) {
    std::vector<std::string> tokens;
    size_t pos = 0;
    size_t tokenStart = std::string::npos;
    while (pos < text.size()) {
        const size_t here = pos;
        const char32_t c = nextCodePoint(text, pos);
        if (isPythonSpace(c)) {
            if (tokenStart != std::string::npos) {
                tokens.emplace_back(text, tokenStart, here - tokenStart);
                tokenStart = std::string::npos;
            }
        } else if (tokenStart == std::string::npos) {
            tokenStart = here;
        }
    }
    if (tokenStart != std::string::npos) tokens.emplace_back(text, tokenStart);
    return tokens;
}

std::string pythonRstrip(const std::string& text) {
    size_t pos = 0;
    size_t keep = 0;
    while (pos < text.size()) {
        const char32_t c = nextCodePoint(text, pos);
        if (!isPythonSpace(c)) keep = pos;
    }
    return text.substr(0, keep);
}

std::string normalizeSpaces(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (const std::string& token : pythonSplit(text)) {
        if (!out.empty()) out += ' ';
        out += token;
    }
    return out;
}

BleuTokenizer parseBleuTokenizer(const std::string& name) {
    if (name == "13a") return BleuTokenizer::Tok13a;
    if (name == "none") return BleuTokenizer::None;
    if (name == "intl") return BleuTokenizer::Intl;
    if (name == "char") return BleuTokenizer::Char;
    fail("", "unknown tokenizer '" + name + "' (expected 13a, intl, char or none)");
}

std::string bleuTokenizerName(BleuTokenizer tokenizer) {
    switch (tokenizer) {
        case BleuTokenizer::None:
            return "none";
        case BleuTokenizer::Tok13a:
            return "13a";
        case BleuTokenizer::Intl:
            return "intl";
        case BleuTokenizer::Char:
            return "char";
    }
    return "?";
}

std::string tokenize13a(const std::string& input) {
    std::string line = input;
    replaceAll(line, "<skipped>", "");
    replaceAll(line, "-\n", "");
    replaceAll(line, "\n", " ");
    if (line.find('&') != std::string::npos) {
        // mteval unescapes only these four, in this order (so "&amp;lt;" becomes "<");
        // &apos; is left alone on purpose.
        replaceAll(line, "&quot;", "\"");
        replaceAll(line, "&amp;", "&");
        replaceAll(line, "&lt;", "<");
        replaceAll(line, "&gt;", ">");
    }
    line = " " + line + " ";
    // Every pattern below looks only at ASCII bytes, and UTF-8 continuation bytes are never
    // ASCII, so working on bytes gives the same result as Python working on code points.
    line = padCharacters(line, is13aSymbol);
    const auto nonDigit = [](char c) { return !isAsciiDigit(static_cast<unsigned char>(c)); };
    const auto digit = [](char c) { return isAsciiDigit(static_cast<unsigned char>(c)); };
    const auto periodComma = [](char c) { return c == '.' || c == ','; };
    const auto dash = [](char c) { return c == '-'; };
    line = substitutePairs(line, nonDigit, periodComma, false);
    line = substitutePairs(line, periodComma, nonDigit, true);
    line = substitutePairs(line, digit, dash, false);
    return normalizeSpaces(line);
}

std::string tokenizeIntl(const std::string& input) {
    std::u32string line = decodeUtf8(input);
    const auto notNumber = [](char32_t c) { return !isNumber(c); };
    line = substitutePairs(line, notNumber, isPunctuation, false);
    line = substitutePairs(line, isPunctuation, notNumber, true);
    line = padCharacters(line, isSymbol);
    return normalizeSpaces(encodeUtf8(line));
}

std::string tokenizeChar(const std::string& input) {
    std::string out;
    out.reserve(input.size() * 2);
    size_t pos = 0;
    while (pos < input.size()) {
        const char32_t c = nextCodePoint(input, pos);
        if (!out.empty()) out += ' ';
        appendUtf8(out, c);
    }
    return out;
}

std::string tokenizeBleu(const std::string& line, BleuTokenizer tokenizer) {
    switch (tokenizer) {
        case BleuTokenizer::None:
            return line;
        case BleuTokenizer::Tok13a:
            return tokenize13a(line);
        case BleuTokenizer::Intl:
            return tokenizeIntl(line);
        case BleuTokenizer::Char:
            return tokenizeChar(line);
    }
    return line;
}

std::string splitCompounds(const std::string& line) {
    std::string out;
    out.reserve(line.size() + line.size() / 4);
    size_t i = 0;
    while (i < line.size()) {
        if (i + 2 < line.size() && line[i + 1] == '-' && !isPerlByteSpace(line[i]) &&
            !isPerlByteSpace(line[i + 2])) {
            out += line[i];
            out += " ##AT##-##AT## ";
            out += line[i + 2];
            i += 3;
        } else {
            out += line[i];
            ++i;
        }
    }
    return out;
}

void checkReferenceStreams(size_t numHypotheses, const ReferenceStreams& references) {
    if (references.empty()) fail("", "no reference stream given");
    for (size_t k = 0; k < references.size(); ++k) {
        if (references[k].size() != numHypotheses) {
            fail("", "reference stream " + std::to_string(k + 1) + " has " +
                         std::to_string(references[k].size()) + " segments but there are " +
                         std::to_string(numHypotheses) + " hypotheses");
        }
    }
    for (size_t i = 0; i < numHypotheses; ++i) {
        bool any = false;
        for (const auto& stream : references) any = any || stream[i].has_value();
        if (!any) fail("", "segment " + std::to_string(i + 1) + " has no reference");
    }
}

int countReferences(size_t numHypotheses, const ReferenceStreams& references) {
    std::set<int> seen;
    for (size_t i = 0; i < numHypotheses; ++i) {
        int n = 0;
        for (const auto& stream : references) n += (i < stream.size() && stream[i]) ? 1 : 0;
        seen.insert(n);
    }
    if (seen.empty()) return static_cast<int>(references.size());
    return seen.size() == 1 ? *seen.begin() : -1;
}

std::vector<std::string> readTextLines(const std::string& path) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                         &std::fclose);
    if (!file) fail(path, std::string("cannot open: ") + std::strerror(errno));
    std::string data;
    char buffer[1 << 16];
    while (true) {
        const size_t got = std::fread(buffer, 1, sizeof buffer, file.get());
        data.append(buffer, got);
        if (got < sizeof buffer) break;
    }
    if (std::ferror(file.get())) fail(path, std::string("cannot read: ") + std::strerror(errno));

    std::vector<std::string> lines;
    size_t start = 0;
    while (start < data.size()) {
        const size_t end = data.find('\n', start);
        if (end == std::string::npos) {
            lines.emplace_back(data, start);
            break;
        }
        lines.emplace_back(data, start, end - start);
        start = end + 1;
    }
    return lines;
}

namespace {

void checkUtf8Lines(const std::string& path, const std::vector<std::string>& lines) {
    for (size_t i = 0; i < lines.size(); ++i) {
        try {
            decodeUtf8(lines[i]);
        } catch (const Error& e) {
            fail(path, "line " + std::to_string(i + 1) + ": " + e.what());
        }
    }
}

}  // namespace

ScoredText readScoredFiles(const std::string& hypothesisPath,
                               const std::vector<std::string>& referencePaths) {
    if (referencePaths.empty()) fail(hypothesisPath, "no reference file given");
    ScoredText text;
    text.hypotheses = readTextLines(hypothesisPath);
    checkUtf8Lines(hypothesisPath, text.hypotheses);
    for (const std::string& path : referencePaths) {
        std::vector<std::string> lines = readTextLines(path);
        if (lines.size() != text.hypotheses.size()) {
            const auto count = [](size_t n) {
                return std::to_string(n) + (n == 1 ? " line" : " lines");
            };
            fail(path, "has " + count(lines.size()) + " but " + hypothesisPath + " has " +
                           count(text.hypotheses.size()));
        }
        checkUtf8Lines(path, lines);
        text.references.emplace_back(lines.begin(), lines.end());
    }
    return text;
}

}  // namespace hat

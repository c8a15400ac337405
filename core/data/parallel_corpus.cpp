#include "core/data/parallel_corpus.h"

#include <zlib.h>

#include <filesystem>

#include "core/data/dictionary.h"
#include "core/data/subword_model.h"
#include "core/util/error.h"
#include "core/util/input_file.h"

namespace hat {

std::vector<std::string> readLines(const std::string& path) {
    requireRegularFile(path);  // gzopen would wait on a FIFO and read a directory as empty
    gzFile f = gzopen(path.c_str(), "rb");  // reads plain files as they are
    if (!f) fail(path, "cannot open file");
    std::vector<std::string> lines;
    std::string current;
    char buf[65536];
    int n;
    while ((n = gzread(f, buf, sizeof(buf))) > 0) {
        for (int i = 0; i < n; ++i) {
            if (buf[i] == '\n') {
                lines.push_back(std::move(current));
                current.clear();
            } else {
                current.push_back(buf[i]);
            }
        }
    }
    int err = 0;
    const char* msg = gzerror(f, &err);
    const std::string problem = (n < 0 || err < 0) ? std::string(msg ? msg : "read error") : "";
    gzclose(f);
    if (!problem.empty()) fail(path, "cannot read: " + problem);
    if (!current.empty()) lines.push_back(std::move(current));
    return lines;
}

ParallelText loadParallelText(const std::string& sourcePath, const std::string& targetPath) {
    ParallelText t;
    t.source = readLines(sourcePath);
    t.target = readLines(targetPath);
    if (t.source.empty()) fail(sourcePath, "corpus file is empty");
    if (t.target.empty()) fail(targetPath, "corpus file is empty");
    if (t.source.size() != t.target.size()) {
        fail(targetPath, "has " + std::to_string(t.target.size()) + " lines but " + sourcePath +
                             " has " + std::to_string(t.source.size()));
    }
    return t;
}

std::vector<std::string> splitWhitespace(const std::string& s) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) ++i;
        size_t j = i;
        while (j < s.size() && s[j] != ' ' && s[j] != '\t' && s[j] != '\r') ++j;
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

TokenizedCorpus tokenize(const ParallelText& text, const Dictionary& dict,
                         const SubwordModel* subwords, int maxTokens, const std::string& what) {
    TokenizedCorpus c;
    for (size_t i = 0; i < text.source.size(); ++i) {
        auto src = subwords ? subwords->encode(text.source[i]) : splitWhitespace(text.source[i]);
        auto tgt = subwords ? subwords->encode(text.target[i]) : splitWhitespace(text.target[i]);
        if (src.empty() || tgt.empty()) continue;
        if (static_cast<int>(src.size()) > maxTokens || static_cast<int>(tgt.size()) > maxTokens) continue;
        auto s = dict.encode(src), t = dict.encode(tgt);
        for (auto id : s) c.unknownTokens += id == Dictionary::kUnk;
        for (auto id : t) c.unknownTokens += id == Dictionary::kUnk;
        c.sourceTokens += static_cast<int64_t>(s.size());
        c.targetTokens += static_cast<int64_t>(t.size());
        c.line.push_back(static_cast<int64_t>(i));
        c.source.push_back(std::move(s));
        c.target.push_back(std::move(t));
    }
    if (c.size() == 0) fail(what, "no usable sentence pairs (empty or too long)");
    // EOS is one token per sentence; if everything else is <unk>, the dictionary is the wrong one.
    const int64_t words = c.sourceTokens + c.targetTokens - 2 * static_cast<int64_t>(c.size());
    if (words > 0 && c.unknownTokens == words) {
        fail(what, "every token is unknown to the dictionary: wrong dict.txt or subword model?");
    }
    return c;
}

}  // namespace hat

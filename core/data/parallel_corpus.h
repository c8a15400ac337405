#pragma once
// A sentence-aligned corpus: two text files (plain or .gz), line i of one translating line i of
// the other; tokenised into dictionary ids either by a SubwordModel or, for text that is already
// split into subwords (what HAT users have), by whitespace.
#include <cstdint>
#include <string>
#include <vector>

namespace hat {

class Dictionary;
class SubwordModel;

// Lines of a text file, .gz read transparently. Throws hat::Error naming the file.
std::vector<std::string> readLines(const std::string& path);

struct ParallelText {
    std::vector<std::string> source, target;
};
// Refuses missing files, different line counts and an empty corpus, naming the files.
ParallelText loadParallelText(const std::string& sourcePath, const std::string& targetPath);

// Token ids with EOS appended (fairseq's binarised form).
struct TokenizedCorpus {
    std::vector<std::vector<int32_t>> source, target;
    std::vector<int64_t> line;  // the text line each pair came from (some lines are dropped)
    int64_t sourceTokens = 0, targetTokens = 0, unknownTokens = 0;
    size_t size() const { return source.size(); }
};

// `subwords` null: the text is already split (space-separated symbols). Sentences longer than
// `maxTokens` symbols on either side are dropped (fairseq skips them too). Throws when every token
// maps to <unk> (a dictionary that does not belong to the text).
TokenizedCorpus tokenize(const ParallelText& text, const Dictionary& dict,
                         const SubwordModel* subwords, int maxTokens, const std::string& what);

std::vector<std::string> splitWhitespace(const std::string& s);

}  // namespace hat

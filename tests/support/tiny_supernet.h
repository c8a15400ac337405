#pragma once
// A small real fixture for search-level tests: the first `lines` pairs of the corpus's valid split
// as pre-split text with a dictionary built from them, and a randomly initialised space0
// SuperTransformer at width divisor 16 over that dictionary.
#include <filesystem>
#include <fstream>
#include <string>

#include "core/data/dictionary.h"
#include "core/data/parallel_corpus.h"
#include "core/model/checkpoint.h"
#include "support/fixtures.h"

namespace hat::test {

struct TinySupernet {
    std::string corpusDir;   // valid.en, valid.de, dict.txt
    std::string dictionary;
    std::string checkpoint;
};

inline TinySupernet makeTinySupernet(const std::string& root, size_t lines, uint64_t seed) {
    TinySupernet t;
    t.corpusDir = root + "/corpus";
    std::filesystem::create_directories(t.corpusDir);
    const auto en = readLines(sourcePath("data/corpus/en-de/valid.en.gz"));
    const auto de = readLines(sourcePath("data/corpus/en-de/valid.de.gz"));
    std::vector<std::vector<std::string>> words;
    {
        std::ofstream se(t.corpusDir + "/valid.en"), sd(t.corpusDir + "/valid.de");
        for (size_t i = 0; i < lines; ++i) {
            se << en[i] << "\n";
            sd << de[i] << "\n";
            words.push_back(splitWhitespace(en[i]));
            words.push_back(splitWhitespace(de[i]));
        }
    }
    const Dictionary dict = Dictionary::build(words);
    t.dictionary = t.corpusDir + "/dict.txt";
    dict.saveFairseq(t.dictionary);
    ModelOptions mo;
    mo.space = DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml"));
    mo.vocabSize = dict.size();
    mo.widthDivisor = 16;
    torch::manual_seed(seed);
    t.checkpoint = root + "/supernet.pt";
    saveSuperTransformer(SuperTransformer(mo), t.checkpoint);
    return t;
}

}  // namespace hat::test

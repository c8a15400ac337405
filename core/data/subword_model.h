#pragma once
// A joint SentencePiece subword model: trained by our code on the training text, then used to
// split sentences into pieces (the symbols of the Dictionary) and to join pieces back into text.
#include <memory>
#include <string>
#include <vector>

namespace hat {

struct SubwordTrainOptions {
    int vocabSize = 8000;
    std::string modelType = "unigram";  // or "bpe"
    double characterCoverage = 1.0;
    int inputSentenceSize = 0;  // 0: use every line
};

class SubwordModel {
public:
    ~SubwordModel();
    SubwordModel(SubwordModel&&) noexcept;
    SubwordModel& operator=(SubwordModel&&) noexcept;

    // Trains on the given text files (one sentence a line) and writes PREFIX.model / PREFIX.vocab.
    static void train(const std::vector<std::string>& inputFiles, const std::string& prefix,
                      const SubwordTrainOptions& options);
    static SubwordModel load(const std::string& modelPath);

    std::vector<std::string> encode(const std::string& text) const;
    std::string decode(const std::vector<std::string>& pieces) const;
    int pieceCount() const;
    const std::string& path() const { return path_; }

private:
    SubwordModel() = default;
    void* handle_ = nullptr;
    std::string path_;
};

}  // namespace hat

#pragma once
// fairseq's Dictionary: <s>=0, <pad>=1, </s>=2, <unk>=3, then symbols by descending count, padded
// to a multiple of 8 with "madeupwordNNNN" — so HAT checkpoints and ours index tokens alike.
// Reads and writes fairseq's dict.txt ("symbol count" per line, specials omitted).
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace hat {

class Dictionary {
public:
    static constexpr int32_t kBos = 0, kPad = 1, kEos = 2, kUnk = 3;

    Dictionary();
    // Counts symbols of already-split sentences, keeps those seen at least `threshold` times.
    static Dictionary build(const std::vector<std::vector<std::string>>& sentences,
                            int threshold = 1, int paddingFactor = 8);
    static Dictionary loadFairseq(const std::string& path);
    void saveFairseq(const std::string& path) const;

    int32_t index(const std::string& symbol) const;  // kUnk when unknown
    const std::string& symbol(int32_t index) const;
    int32_t size() const { return static_cast<int32_t>(symbols_.size()); }
    int64_t count(int32_t index) const { return counts_.at(index); }

    // Symbols -> ids with EOS appended (fairseq's encode_line with append_eos).
    std::vector<int32_t> encode(const std::vector<std::string>& symbols) const;
    // Ids -> symbols, dropping EOS and pad (what --remove-bpe sees before joining).
    std::vector<std::string> decode(const std::vector<int64_t>& ids) const;

private:
    void add(const std::string& symbol, int64_t count);
    std::vector<std::string> symbols_;
    std::vector<int64_t> counts_;
    std::unordered_map<std::string, int32_t> indices_;
};

}  // namespace hat

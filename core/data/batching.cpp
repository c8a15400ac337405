#include "core/data/batching.h"

#include <algorithm>
#include <numeric>

namespace hat {

std::vector<std::vector<int64_t>> makeBatches(const TokenizedCorpus& c, int64_t maxTokens,
                                              std::mt19937_64* rng) {
    std::vector<int64_t> order(c.size());
    std::iota(order.begin(), order.end(), 0);
    // Stable sort by source then target length: ties keep corpus order.
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
        return c.target[a].size() < c.target[b].size();
    });
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
        return c.source[a].size() < c.source[b].size();
    });
    std::vector<std::vector<int64_t>> batches;
    std::vector<int64_t> current;
    int64_t longest = 0;
    for (int64_t i : order) {
        const int64_t len = static_cast<int64_t>(std::max(c.source[i].size(), c.target[i].size()));
        const int64_t newLongest = std::max(longest, len);
        if (!current.empty() && newLongest * static_cast<int64_t>(current.size() + 1) > maxTokens) {
            batches.push_back(std::move(current));
            current.clear();
            longest = 0;
        }
        current.push_back(i);
        longest = std::max(longest, len);
    }
    if (!current.empty()) batches.push_back(std::move(current));
    if (rng) std::shuffle(batches.begin(), batches.end(), *rng);
    return batches;
}

Batch collate(const TokenizedCorpus& c, const std::vector<int64_t>& idsIn, int64_t pad,
              int64_t eos) {
    std::vector<int64_t> ids = idsIn;
    // fairseq sorts a batch by descending source length.
    std::stable_sort(ids.begin(), ids.end(), [&](int64_t a, int64_t b) {
        return c.source[a].size() > c.source[b].size();
    });
    const int64_t B = static_cast<int64_t>(ids.size());
    size_t S = 0, T = 0;
    for (int64_t i : ids) {
        S = std::max(S, c.source[i].size());
        T = std::max(T, c.target[i].size());
    }
    Batch b;
    b.source = torch::full({B, static_cast<int64_t>(S)}, pad, torch::kLong);
    b.target = torch::full({B, static_cast<int64_t>(T)}, pad, torch::kLong);
    b.prevOutput = torch::full({B, static_cast<int64_t>(T)}, pad, torch::kLong);
    auto src = b.source.accessor<int64_t, 2>();
    auto tgt = b.target.accessor<int64_t, 2>();
    auto prev = b.prevOutput.accessor<int64_t, 2>();
    for (int64_t r = 0; r < B; ++r) {
        const auto& s = c.source[ids[r]];
        const auto& t = c.target[ids[r]];
        const size_t offset = S - s.size();  // left padding
        for (size_t j = 0; j < s.size(); ++j) src[r][offset + j] = s[j];
        for (size_t j = 0; j < t.size(); ++j) tgt[r][j] = t[j];
        prev[r][0] = eos;
        for (size_t j = 0; j + 1 < t.size(); ++j) prev[r][j + 1] = t[j];
        b.ntokens += static_cast<int64_t>(t.size());
    }
    b.ids = ids;
    return b;
}

}  // namespace hat

#include "core/data/dictionary.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "core/util/error.h"
#include "core/util/input_file.h"

namespace hat {

Dictionary::Dictionary() {
    for (const char* s : {"<s>", "<pad>", "</s>", "<unk>"}) add(s, 1);
}

void Dictionary::add(const std::string& symbol, int64_t count) {
    indices_.emplace(symbol, static_cast<int32_t>(symbols_.size()));
    symbols_.push_back(symbol);
    counts_.push_back(count);
}

Dictionary Dictionary::build(const std::vector<std::vector<std::string>>& sentences, int threshold,
                             int paddingFactor) {
    std::map<std::string, int64_t> counts;  // ordered: ties break alphabetically, as fairseq's
    for (const auto& s : sentences) {       // finalize (sorted, then Counter.most_common)
        for (const auto& w : s) ++counts[w];
    }
    std::vector<std::pair<std::string, int64_t>> items(counts.begin(), counts.end());
    std::stable_sort(items.begin(), items.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    Dictionary d;
    for (const auto& [sym, n] : items) {
        if (n >= threshold && !d.indices_.count(sym)) d.add(sym, n);
    }
    for (int i = 0; paddingFactor > 1 && d.size() % paddingFactor != 0; ++i) {
        char name[32];
        std::snprintf(name, sizeof(name), "madeupword%04d", i);
        d.add(name, 0);
    }
    return d;
}

Dictionary Dictionary::loadFairseq(const std::string& path) {
    requireRegularFile(path);
    std::ifstream in(path);
    if (!in) fail(path, "cannot open file");
    Dictionary d;
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (line.empty()) continue;
        const auto sp = line.rfind(' ');
        if (sp == std::string::npos || sp == 0) {
            fail(path, "line " + std::to_string(lineNo) + ": expected '<symbol> <count>'");
        }
        const std::string sym = line.substr(0, sp);
        int64_t n = 0;
        try {
            size_t used = 0;
            n = std::stoll(line.substr(sp + 1), &used);
            if (used != line.size() - sp - 1) throw std::invalid_argument("trailing");
        } catch (const std::exception&) {
            // fairseq allows a "#fairseq:overwrite" flag after the count; nothing else.
            fail(path, "line " + std::to_string(lineNo) + ": bad count in '" + shownText(line) + "'");
        }
        if (d.indices_.count(sym)) {
            fail(path, "line " + std::to_string(lineNo) + ": duplicate symbol '" + shownText(sym) + "'");
        }
        d.add(sym, n);
    }
    if (d.size() == 4) fail(path, "dictionary has no symbols");
    return d;
}

void Dictionary::saveFairseq(const std::string& path) const {
    std::ofstream out(path);
    if (!out) fail(path, "cannot write file");
    for (int32_t i = 4; i < size(); ++i) out << symbols_[i] << ' ' << counts_[i] << '\n';
}

int32_t Dictionary::index(const std::string& symbol) const {
    const auto it = indices_.find(symbol);
    return it == indices_.end() ? kUnk : it->second;
}

const std::string& Dictionary::symbol(int32_t i) const { return symbols_.at(i); }

std::vector<int32_t> Dictionary::encode(const std::vector<std::string>& symbols) const {
    std::vector<int32_t> ids;
    ids.reserve(symbols.size() + 1);
    for (const auto& s : symbols) ids.push_back(index(s));
    ids.push_back(kEos);
    return ids;
}

std::vector<std::string> Dictionary::decode(const std::vector<int64_t>& ids) const {
    std::vector<std::string> out;
    for (int64_t id : ids) {
        if (id == kEos || id == kPad) continue;
        out.push_back(symbol(static_cast<int32_t>(id)));
    }
    return out;
}

}  // namespace hat

#include "core/latency/dataset_tail.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/util/error.h"

namespace hat {

TornRow findTornRow(const std::string& text) {
    if (text.empty() || text.back() == '\n') return {};
    const std::string header = LatencyDataset::csvHeader(true);
    const size_t lastNewline = text.rfind('\n');
    TornRow t;
    t.keepBytes = lastNewline == std::string::npos ? 0 : lastNewline + 1;
    t.bytes = text.size() - t.keepBytes;
    if (t.keepBytes == 0) {
        // One unterminated line: torn when it is (the start of) our header.
        if (header.compare(0, text.size(), text) != 0 || text.size() > header.size()) return {};
        t.line = 1;
        return t;
    }
    if (text.compare(0, text.find('\n'), header) != 0) return {};
    t.line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(t.keepBytes), '\n'));
    return t;
}

std::string tornRowNote(const std::string& file, const TornRow& torn) {
    return file + ":" + std::to_string(torn.line) + ": left out an unfinished last " +
           (torn.keepBytes == 0 ? "header" : "row") + " (" + std::to_string(torn.bytes) +
           " bytes without a newline) that an interrupted write left; `hat latency measure` "
           "replaces it when it resumes";
}

std::string readDatasetText(const std::string& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (!std::filesystem::exists(status)) fail(path, "cannot open the latency dataset: no such file");
    if (!std::filesystem::is_regular_file(status)) {
        fail(path, "is not a regular file, so not a latency dataset");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(path, "cannot open the latency dataset");
    std::stringstream ss;
    ss << in.rdbuf();
    if (in.bad()) fail(path, "cannot read the latency dataset");
    return ss.str();
}

LatencyDataset loadLatencyDataset(const std::string& path, TornRow* torn) {
    const std::string text = readDatasetText(path);
    if (torn) *torn = findTornRow(text);
    return LatencyDataset::parse(text, path);
}

}  // namespace hat

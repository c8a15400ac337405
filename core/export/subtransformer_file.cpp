#include "core/export/subtransformer_file.h"

#include <cctype>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/export/number_text.h"
#include "core/space/subconfig_io.h"
#include "core/util/error.h"
#include "core/util/safe_write.h"

namespace hat {

namespace {

std::string todayUtc() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[16];
    std::strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
    return buf;
}

std::string dateOf(const SubTransformerExportInfo& info) { return info.date.empty() ? todayUtc() : info.date; }

// A device or file name on one comment line: a newline would end the comment and turn the rest
// into YAML.
std::string oneLine(std::string s) {
    for (char& c : s) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    return s;
}

std::string proxyNote(int widthDivisor) {
    return "quality from a 1/" + std::to_string(widthDivisor) +
           "-width proxy SuperTransformer; latency predicted at full size";
}

bool known(const std::optional<double>& v) { return v && std::isfinite(*v); }

std::string lettersAndDigits(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c)) out += static_cast<char>(c);
    }
    return out;
}

}  // namespace

std::string subTransformerYaml(const SubConfig& config, const SubTransformerExportInfo& info) {
    std::string h = "# HAT SubTransformer, exported by HAT Explorer\n";
    if (!info.device.empty()) h += "# device: " + oneLine(info.device) + "\n";
    if (known(info.latencyMs)) h += "# predicted latency: " + fixedDecimals(*info.latencyMs, 1) + " ms\n";
    if (known(info.latencyUpperMs)) {
        h += "# predicted latency, 90% upper end: " + fixedDecimals(*info.latencyUpperMs, 1) + " ms\n";
    }
    if (known(info.validLoss)) h += "# validation loss: " + fixedDecimals(*info.validLoss, 4) + "\n";
    if (known(info.bleu)) h += "# BLEU: " + fixedDecimals(*info.bleu, 2) + "\n";
    if (!info.supernet.empty()) h += "# SuperTransformer: " + oneLine(info.supernet) + "\n";
    if (info.widthDivisor > 1) h += "# " + proxyNote(info.widthDivisor) + "\n";
    h += "# date: " + oneLine(dateOf(info)) + "\n";
    return h + subConfigToYaml(config);
}

std::string exportInfoJson(const SubTransformerExportInfo& info) {
    nlohmann::json e = nlohmann::json::object();
    if (!info.device.empty()) e["device"] = info.device;
    if (known(info.latencyMs)) e["latency_ms"] = *info.latencyMs;
    if (known(info.latencyUpperMs)) e["latency_upper_ms"] = *info.latencyUpperMs;
    if (known(info.validLoss)) e["valid_loss"] = *info.validLoss;
    if (known(info.bleu)) e["bleu"] = *info.bleu;
    if (!info.supernet.empty()) e["supernet"] = info.supernet;
    e["width_divisor"] = info.widthDivisor;
    if (info.widthDivisor > 1) e["quality_note"] = proxyNote(info.widthDivisor);
    e["date"] = dateOf(info);
    return e.dump();
}

std::string subTransformerJson(const SubConfig& config, const SubTransformerExportInfo& info) {
    nlohmann::json j = nlohmann::json::parse(subConfigToJson(config.trimmed()));
    j["export"] = nlohmann::json::parse(exportInfoJson(info));
    return j.dump(2) + "\n";
}

std::string deviceShortName(const std::string& device) {
    // HAT's devices are "hat/<task>_<cpu|gpu>_<hardware>"; the hardware part is what HAT's
    // released file names carry.
    if (device.rfind("hat/", 0) == 0) {
        const std::string stem = device.substr(4);
        const size_t a = stem.find('_');
        const size_t b = a == std::string::npos ? a : stem.find('_', a + 1);
        if (b != std::string::npos) {
            std::string hw = lettersAndDigits(stem.substr(b + 1));
            if (!hw.empty()) return hw;
        }
    }
    const std::string s = lettersAndDigits(device);
    return s.empty() ? "device" : s;
}

std::string hatFileName(const std::string& task, const SubTransformerExportInfo& info, const std::string& extension) {
    // HAT writes the task without punctuation ("wmt14ende" for wmt14.en-de).
    std::string name = "HAT";
    const std::string t = lettersAndDigits(task);
    if (!t.empty()) name += "_" + t;
    name += "_" + deviceShortName(info.device);
    if (known(info.latencyMs)) {
        const double ms = *info.latencyMs;
        // Decided on the rounded value, so 999.96 ms reads "1.0s" rather than "1000.0ms".
        if (std::round(ms * 10.0) / 10.0 >= 1000.0) name += "@" + fixedDecimals(ms / 1000.0, 1) + "s";
        else name += "@" + fixedDecimals(ms, 1) + "ms";
    }
    if (known(info.bleu)) name += "_bleu@" + fixedDecimals(*info.bleu, 2);
    else if (known(info.validLoss)) name += "_loss@" + fixedDecimals(*info.validLoss, 2);
    std::string ext;
    for (unsigned char c : extension) {
        if (std::isalnum(c)) ext += static_cast<char>(c);
    }
    if (!ext.empty()) name += "." + ext;
    return name;
}

void writeFileAtomically(const std::string& path, const std::string& content) {
    replaceFileAtomically(path, content.data(), content.size());
}

}  // namespace hat

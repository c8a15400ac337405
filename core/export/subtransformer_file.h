#pragma once
// A SubTransformer as a file to hand on: HAT's YAML (or our JSON) with a header saying where it
// was found and what it is predicted to cost, named the way HAT names its released configs.
// Needs only the architecture, so the CLI and the window write the same bytes.
#include <optional>
#include <string>

#include "core/space/sub_config.h"

namespace hat {

struct SubTransformerExportInfo {
    std::string device;                               // workspace device name, e.g. "hat/wmt14ende_cpu_raspberrypi"
    std::optional<double> latencyMs, latencyUpperMs;  // predicted at full size on that device
    std::optional<double> validLoss, bleu;            // measured on the SuperTransformer named below
    std::string supernet;                             // the SuperTransformer checkpoint's file name
    int widthDivisor = 1;                             // >1: quality comes from a 1/N-width proxy SuperTransformer
    std::string date;                                 // ISO 8601 date; empty: today (UTC)
};

// HAT's SubTransformer YAML (exactly subConfigToYaml's text, so HAT and parseSubConfigYaml read it)
// after a '#' comment header: device, predicted latency and 90% upper end, validation loss, BLEU,
// SuperTransformer, a proxy note when widthDivisor > 1, date. Unset fields are left out.
std::string subTransformerYaml(const SubConfig& config, const SubTransformerExportInfo& info);
// subConfigToJson's object (lists cut to the layer count) plus an "export" object holding the
// header fields; parseSubConfigJson reads it (it looks only at "encoder" and "decoder").
std::string subTransformerJson(const SubConfig& config, const SubTransformerExportInfo& info);
// The "export" object alone (compact JSON): device, latency_ms, latency_upper_ms, valid_loss, bleu,
// supernet, width_divisor, quality_note (proxy only), date.
std::string exportInfoJson(const SubTransformerExportInfo& info);

// The short hardware name HAT puts in its file names: "hat/wmt14ende_cpu_raspberrypi" ->
// "raspberrypi"; any other id keeps its letters and digits ("local/1t" -> "local1t").
std::string deviceShortName(const std::string& device);
// HAT's naming of its released SubTransformer configs, e.g.
// "HAT_wmt14ende_raspberrypi@4.1s_loss@5.45.yml", "HAT_wmt14ende_titanxp@126.0ms_bleu@28.10.yml":
// latency in s (1 decimal) from 1000 ms up, else in ms (1 decimal); bleu@ (2 decimals) when known,
// else loss@ (2 decimals). A part whose value is unknown is left out. Only [A-Za-z0-9._@-].
std::string hatFileName(const std::string& task, const SubTransformerExportInfo& info, const std::string& extension);

// Writes `content` to `path` through a temporary file in the same directory and a rename, so a
// failure never leaves a half-written file; throws hat::Error naming the path and the reason.
void writeFileAtomically(const std::string& path, const std::string& content);

}  // namespace hat

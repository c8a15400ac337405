#include "core/latency/device.h"

#include <algorithm>
#include <thread>

#include "core/util/error.h"

namespace hat {

namespace {

struct HatSet {
    const char* file;  // stem of HAT's latency_dataset/<stem>_all.csv
    const char* task;
    const char* taskName;
    const char* hardware;
    const char* name;
    int runs;  // HAT's latiter for that device (HAT_SPEC §9)
};

const HatSet kHatSets[] = {
    {"iwslt14deen_gpu_titanxp", "iwslt14.de-en", "IWSLT14 De-En", "NVIDIA TITAN Xp", "NVIDIA TITAN Xp", 20},
    {"wmt14ende_cpu_raspberrypi", "wmt14.en-de", "WMT14 En-De", "ARM Cortex-A72", "Raspberry Pi 4 (ARM Cortex-A72)", 2},
    {"wmt14ende_cpu_xeon", "wmt14.en-de", "WMT14 En-De", "Intel Xeon E5-2640", "Intel Xeon E5-2640", 20},
    {"wmt14ende_gpu_titanxp", "wmt14.en-de", "WMT14 En-De", "NVIDIA TITAN Xp", "NVIDIA TITAN Xp", 20},
    {"wmt14enfr_cpu_raspberrypi", "wmt14.en-fr", "WMT14 En-Fr", "ARM Cortex-A72", "Raspberry Pi 4 (ARM Cortex-A72)", 2},
    {"wmt14enfr_cpu_xeon", "wmt14.en-fr", "WMT14 En-Fr", "Intel Xeon E5-2640", "Intel Xeon E5-2640", 20},
    {"wmt14enfr_gpu_titanxp", "wmt14.en-fr", "WMT14 En-Fr", "NVIDIA TITAN Xp", "NVIDIA TITAN Xp", 20},
    {"wmt19ende_gpu_titanxp", "wmt19.en-de", "WMT19 En-De", "NVIDIA TITAN Xp", "NVIDIA TITAN Xp", 20},
};

}  // namespace

std::string Device::resolve(const std::string& dataDir, const std::string& relative) const {
    if (relative.empty()) return {};
    return dataDir.empty() ? relative : dataDir + "/" + relative;
}

Device localDevice(int threads) {
    Device d;
    d.id = "local/" + std::to_string(threads) + "t";
    d.name = "This machine, " + std::to_string(threads) + " thread" + (threads == 1 ? "" : "s");
    d.hardware = "this CPU (LibTorch)";
    d.local = true;
    d.threads = threads;
    d.spacePath = "spaces/space0.yml";
    if (threads == 1) {
        // The dataset measured for the repository (hat latency measure, 1 thread).
        d.datasetPath = "latency/local/space0_1t.csv";
        d.predictorPath = "latency/local/space0_1t.pt";
    }
    d.provenance = "measured here with LibTorch in inference mode (hat latency measure): batch 1, "
                   "30 source tokens, 30 incremental decoder steps at beam 5 with the output "
                   "projection; the protocol is recorded on every row";
    return d;
}

std::vector<Device> builtinDevices() {
    std::vector<Device> out;
    for (const auto& s : kHatSets) {
        Device d;
        d.id = std::string("hat/") + s.file;
        d.name = std::string(s.name) + " - " + s.taskName;
        d.hardware = s.hardware;
        d.task = s.task;
        d.spacePath = "spaces/latency_space.yml";
        d.datasetPath = std::string("latency/hat/") + s.file + "_all.csv";
        // Our predictor trained on the whole CSV (hat predictor train); present for the devices
        // the demo searches (space0 tasks), trained on demand for the others.
        d.predictorPath = std::string("latency/hat/") + s.file + ".pt";
        d.provenance = std::string("HAT (Wang et al. 2020), latency_dataset/") + s.file +
                       "_all.csv, MIT licence (data/latency/hat/LICENSE-HAT): 2000 sampled "
                       "SubTransformers, " + std::to_string(s.runs) +
                       " timed runs each, PyTorch in training mode with autograd on";
        out.push_back(d);
    }
    out.push_back(localDevice(1));
    const int all = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    if (all > 1) out.push_back(localDevice(all));
    return out;
}

Device findDevice(const std::string& id) {
    std::string known;
    for (const auto& d : builtinDevices()) {
        if (d.id == id) return d;
        known += (known.empty() ? "" : ", ") + d.id;
    }
    throw Error("unknown device '" + id + "' (known: " + known + ")");
}

}  // namespace hat

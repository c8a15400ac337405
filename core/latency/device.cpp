#include "core/latency/device.h"

#include <algorithm>
#include <thread>

#include "core/latency/runtime.h"
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

Device localDevice(int threads, const std::string& runtime) {
    const RuntimeSpec& r = findRuntime(runtime);
    const bool fp32 = runtime == "fp32";
    Device d;
    d.id = "local/" + std::to_string(threads) + "t" + (fp32 ? "" : "/" + runtime);
    d.name = "This machine, " + std::to_string(threads) + " thread" + (threads == 1 ? "" : "s") +
             (fp32 ? "" : ", " + r.name);
    d.hardware = "this CPU (LibTorch)";
    d.local = true;
    d.threads = threads;
    d.runtime = runtime;
    d.spacePath = "spaces/space0.yml";
    if (threads == 1) {
        // The datasets measured for the repository (hat latency measure, 1 thread).
        const std::string stem = "latency/local/space0_1t" + (fp32 ? "" : "_" + runtime);
        d.datasetPath = stem + ".csv";
        d.predictorPath = stem + ".pt";
    }
    d.provenance = "measured here with LibTorch in inference mode (hat latency measure): batch 1, "
                   "30 source tokens, 30 incremental decoder steps at beam 5 with the output "
                   "projection; runtime " + runtime + " (" + r.detail +
                   "); the protocol is recorded on every row";
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
    const int all = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    for (const int threads : {1, all}) {
        if (threads == all && all == 1) break;
        for (const auto& r : knownRuntimes()) {
            if (r.hasKernels) out.push_back(localDevice(threads, r.id));
        }
    }
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

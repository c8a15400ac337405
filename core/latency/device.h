#pragma once
// A device: a named latency model over a design space, with where its data came from
// (ARCHITECTURE "Devices"). Built in: the devices HAT measured (its latency CSVs, per task) and
// this machine through LibTorch at a chosen thread count (1 thread and all cores are two devices).
#include <string>
#include <vector>

namespace hat {

struct Device {
    std::string id;          // stable key, e.g. "hat/wmt14ende_cpu_raspberrypi", "local/1t"
    std::string name;        // for people, e.g. "Raspberry Pi 4 (ARM Cortex-A72)"
    std::string hardware;    // "ARM Cortex-A72", "Intel Xeon E5-2640", "NVIDIA TITAN Xp", CPU model
    std::string task;        // "wmt14.en-de" ... for HAT's devices, "" for local ones
    bool local = false;      // measured here with LibTorch
    int threads = 0;         // local devices: LibTorch intra-op threads
    std::string runtime = "fp32";  // how it executes (runtime.h); HAT's devices are fp32 PyTorch
    // Paths relative to the repository's data/ directory ("" when there is none yet).
    std::string spacePath;      // design space its samples were drawn from
    std::string datasetPath;    // latency CSV (HAT's format)
    std::string predictorPath;  // trained predictor
    std::string provenance;     // who measured it, how, and under which licence

    // `dataDir` joined with a relative path from above.
    std::string resolve(const std::string& dataDir, const std::string& relative) const;
};

// HAT's eight measured devices, then this machine at 1 thread and at every hardware thread, each
// under every runtime LibTorch has kernels for (issue 16: a device is hardware x runtime x threads).
std::vector<Device> builtinDevices();
// This machine at `threads` LibTorch threads under `runtime`: "local/1t" (fp32),
// "local/1t/int8", "local/2t/fp32-onednn", ...
Device localDevice(int threads, const std::string& runtime = "fp32");
// Throws hat::Error listing the known ids when `id` is not one of builtinDevices().
Device findDevice(const std::string& id);

}  // namespace hat

// Fuzz target: latency predictor files (core/latency/predictor_file: readPredictorFile), ours and
// HAT's bare state dicts, read from memory as the workspace reads the copy kept in its database.
// A predictor that loads must answer for an architecture of its space; its zip records' CRCs
// are repaired first (see fuzz_checkpoint.cpp).
#include "core/latency/predictor_file.h"
#include "core/space/arch_metrics.h"
#include "core/space/sub_config.h"
#include "fuzz_support.h"
#include "zip_crc.h"

using namespace hat;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    torch::set_num_threads(1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::vector<uint8_t> bytes = fuzz::withRepairedZipCrcs(data, size);
    const std::vector<char> file(bytes.begin(), bytes.end());
    static const LatencyFeatures features =
        latencyFeatures(SubConfig::smallest(fuzz::space0()));
    return fuzz::cleanly([&] {
        // 300: the Xeon's lat_norm, so HAT's bare files load too.
        const PredictorModel m = readPredictorFile(file, "fuzz-predictor.pt", 300.0);
        (void)m.estimate({features});
    });
}

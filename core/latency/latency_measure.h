#pragma once
// Measuring SubTransformer latency on this machine with LibTorch (HAT_SPEC §9, in inference mode):
// batch 1, a source of srcLen tokens encoded once, then tgtLen incremental decoder steps at beam
// width `beam`, each including the output projection over the vocabulary. Every part is warmed up,
// timed `runs` times and summarised by a trimmed mean and standard deviation.
//
// No torch types here (the UI calls this); the model lives in the .cpp.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/latency/latency_dataset.h"
#include "core/space/design_space.h"
#include "core/space/sub_config.h"
#include "core/util/progress.h"

namespace hat {


struct MeasureOptions {
    int threads = 1;      // LibTorch intra-op threads (1 and all cores are two devices)
    int warmups = 2;
    int runs = 5;
    int srcLen = 30;      // HAT: 30 for WMT, 23 for IWSLT
    int tgtLen = 30;
    int beam = 5;         // HAT's generation default, which its latency runs used
    // Output projection width. HAT's WMT joint dictionary has about 32k entries; the projection
    // is the largest single product of a decoder step, so this matters.
    int vocab = 32768;
    uint64_t weightSeed = 1;  // random weights: latency does not depend on their values
    std::string runtime = "fp32";  // runtime.h; recorded in every row's protocol
};

// The runs kept after trimming: the slowest max(1, n/10) and fastest n/10 are dropped (HAT's
// rule) when at least 3 runs were taken; with 1 or 2 runs nothing is dropped (HAT would keep only
// the faster of two, which is a minimum, not a mean).
struct TrimmedStats {
    double meanMs = 0.0;
    double sdMs = 0.0;  // population sd of the kept runs
    int trimLow = 0, trimHigh = 0;
};
TrimmedStats trimmedStats(std::vector<double> runsMs);

// The CPU, its core count, LibTorch's version and the BLAS in use, without commas.
std::string machineDescription();
MeasurementProtocol protocolFor(const MeasureOptions& options);

// Builds the SuperTransformer for `space` once (full widths, random weights) and measures
// SubConfigs of it.
class LatencyMeter {
public:
    LatencyMeter(const DesignSpace& space, const MeasureOptions& options);
    ~LatencyMeter();
    LatencyMeter(const LatencyMeter&) = delete;
    LatencyMeter& operator=(const LatencyMeter&) = delete;

    // Validates `config` against the space, then measures it. The sample carries the protocol
    // and the gene. `cancel` is checked between runs; a cancelled measurement throws Cancelled.
    // Leaves LibTorch at the thread count it found.
    LatencySample measure(const SubConfig& config, const CancelToken* cancel = nullptr);
    const MeasureOptions& options() const;
    const DesignSpace& space() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Measures samples HAT's way (sample i is sampleConfigHat(space, seed + i)) into `outPath`, one
// row appended and flushed per sample. An existing file is resumed: its rows must be samples
// 0..k-1 of the same seed, measured with the same protocol on this machine, or it is refused.
// Stops early, keeping every finished row, when `cancel` is set. Returns the rows in the file.
// Reports rows in the file over `samples` after each one ("measured 12 of 320 SubTransformers
// (last 431.2 ms)"); a resumed file's first report is where it resumed.
int measureDataset(const DesignSpace& space, const MeasureOptions& options, int samples,
                   uint64_t seed, const std::string& outPath, const CancelToken* cancel = nullptr,
                   const ProgressSink& progress = {});

// Appends one measured sample to a dataset file (created with our header when missing). A file
// measured with another protocol is refused: its numbers would not be comparable.
void appendSample(const std::string& path, const LatencySample& sample);

}  // namespace hat

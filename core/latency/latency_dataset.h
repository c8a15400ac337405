#pragma once
// Latency datasets in HAT's CSV format (HAT_SPEC §8-§9): one row per measured SubTransformer, the
// 10 latency features then encoder/decoder mean and std in ms. Our own measurements append the
// protocol they were taken with and the gene, after HAT's 14 columns, so HAT's latency_predictor.py
// (which reads the first 12 fields of a line) still reads our files.
#include <cstdint>
#include <string>
#include <vector>

#include "core/space/arch_metrics.h"
#include "core/space/gene.h"

namespace hat {

// How a sample was measured (STYLE §9): two numbers are only comparable when these agree.
struct MeasurementProtocol {
    int warmups = 0;
    int runs = 0;       // timed runs per part (encoder, decoder)
    int trimLow = 0;    // fastest runs dropped before the mean
    int trimHigh = 0;   // slowest runs dropped before the mean
    int threads = 0;
    int srcLen = 0;
    int tgtLen = 0;     // incremental decoder steps
    int beam = 0;
    int vocab = 0;      // output projection width
    std::string machine;  // CPU, core count, LibTorch and BLAS; no commas (CSV)
    // How the SubTransformer was executed (runtime.h). HAT's rows and files without a `runtime`
    // column are fp32; an fp32 file is written without the column, as before issue 16.
    std::string runtime = "fp32";

    bool known() const { return runs > 0; }
    // Equal in everything that changes the numbers (the machine included).
    bool sameAs(const MeasurementProtocol& o) const;
    std::string summary() const;
};

struct LatencySample {
    LatencyFeatures features{};
    double encoderMs = 0.0;
    double decoderMs = 0.0;
    double encoderStdMs = 0.0;
    double decoderStdMs = 0.0;
    MeasurementProtocol protocol;  // unknown (runs == 0) for HAT's rows
    Gene gene;                     // empty when the file does not record it (HAT's rows)

    // HAT's predictor target: encoder mean + decoder mean.
    double totalMs() const { return encoderMs + decoderMs; }
};

struct LatencyDataset {
    std::string source;  // file it was read from, for messages
    std::vector<LatencySample> samples;

    size_t size() const { return samples.size(); }
    std::vector<double> totalsMs() const;
    // The rows at `indices`, same source.
    LatencyDataset subset(const std::vector<size_t>& indices) const;

    // Reads HAT's CSV (with or without our protocol columns). A malformed row is refused with
    // "FILE:LINE: problem".
    static LatencyDataset load(const std::string& path);
    static LatencyDataset parse(const std::string& text, const std::string& file);
    // Writes HAT's 14 columns, plus the protocol columns when any row has a protocol.
    void save(const std::string& path) const;
    std::string toCsv() const;

    // The header line (no newline) and one row, for writers that append row by row.
    // `withRuntime` adds the `runtime` column (before `machine`): files of non-fp32 rows.
    static std::string csvHeader(bool withProtocol, bool withRuntime = false);
    static std::string csvRow(const LatencySample& sample, bool withProtocol, bool withRuntime = false);
    // A file of `sample`'s runtime carries the runtime column unless it is fp32.
    static bool needsRuntimeColumn(const LatencySample& sample) { return sample.protocol.runtime != "fp32"; }
};

// A fixed, seeded split of n rows: `testFraction` of them (rounded) go to `test`. The same
// (n, fraction, seed) always gives the same split, on every platform.
struct DatasetSplit {
    std::vector<size_t> train, test;
};
DatasetSplit splitRows(size_t n, double testFraction, uint64_t seed);

// A platform-independent shuffle of 0..n-1 (Fisher-Yates on SplitMix64).
std::vector<size_t> shuffledIndices(size_t n, uint64_t seed);

}  // namespace hat

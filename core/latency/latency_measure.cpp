#include "core/latency/latency_measure.h"

#include <cstdio>

#include <torch/torch.h>
#include <torch/version.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/latency/dataset_tail.h"
#include "core/latency/materialized_transformer.h"
#include "core/latency/runtime.h"
#include "core/model/super_transformer.h"
#include "core/space/gene.h"
#include "core/space/sampling.h"
#include "core/util/blas_check.h"
#include "core/util/error.h"
#include "core/util/progress.h"
#include "core/util/safe_write.h"

namespace hat {

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

std::string cpuModel() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            if (colon != std::string::npos) {
                auto s = line.substr(colon + 1);
                s.erase(0, s.find_first_not_of(' '));
                return s;
            }
        }
    }
    return "unknown CPU";
}

}  // namespace

TrimmedStats trimmedStats(std::vector<double> runs) {
    TrimmedStats s;
    if (runs.empty()) return s;
    std::sort(runs.begin(), runs.end());
    const int n = static_cast<int>(runs.size());
    if (n >= 3) {
        s.trimLow = n / 10;
        s.trimHigh = std::max(1, n / 10);
    }
    const int first = s.trimLow, last = n - s.trimHigh;  // keeps [first, last)
    const double k = last - first;
    double sum = 0;
    for (int i = first; i < last; ++i) sum += runs[i];
    s.meanMs = sum / k;
    double var = 0;
    for (int i = first; i < last; ++i) var += (runs[i] - s.meanMs) * (runs[i] - s.meanMs);
    s.sdMs = std::sqrt(var / k);
    return s;
}

std::string machineDescription() {
    std::string blas = activeBlas().library;
    // Debian installs every BLAS as .../<flavour>/libblas.so.3: the directory names it.
    if (blas.empty()) {
        blas = "unknown BLAS";
    } else {
        const std::filesystem::path path(blas);
        blas = path.parent_path().filename().string() + "/" + path.filename().string();
    }
    std::string s = cpuModel() + " (" + std::to_string(std::thread::hardware_concurrency()) +
                    " hardware threads); LibTorch " + TORCH_VERSION + "; " + blas;
    for (char& c : s) {
        if (c == ',') c = ';';
    }
    return s;
}

MeasurementProtocol protocolFor(const MeasureOptions& o) {
    MeasurementProtocol p;
    p.warmups = o.warmups;
    p.runs = o.runs;
    const auto t = trimmedStats(std::vector<double>(o.runs, 1.0));
    p.trimLow = t.trimLow;
    p.trimHigh = t.trimHigh;
    p.threads = o.threads;
    p.srcLen = o.srcLen;
    p.tgtLen = o.tgtLen;
    p.beam = o.beam;
    p.vocab = o.vocab;
    p.machine = machineDescription();
    p.runtime = o.runtime;
    return p;
}

struct LatencyMeter::Impl {
    DesignSpace space;
    MeasureOptions options;
    MeasurementProtocol protocol;
    SuperTransformer model{nullptr};
};

LatencyMeter::LatencyMeter(const DesignSpace& space, const MeasureOptions& o)
    : impl_(std::make_unique<Impl>()) {
    if (o.threads < 1 || o.runs < 1 || o.warmups < 0 || o.srcLen < 1 || o.tgtLen < 1 ||
        o.beam < 1 || o.vocab < 8) {
        throw Error("measurement needs threads, runs, lengths and beam >= 1 and a vocabulary >= 8");
    }
    const RuntimeSupport support = runtimeSupport(o.runtime);  // an unknown id throws, listing
    if (!support.executes) throw Error("runtime '" + o.runtime + "' cannot be measured here: " + support.reason);
    space.validate();
    impl_->space = space;
    impl_->options = o;
    impl_->protocol = protocolFor(o);
    ModelOptions mo;
    mo.space = space;
    mo.vocabSize = o.vocab;
    torch::manual_seed(o.weightSeed);
    impl_->model = SuperTransformer(mo);
    impl_->model->eval();
}

LatencyMeter::~LatencyMeter() = default;
const MeasureOptions& LatencyMeter::options() const { return impl_->options; }
const DesignSpace& LatencyMeter::space() const { return impl_->space; }

LatencySample LatencyMeter::measure(const SubConfig& config, const CancelToken* cancel) {
    config.validate(impl_->space);
    const auto& o = impl_->options;
    // The caller's thread count comes back afterwards (the explorer's worker evaluates fitness
    // with every core between measurements on one).
    struct ThreadsRestorer {
        int saved = at::get_num_threads();
        ~ThreadsRestorer() { at::set_num_threads(saved); }
    } restoreThreads;
    at::set_num_threads(o.threads);
    auto checkCancel = [&] {
        if (cancel && cancel->cancelled()) throw Cancelled();
    };
    torch::InferenceMode inference;
    // Copy the SubTransformer's weights out once, before any timing.
    const MaterializedTransformer m(*impl_->model, config, o.runtime);

    // HAT's inputs: a source of EOS then filler, a target prefix of filler then EOS (§9).
    auto src = torch::full({1, o.srcLen}, 7, torch::kLong);
    src[0][0] = 2;
    auto prev = torch::full({o.beam, o.tgtLen}, 7, torch::kLong);
    prev.select(1, o.tgtLen - 1).fill_(2);

    auto encodeOnce = [&] { return m.encode(src); };
    const EncoderOutput enc1 = encodeOnce();
    const EncoderOutput enc = enc1.reordered(torch::zeros({o.beam}, torch::kLong));
    auto decodeOnce = [&] {
        DecoderState state = m.initialState();
        torch::Tensor logits;
        for (int k = 0; k < o.tgtLen; ++k) logits = m.decodeStep(prev.slice(1, 0, k + 1), enc, state);
        return logits;
    };

    for (int i = 0; i < o.warmups; ++i) encodeOnce();
    std::vector<double> encRuns, decRuns;
    for (int i = 0; i < o.runs; ++i) {
        checkCancel();
        const auto t0 = Clock::now();
        encodeOnce();
        encRuns.push_back(msSince(t0));
    }
    for (int i = 0; i < o.warmups; ++i) {
        checkCancel();
        decodeOnce();
    }
    for (int i = 0; i < o.runs; ++i) {
        checkCancel();
        const auto t0 = Clock::now();
        decodeOnce();
        decRuns.push_back(msSince(t0));
    }
    const auto e = trimmedStats(encRuns), d = trimmedStats(decRuns);
    LatencySample s;
    s.features = latencyFeatures(config);
    s.encoderMs = e.meanMs;
    s.decoderMs = d.meanMs;
    s.encoderStdMs = e.sdMs;
    s.decoderStdMs = d.sdMs;
    s.protocol = impl_->protocol;
    s.gene = configToGene(config, impl_->space);
    return s;
}

void appendSample(const std::string& path, const LatencySample& sample) {
    // The file as it stands, less a torn last row an older version may have left: the new row
    // takes its place (appendWhole), so a resumed dataset reads cleanly.
    std::error_code ec;
    const std::string text =
        std::filesystem::exists(path, ec) ? readDatasetText(path) : std::string();
    const TornRow torn = findTornRow(text);
    const size_t keep = torn ? torn.keepBytes : text.size();
    const bool withRuntime = LatencyDataset::needsRuntimeColumn(sample);
    const std::string header = LatencyDataset::csvHeader(true, withRuntime);
    if (keep > 0) {
        const auto d = LatencyDataset::parse(text, path);
        for (size_t i = 0; i < d.samples.size(); ++i) {
            if (!d.samples[i].protocol.sameAs(sample.protocol)) {
                fail(path, "line " + std::to_string(i + 2) + " was measured with another protocol (" +
                               d.samples[i].protocol.summary() + "); this sample: " +
                               sample.protocol.summary());
            }
        }
        // Rows with our columns appended under another header would make the file unreadable.
        if (text.compare(0, text.find('\n'), header) != 0) {
            fail(path, "has other columns than `hat latency measure` writes; measure into a new file");
        }
    }
    // Header and row in one write that either lands whole or leaves the file as it was.
    const std::string rows =
        (keep == 0 ? header + "\n" : std::string()) + LatencyDataset::csvRow(sample, true, withRuntime) + "\n";
    appendWhole(path, keep, rows);
}

int measureDataset(const DesignSpace& space, const MeasureOptions& options, int samples,
                   uint64_t seed, const std::string& outPath, const CancelToken* cancel,
                   const ProgressSink& progress) {
    if (samples < 1) throw Error("--samples must be at least 1");
    space.validate();
    const MeasurementProtocol protocol = protocolFor(options);
    auto sampleAt = [&](int i) { return sampleConfigHat(space, seed + static_cast<uint64_t>(i)); };

    int have = 0;
    std::error_code ec;
    const std::string text =
        std::filesystem::exists(outPath, ec) ? readDatasetText(outPath) : std::string();
    const TornRow torn = findTornRow(text);
    // Only a torn header (a run killed before its first row landed): start afresh.
    const bool onlyTornHeader = torn && torn.keepBytes == 0;
    if (!text.empty() && !onlyTornHeader) {
        const auto d = LatencyDataset::parse(text, outPath);
        for (size_t i = 0; i < d.samples.size(); ++i) {
            const auto& s = d.samples[i];
            const std::string row = "line " + std::to_string(i + 2);
            if (!s.protocol.sameAs(protocol)) {
                fail(outPath, row + " was measured with another protocol (" + s.protocol.summary() +
                                  "); measure into a new file");
            }
            if (s.gene != configToGene(sampleAt(static_cast<int>(i)), space)) {
                fail(outPath, row + " is not sample " + std::to_string(i) + " of seed " +
                                  std::to_string(seed) + " in space '" + space.name +
                                  "'; resume with the seed and space it was started with");
            }
        }
        have = static_cast<int>(d.samples.size());
    }
    if (have >= samples) return have;
    LatencyMeter meter(space, options);
    int done = have;
    auto report = [&](const std::string& what) {
        progress.report(double(done) / samples, "measured " + std::to_string(done) + " of " +
                                                     std::to_string(samples) + " SubTransformers" + what);
    };
    report(have == 0 ? "" : torn ? " (resumed; an unfinished last row is replaced)" : " (resumed)");
    for (int i = have; i < samples; ++i) {
        if (cancel && cancel->cancelled()) break;
        LatencySample s;
        try {
            s = meter.measure(sampleAt(i), cancel);  // a long sample stops between its runs
        } catch (const Cancelled&) {
            break;
        }
        appendSample(outPath, s);
        done = i + 1;
        char last[48];
        std::snprintf(last, sizeof last, " (last %.1f ms)", s.totalMs());
        report(last);
    }
    return done;
}

}  // namespace hat

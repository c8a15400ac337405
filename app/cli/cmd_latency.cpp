// hat latency measure / predict / devices, hat predictor train / eval
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/progress_printer.h"
#include "core/latency/dataset_tail.h"
#include "core/latency/device.h"
#include "core/latency/latency_dataset.h"
#include "core/latency/latency_measure.h"
#include "core/latency/latency_predictor.h"
#include "core/latency/runtime.h"
#include "core/space/design_space.h"
#include "app/cli/interrupt.h"
#include "core/space/subconfig_io.h"
#include "core/util/error.h"
#include "core/util/progress.h"

namespace hat::cli {

namespace {

nlohmann::json reportJson(const PredictionReport& r) {
    nlohmann::json j;
    j["rows"] = r.rows;
    j["rmse_ms"] = r.rmseMs;
    j["mape_pct"] = r.mapePct;
    j["within_5pct"] = r.within5Pct;
    j["within_10pct"] = r.within10Pct;
    j["interval_coverage_pct"] = std::isnan(r.coveragePct) ? nlohmann::json() : nlohmann::json(r.coveragePct);
    j["bias_ms"] = r.biasMs;
    j["residual_sd_ms"] = r.residualSdMs;
    j["median_abs_pct"] = r.medianAbsPct;
    j["p90_abs_pct"] = r.p90AbsPct;
    j["max_abs_pct"] = r.maxAbsPct;
    return j;
}

void printReport(const PredictionReport& r, double level) {
    std::printf("rows:              %zu\n", r.rows);
    std::printf("RMSE:              %.2f ms\n", r.rmseMs);
    std::printf("MAPE:              %.2f %%\n", r.mapePct);
    std::printf("within +-5%%:       %.1f %%\n", r.within5Pct);
    std::printf("within +-10%%:      %.1f %%\n", r.within10Pct);
    if (std::isnan(r.coveragePct)) {
        std::printf("interval coverage: n/a (the predictor has no calibrated interval)\n");
    } else {
        std::printf("%.0f%% interval coverage: %.1f %%\n", 100 * level, r.coveragePct);
    }
    std::printf("bias:              %+.2f ms (residual sd %.2f ms)\n", r.biasMs, r.residualSdMs);
    std::printf("|error| median / p90 / max: %.1f / %.1f / %.1f %%\n", r.medianAbsPct, r.p90AbsPct,
                r.maxAbsPct);
}

// A dataset as the commands read it, with a note on stderr when it ends in a row an interrupted
// write left (the reader leaves that row out).
LatencyDataset loadDataset(const std::string& path) {
    TornRow torn;
    LatencyDataset d = loadLatencyDataset(path, &torn);
    if (torn) std::fprintf(stderr, "note: %s\n", tornRowNote(path, torn).c_str());
    return d;
}

// The same note before `latency measure` resumes a file (and replaces the torn row).
void noteTornRow(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return;
    const TornRow torn = findTornRow(readDatasetText(path));
    if (torn) std::fprintf(stderr, "note: %s\n", tornRowNote(path, torn).c_str());
}

double hatLatNorm(const Args& args) {
    const double v = args.getDouble("--hat-lat-norm");
    if (v < 0) throw UsageError("--hat-lat-norm must be positive");
    return v;
}

Option hatLatNormOption(const std::string& help) {
    return valueOption("--hat-lat-norm", "N", help, "0");
}

}  // namespace

const CommandSpec& latencyMeasureSpec() {
    static const CommandSpec spec = [] {
        const MeasureOptions o;
        return CommandSpec{
            "latency measure",
            "measure SubTransformers' latency on this machine into a latency dataset",
            "--space S.yml --out FILE.csv (--samples N [--seed N] | --arch ARCH.yml) [--threads T] "
            "[--runtime R] [--runs R] [--warmups W] [--src-len L] [--tgt-len L] [--beam B] [--vocab V] "
            "[--quiet]",
            "Sampled architectures are measured one after another; an interrupted run resumes from "
            "the rows FILE.csv already holds when the same command is run again. Every row records "
            "the protocol it was measured with.",
            {},
            {valueOption("--space", "S.yml", "the design space to sample from"),
             valueOption("--out", "FILE.csv", "the latency dataset to write or add to"),
             valueOption("--samples", "N", "how many sampled SubTransformers the dataset holds"),
             valueOption("--seed", "N", "sampling seed, 0 or more", "1"),
             valueOption("--arch", "ARCH.yml",
                         "measure this one SubTransformer instead of sampling"),
             valueOption("--threads", "T", "LibTorch threads", std::to_string(o.threads)),
             valueOption("--runtime", "R",
                         "how the SubTransformer is executed (hat latency runtimes lists them)",
                         o.runtime),
             valueOption("--runs", "R", "timed runs per SubTransformer", std::to_string(o.runs)),
             valueOption("--warmups", "W", "untimed runs before them", std::to_string(o.warmups)),
             valueOption("--src-len", "L", "source sentence length in tokens",
                         std::to_string(o.srcLen)),
             valueOption("--tgt-len", "L", "target tokens generated", std::to_string(o.tgtLen)),
             valueOption("--beam", "B", "beam size", std::to_string(o.beam)),
             valueOption("--vocab", "V", "output projection width, 8 or more",
                         std::to_string(o.vocab)),
             switchOption("--quiet", "no protocol or progress lines on stderr")},
        };
    }();
    return spec;
}

int cmdLatencyMeasure(const std::vector<std::string>& argv) {
    const Args args(argv, latencyMeasureSpec());
    args.expectPositional(0, "no positional arguments");
    const DesignSpace space = DesignSpace::loadYaml(args.require("--space"));
    const std::string out = args.require("--out");
    MeasureOptions o;
    o.threads = args.getInt("--threads", o.threads);
    o.runs = args.getInt("--runs", o.runs);
    o.warmups = args.getInt("--warmups", o.warmups);
    o.srcLen = args.getInt("--src-len", o.srcLen);
    o.tgtLen = args.getInt("--tgt-len", o.tgtLen);
    o.beam = args.getInt("--beam", o.beam);
    o.vocab = args.getInt("--vocab", o.vocab);
    o.runtime = args.get("--runtime", o.runtime);
    // Before the file is touched: an unknown runtime lists the known ones, one this machine
    // cannot execute says why.
    const RuntimeSupport support = runtimeSupport(o.runtime);
    if (!support.executes) {
        throw UsageError("--runtime " + o.runtime + " cannot be measured here: " + support.reason);
    }
    if (o.threads < 1 || o.runs < 1 || o.warmups < 0 || o.srcLen < 1 || o.tgtLen < 1 ||
        o.beam < 1 || o.vocab < 8) {
        throw UsageError("--threads, --runs, lengths and --beam must be >= 1, --vocab >= 8");
    }
    const bool quiet = args.has("--quiet");
    if (args.has("--arch")) {
        // One architecture, added to the dataset (e.g. to check the predictor on it).
        if (args.has("--samples") || args.has("--seed")) {
            throw UsageError("--arch measures one architecture; leave out --samples and --seed");
        }
        const SubConfig config = loadSubConfig(args.get("--arch", ""), &space);
        noteTornRow(out);
        LatencyMeter meter(space, o);
        const LatencySample s = meter.measure(config);
        appendSample(out, s);
        std::printf("%.2f ms (encoder %.2f +- %.2f, decoder %.2f +- %.2f) added to %s\n",
                    s.totalMs(), s.encoderMs, s.encoderStdMs, s.decoderMs, s.decoderStdMs,
                    out.c_str());
        return 0;
    }
    const int samples = args.getInt("--samples", 0);
    if (samples < 1) throw UsageError("--samples must be at least 1 (or give --arch)");
    const int seed = args.getInt("--seed");
    if (seed < 0) throw UsageError("--seed must be non-negative");
    const CancelToken* cancel = cancelOnInterrupt();
    if (!quiet) std::fprintf(stderr, "protocol: %s\n", protocolFor(o).summary().c_str());
    noteTornRow(out);  // even when quiet: it says what happens to the file
    const int done = measureDataset(space, o, samples, static_cast<uint64_t>(seed), out, cancel,
                                    stderrProgress(quiet));
    if (done < samples) {
        std::fprintf(stderr, "cancelled: %d of %d rows in %s; run the same command to resume\n",
                     done, samples, out.c_str());
        return 130;
    }
    std::printf("%d rows in %s\n", done, out.c_str());
    return 0;
}

const CommandSpec& latencyPredictSpec() {
    static const CommandSpec spec{
        "latency predict",
        "a latency predictor's estimate for one SubTransformer",
        "--predictor P [--space S.yml] [--hat-lat-norm N] [--json] ARCH.yml",
        "",
        {{"ARCH.yml", "the SubTransformer, in HAT's YAML"}},
        {valueOption("--predictor", "P", "the predictor file: ours, or HAT's own .pt"),
         valueOption("--space", "S.yml",
                     "the design space ARCH.yml must lie in (default: the predictor's own)"),
         hatLatNormOption("lat_norm of a HAT predictor file; 0 takes HAT's value for its name"),
         switchOption("--json", "print JSON instead of text")},
    };
    return spec;
}

int cmdLatencyPredict(const std::vector<std::string>& argv) {
    const Args args(argv, latencyPredictSpec());
    args.expectPositional(1, "ARCH.yml");
    const LatencyPredictor p = LatencyPredictor::load(args.require("--predictor"), hatLatNorm(args));
    // The space the architecture must lie in: the one given, else the predictor's own.
    DesignSpace space;
    bool haveSpace = false;
    if (args.has("--space")) {
        space = DesignSpace::loadYaml(args.get("--space", ""));
        haveSpace = true;
    } else if (!p.spaceYaml().empty()) {
        space = DesignSpace::parseYaml(p.spaceYaml(), args.get("--predictor", "") + " (its space)");
        haveSpace = true;
    }
    const std::string arch = args.positional()[0];
    const SubConfig config = loadSubConfig(arch, haveSpace ? &space : nullptr);
    const LatencyEstimate e = p.estimate(config);
    if (args.has("--json")) {
        nlohmann::json j;
        j["ms"] = e.ms;
        if (e.hasInterval()) {
            j["low_ms"] = e.lowMs;
            j["high_ms"] = e.highMs;
            j["level"] = p.intervalLevel();
        }
        j["predictor"] = p.description();
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    if (e.hasInterval()) {
        std::printf("%.1f ms (%.0f%% interval %.1f - %.1f ms)\n", e.ms, 100 * p.intervalLevel(),
                    e.lowMs, e.highMs);
    } else {
        std::printf("%.1f ms (no interval: the predictor is not calibrated)\n", e.ms);
    }
    return 0;
}

const CommandSpec& latencyDevicesSpec() {
    static const CommandSpec spec{
        "latency devices",
        "the built-in latency devices: HAT's measured ones and this machine",
        "[--json]",
        "",
        {},
        {switchOption("--json", "every device's details (dataset, predictor, provenance) as JSON")},
    };
    return spec;
}

int cmdLatencyDevices(const std::vector<std::string>& argv) {
    const Args args(argv, latencyDevicesSpec());
    args.expectPositional(0, "no positional arguments");
    nlohmann::json all = nlohmann::json::array();
    for (const auto& d : builtinDevices()) {
        if (args.has("--json")) {
            all.push_back({{"id", d.id}, {"name", d.name}, {"hardware", d.hardware},
                           {"task", d.task}, {"local", d.local}, {"threads", d.threads},
                           {"runtime", d.runtime},
                           {"space", d.spacePath}, {"dataset", d.datasetPath},
                           {"predictor", d.predictorPath}, {"provenance", d.provenance}});
        } else {
            std::printf("%-32s %s\n", d.id.c_str(), d.name.c_str());
        }
    }
    if (args.has("--json")) std::cout << all.dump(2) << "\n";
    return 0;
}

const CommandSpec& latencyRuntimesSpec() {
    static const CommandSpec spec{
        "latency runtimes",
        "the runtimes a SubTransformer can be executed with, and which this machine supports",
        "[--json]",
        "A runtime is part of a device (local/1t/int8 is this machine, 1 thread, int8). A runtime "
        "this machine cannot execute is listed with the reason; its latency is not claimed.",
        {},
        {switchOption("--json", "every runtime's id, precision, support and reason as JSON")},
    };
    return spec;
}

int cmdLatencyRuntimes(const std::vector<std::string>& argv) {
    const Args args(argv, latencyRuntimesSpec());
    args.expectPositional(0, "no positional arguments");
    nlohmann::json all = nlohmann::json::array();
    for (const auto& r : knownRuntimes()) {
        const RuntimeSupport support = runtimeSupport(r.id);
        if (args.has("--json")) {
            nlohmann::json j{{"id", r.id},          {"name", r.name},
                             {"precision", precisionName(r.precision)},
                             {"detail", r.detail},  {"supported", support.executes}};
            if (!support.executes) j["reason"] = support.reason;
            all.push_back(j);
        } else {
            std::printf("%-14s %-5s %-10s %s\n", r.id.c_str(), precisionName(r.precision).c_str(),
                        support.executes ? "supported" : "no", support.executes ? r.name.c_str()
                                                                              : support.reason.c_str());
        }
    }
    if (args.has("--json")) std::cout << all.dump(2) << "\n";
    return 0;
}

const CommandSpec& predictorTrainSpec() {
    static const CommandSpec spec = [] {
        const PredictorTrainOptions o;
        return CommandSpec{
            "predictor train",
            "train a latency predictor on a latency dataset",
            "--dataset CSV --out P [--seed N] [--space S.yml] [--steps N] [--folds K] [--threads "
            "T] "
            "[--hat-recipe [--hat-lat-norm N]] [--json] [--quiet]",
            "Reports the predictor's accuracy on held-out (out-of-fold) predictions of the "
            "training rows.",
            {},
            {valueOption("--dataset", "CSV", "the latency dataset (hat latency measure's CSV)"),
             valueOption("--out", "P", "where to save the predictor"),
             valueOption("--seed", "N", "training seed, 0 or more", "1"),
             valueOption("--space", "S.yml", "a design space saved with the predictor"),
             valueOption("--steps", "N", "training steps", std::to_string(o.steps)),
             valueOption("--folds", "K", "cross-fitting folds: 0, or 2 or more",
                         std::to_string(o.folds)),
             valueOption("--threads", "T", "LibTorch threads, 0 for LibTorch's own choice", "0"),
             switchOption("--hat-recipe", "HAT's latency_predictor.py recipe instead of ours"),
             hatLatNormOption("the recipe's lat_norm; 0 takes HAT's value for the dataset's name"),
             switchOption("--json", "print JSON instead of text"),
             switchOption("--quiet", "no progress lines on stderr")},
        };
    }();
    return spec;
}

int cmdPredictorTrain(const std::vector<std::string>& argv) {
    const Args args(argv, predictorTrainSpec());
    args.expectPositional(0, "no positional arguments");
    const LatencyDataset data = loadDataset(args.require("--dataset"));
    const std::string out = args.require("--out");
    PredictorTrainOptions o;
    const int seed = args.getInt("--seed");
    if (seed < 0) throw UsageError("--seed must be non-negative");
    o.seed = static_cast<uint64_t>(seed);
    o.steps = args.getInt("--steps", o.steps);
    o.folds = args.getInt("--folds", o.folds);
    o.hatRecipe = args.has("--hat-recipe");
    o.hatLatNorm = hatLatNorm(args);
    if (o.steps < 1 || o.folds < 0 || o.folds == 1) {
        throw UsageError("--steps must be >= 1 and --folds 0 or >= 2");
    }
    const int threads = args.getInt("--threads");
    if (threads < 0) throw UsageError("--threads must be positive");
    o.threads = threads;
    const bool quiet = args.has("--quiet") || args.has("--json");
    o.progress = stderrProgress(quiet, 5.0);
    o.cancel = cancelOnInterrupt();
    LatencyPredictor p = LatencyPredictor::train(data, o);
    if (args.has("--space")) p.setSpace(DesignSpace::loadYaml(args.get("--space", "")));
    p.save(out);
    const PredictionReport r = p.heldOutReport();
    if (args.has("--json")) {
        nlohmann::json j;
        j["predictor"] = out;
        j["description"] = p.description();
        j["rows"] = data.size();
        j["held_out"] = reportJson(r);
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    std::printf("%s\n", p.description().c_str());
    if (r.rows) {
        std::printf("held-out (out-of-fold) predictions on the %zu training rows:\n", r.rows);
        printReport(r, p.intervalLevel());
    }
    std::printf("saved %s\n", out.c_str());
    return 0;
}

const CommandSpec& predictorEvalSpec() {
    static const CommandSpec spec{
        "predictor eval",
        "a latency predictor's accuracy on a latency dataset",
        "--predictor P --dataset CSV [--hat-lat-norm N] [--json]",
        "",
        {},
        {valueOption("--predictor", "P", "the predictor file: ours, or HAT's own .pt"),
         valueOption("--dataset", "CSV", "the latency dataset to predict"),
         hatLatNormOption("lat_norm of a HAT predictor file; 0 takes HAT's value for its name"),
         switchOption("--json", "print JSON instead of text")},
    };
    return spec;
}

int cmdPredictorEval(const std::vector<std::string>& argv) {
    const Args args(argv, predictorEvalSpec());
    args.expectPositional(0, "no positional arguments");
    const LatencyPredictor p = LatencyPredictor::load(args.require("--predictor"), hatLatNorm(args));
    const LatencyDataset data = loadDataset(args.require("--dataset"));
    const PredictionReport r = p.evaluate(data);
    if (args.has("--json")) {
        nlohmann::json j = reportJson(r);
        j["predictor"] = p.description();
        j["interval_level"] = p.hasInterval() ? nlohmann::json(p.intervalLevel()) : nlohmann::json();
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    std::printf("%s\n", p.description().c_str());
    printReport(r, p.intervalLevel());
    return 0;
}

}  // namespace hat::cli

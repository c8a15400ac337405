// hat workspace init / copy / hat search / hat pareto / hat export
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/progress_printer.h"
#include "app/cli/interrupt.h"
#include "core/export/points_csv.h"
#include "core/export/subtransformer_file.h"
#include "core/export/workspace_export.h"
#include "core/workspace/device_comparison.h"
#include "core/workspace/run_owner.h"
#include "core/workspace/workspace.h"
#include "core/space/arch_metrics.h"
#include "core/space/gene.h"
#include "core/space/subconfig_io.h"
#include "core/space/weight_bytes.h"
#include "core/model/compute_threads.h"
#include "core/util/error.h"

namespace hat::cli {

namespace fs = std::filesystem;

namespace {

std::string formatFixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
    return buf;
}

std::vector<std::string> splitList(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        if (!item.empty()) out.push_back(item);
    }
    return out;
}

nlohmann::json candidateJson(const Candidate& c, const DesignSpace& space) {
    const SubConfig cfg = geneToConfig(c.gene, space);
    return {{"gene", c.gene}, {"valid_loss", c.fitness}, {"latency_ms", c.latency.ms},
            {"latency_upper_ms", c.latency.upperMs}, {"params", hatParameterCount(cfg, space.qkvDim)},
            {"summary", cfg.summary()},
            {"config", nlohmann::json::parse(subConfigToJson(cfg.trimmed()))}};
}

}  // namespace

const CommandSpec& workspaceInitSpec() {
    static const CommandSpec spec{
        "workspace init",
        "a new workspace: a SuperTransformer, its fitness set and latency devices",
        "DIR --space S.yml --checkpoint C [--devices ID,...] [--corpus DIR --dict D --spm M] "
        "[--fitness-sentences N] [--fitness-sampling spread|first] [--data-dir data]",
        "The corpus, dictionary, subword model and languages default to those train_options.json "
        "records next to the checkpoint.",
        {{"DIR", "the workspace directory; DIR/workspace.db is created"}},
        {valueOption("--space", "S.yml", "the design space"),
         valueOption("--checkpoint", "C", "the SuperTransformer checkpoint"),
         valueOption("--devices", "ID,...",
                     "device ids (hat latency devices); default: every one with a predictor"),
         valueOption("--corpus", "DIR", "the corpus the fitness set is taken from"),
         valueOption("--dict", "D", "fairseq dictionary"),
         valueOption("--spm", "M", "subword model"),
         valueOption("--src", "LANG", "source language suffix"),
         valueOption("--tgt", "LANG", "target language suffix"),
         valueOption("--fitness-sentences", "N",
                     "valid-split sentence pairs the loss is measured on; 0: all",
                     std::to_string(FitnessSetOptions().sentences)),
         valueOption("--fitness-sampling", "spread|first",
                     "those pairs evenly spread over the split, or the first N", "spread"),
         valueOption("--data-dir", "DIR",
                     "the data/ folder with the devices' datasets and predictors", "data")},
    };
    return spec;
}

int cmdWorkspaceInit(const std::vector<std::string>& argv) {
    const Args args(argv, workspaceInitSpec());
    args.expectPositional(1, "DIR");
    WorkspaceInit in;
    in.dir = args.positional()[0];
    in.spacePath = args.require("--space");
    in.checkpoint = args.require("--checkpoint");
    // Data paths default to what the training run recorded next to the checkpoint.
    in.fitness.corpusDir = args.get("--corpus", "");
    in.fitness.subwordModel = args.get("--spm", "");
    in.fitness.dictionary = args.get("--dict", "");
    fillFromTrainingRecord(in);
    if (in.fitness.corpusDir.empty() || in.fitness.dictionary.empty()) {
        throw UsageError("give --corpus and --dict (no train_options.json next to the checkpoint)");
    }
    if (args.has("--src")) in.fitness.sourceLang = args.get("--src", "en");
    if (args.has("--tgt")) in.fitness.targetLang = args.get("--tgt", "de");
    in.fitness.sentences = args.getInt("--fitness-sentences", in.fitness.sentences);
    const std::string sampling = args.get("--fitness-sampling");
    if (sampling != "spread" && sampling != "first") {
        throw Error("--fitness-sampling must be 'spread' or 'first', not '" + sampling + "'");
    }
    in.fitness.spread = sampling == "spread";
    in.deviceIds = splitList(args.get("--devices", ""));
    in.dataDir = args.get("--data-dir");
    Workspace::init(in);
    Workspace w = Workspace::open(in.dir);
    std::cout << "created " << in.dir << "/workspace.db with devices:";
    for (const auto& d : w.devices()) std::cout << " " << d.name;
    std::cout << "\n";
    return 0;
}

const CommandSpec& workspaceCopySpec() {
    static const CommandSpec spec{
        "workspace copy",
        "a working copy of a workspace (paths rebased, the source never written)",
        "SRC DST   (a working copy of SRC in DST; SRC is not written)",
        "",
        {{"SRC", "the workspace directory to copy"}, {"DST", "the new workspace directory"}},
        {},
    };
    return spec;
}

int cmdWorkspaceCopy(const std::vector<std::string>& argv) {
    const Args args(argv, workspaceCopySpec());
    args.expectPositional(2, "SRC DST");
    const std::string from = args.positional()[0], to = args.positional()[1];
    Workspace::copy(from, to);
    std::cout << "copied " << from << " to " << (fs::path(to) / "workspace.db").string() << "\n";
    return 0;
}

const CommandSpec& searchSpec() {
    static const CommandSpec spec = [] {
        const EvolutionSettings s;
        return CommandSpec{
            "search",
            "evolutionary search for the best SubTransformer under a device's latency limit",
            "--workspace DIR --device NAME --max-latency-ms L [--max-size-mb S] [--seed N] [--generations G] "
            "[--population P --parents K --mutations M --crossovers C] [--upper-bound] [--cold] "
            "[--surrogate-pool N | --no-surrogate] [--racing | --no-racing] [--race-sigmas S] "
            "[--resume RUN] [--threads T] [--json]",
            "Every evaluation and generation is stored in the workspace as it finishes: a killed "
            "run continues with --resume (refused while another live process runs it). "
            "Prints the best SubTransformer as HAT's YAML.",
            {},
            {valueOption("--workspace", "DIR", "the workspace"),
             valueOption("--device", "NAME", "the device whose predictor gives the latency"),
             valueOption("--max-latency-ms", "L", "the latency limit in ms"),
             valueOption("--max-size-mb", "S",
                         "a second limit: the weights' size in MB (10^6 bytes) at the device "
                         "runtime's precision, embeddings included (hat arch info --precision)"),
             valueOption("--seed", "N", "search seed", std::to_string(s.seed)),
             valueOption("--generations", "G", "breeding rounds", std::to_string(s.generations)),
             valueOption("--population", "P", "population size", std::to_string(s.population)),
             valueOption("--parents", "K", "parents kept per generation",
                         std::to_string(s.parents)),
             valueOption("--mutations", "M", "children by mutation", std::to_string(s.mutations)),
             valueOption("--crossovers", "C", "children by crossover",
                         std::to_string(s.crossovers)),
             valueOption("--mutation-prob", "X", "per-gene mutation probability",
                         shownDefault(s.mutationProb)),
             switchOption("--upper-bound",
                          "limit the 90% interval's upper end, not the prediction"),
             switchOption("--cold", "start from random samples, not the best stored evaluations"),
             valueOption("--surrogate-pool", "N",
                         "children bred per child scored: a quality model refitted on the run's "
                         "losses picks which reach the SuperTransformer (1 is HAT's evolution; "
                         "the window's quality model uses " + std::to_string(kSurrogatePool) + ")",
                         std::to_string(kDefaultSurrogatePool)),
             switchOption("--no-surrogate", "HAT's evolution: every child bred is scored (--surrogate-pool 1)"),
             switchOption("--racing", std::string("stop a child's evaluation once it is clearly worse than every parent") +
                                          (kDefaultRacing ? " (the default)" : "")),
             switchOption("--no-racing", std::string("score every child on the whole fitness set") +
                                             (kDefaultRacing ? "" : " (the default)")),
             valueOption("--race-sigmas", "S", "racing's margin in standard errors of the predicted loss",
                         shownDefault(s.raceSigmas)),
             valueOption("--resume", "RUN", "continue run RUN from its last stored generation"),
             valueOption("--threads", "T", "compute threads, 0 for LibTorch's own choice", "0"),
             switchOption("--json", "print JSON instead of YAML (no progress lines)"),
             switchOption("--quiet", "no progress lines on stderr")},
        };
    }();
    return spec;
}

int cmdSearch(const std::vector<std::string>& argv) {
    const Args args(argv, searchSpec());
    args.expectPositional(0, "no positional arguments");
    if (args.getInt("--threads", 0) > 0) setComputeThreads(args.getInt("--threads", 0));
    Workspace w = Workspace::open(args.require("--workspace"));
    const ProgressSink progress = stderrProgress(args.has("--quiet") || args.has("--json"));
    const auto start = std::chrono::steady_clock::now();
    // Ctrl-C (or SIGTERM) stops between evaluations: what finished is stored, the run is marked
    // cancelled and --resume continues it.
    const CancelToken* cancel = cancelOnInterrupt();
    SearchOutcome out;
    if (args.has("--resume")) {
        out = w.resume(args.getInt("--resume", 0), nullptr, cancel, progress);
    } else {
        EvolutionSettings s;
        s.maxLatencyMs = args.getDouble("--max-latency-ms", 0.0);
        if (!args.has("--max-latency-ms")) throw UsageError("missing required option --max-latency-ms");
        s.seed = static_cast<uint64_t>(args.getInt("--seed"));
        s.generations = args.getInt("--generations", s.generations);
        s.population = args.getInt("--population", s.population);
        s.parents = args.getInt("--parents", s.parents);
        s.mutations = args.getInt("--mutations", s.mutations);
        s.crossovers = args.getInt("--crossovers", s.crossovers);
        s.mutationProb = args.getDouble("--mutation-prob", s.mutationProb);
        s.constrainUpperBound = args.has("--upper-bound");
        if (args.has("--no-surrogate") && args.has("--surrogate-pool")) {
            throw UsageError("--no-surrogate and --surrogate-pool exclude each other");
        }
        s.surrogatePool = args.has("--no-surrogate") ? 1 : args.getInt("--surrogate-pool", kDefaultSurrogatePool);
        if (args.has("--racing") && args.has("--no-racing")) throw UsageError("--racing and --no-racing exclude each other");
        s.racing = args.has("--racing") || (kDefaultRacing && !args.has("--no-racing"));
        s.raceSigmas = args.getDouble("--race-sigmas", s.raceSigmas);
        if (args.has("--max-size-mb")) {
            s.maxSizeMb = args.getDouble("--max-size-mb", 0.0);
            if (!(s.maxSizeMb > 0)) throw UsageError("--max-size-mb must be a positive number of MB");
        }
        out = w.search(args.require("--device"), s, !args.has("--cold"), nullptr, cancel, progress);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (out.cancelled) {
        const int stored = w.lastGeneration(out.runId).generation + 1;
        std::fprintf(stderr,
                     "hat search: interrupted; run %lld is stored as cancelled with %d of %d generations "
                     "(and every evaluation that finished); continue with hat search --workspace %s --resume %lld\n",
                     static_cast<long long>(out.runId), stored,
                     settingsFromJson(w.run(out.runId)->settingsJson).generations + 1,
                     args.require("--workspace").c_str(), static_cast<long long>(out.runId));
        if (out.generations == 0) return 130;  // nothing scored in this process: no best to print
    }
    const DesignSpace space = w.space();
    if (args.has("--json")) {
        nlohmann::json j = candidateJson(out.best, space);
        j["run_id"] = out.runId;
        j["generations"] = out.generations;
        j["cancelled"] = out.cancelled;
        j["seconds"] = seconds;
        j["search_seconds"] = out.seconds;
        j["evaluations_computed"] = out.computed;
        j["evaluations_reused"] = out.reused;
        const EvolutionSettings stored = settingsFromJson(w.run(out.runId)->settingsJson);
        j["surrogate_pool"] = stored.surrogatePool;
        j["racing"] = stored.racing;
        j["race_sigmas"] = stored.raceSigmas;
        j["evaluations_raced"] = out.raced;
        if (stored.maxSizeMb > 0) {
            j["max_size_mb"] = stored.maxSizeMb;
            j["size_precision"] = precisionName(stored.sizePrecision);
            j["size_mb"] = weightBytes(geneToConfig(out.best.gene, space), space.qkvDim, stored.sizeVocab,
                                       stored.sizePrecision).total() / 1e6;
        }
        j["yaml"] = subConfigToYaml(geneToConfig(out.best.gene, space));
        std::cout << j.dump(2) << "\n";
    } else {
        std::cout << subConfigToYaml(geneToConfig(out.best.gene, space));
        std::printf("# run %lld: valid loss %.4f bits/token, predicted latency %.1f ms (90%% upper %.1f ms), %.1f s\n",
                    static_cast<long long>(out.runId), out.best.fitness, out.best.latency.ms,
                    out.best.latency.upperMs, seconds);
    }
    return out.cancelled ? 130 : 0;
}

const CommandSpec& paretoSpec() {
    static const CommandSpec spec{
        "pareto",
        "the evaluated SubTransformers on a device's latency/loss Pareto front",
        "--workspace DIR --device NAME [--csv] [--all] [--upper-bound] [--bleu [--threads T]]",
        "",
        {},
        {valueOption("--workspace", "DIR", "the workspace"),
         valueOption("--device", "NAME", "the device whose latency is used"),
         switchOption("--csv", "print the points as CSV"),
         switchOption("--all", "every evaluated SubTransformer, not only the front"),
         switchOption("--upper-bound", "latency as the 90% interval's upper end"),
         switchOption("--bleu", "translate the listed SubTransformers that lack a BLEU score"),
         valueOption("--threads", "T", "compute threads, 0 for LibTorch's own choice", "0")},
    };
    return spec;
}

int cmdPareto(const std::vector<std::string>& argv) {
    const Args args(argv, paretoSpec());
    args.expectPositional(0, "no positional arguments");
    // Only --bleu stores anything (the scores it computes).
    Workspace w = Workspace::open(args.require("--workspace"),
                                  args.has("--bleu") ? WorkspaceAccess::ReadWrite : WorkspaceAccess::ReadOnly);
    const std::string device = args.require("--device");
    if (args.getInt("--threads", 0) > 0) setComputeThreads(args.getInt("--threads", 0));
    const bool frontOnly = !args.has("--all"), upper = args.has("--upper-bound");
    PointsTable table = pointsTable(w, device, frontOnly, upper);
    if (args.has("--bleu")) {
        // BLEU of the listed architectures that lack one: beam search over the fitness set.
        std::vector<Gene> todo;
        for (const auto& r : table.rows) {
            if (!r.bleu) todo.push_back(r.gene);
        }
        if (!todo.empty()) {
            w.fitness().bleu(todo, stderrProgress());
            // The scores are stored with the evaluations: the table read again shows them.
            table = pointsTable(w, device, frontOnly, upper);
        }
    }
    const DesignSpace space = w.space();
    if (args.has("--csv")) {
        std::cout << pointsCsv(table, space);
        return 0;
    }
    for (const auto& r : table.rows) {
        std::printf("%8.1f ms  loss %.4f  %s%s\n", r.latency[0].ms, r.validLoss,
                    r.bleu ? ("BLEU " + formatFixed(*r.bleu, 2) + "  ").c_str() : "",
                    geneToConfig(r.gene, space).summary().c_str());
    }
    return 0;
}

const CommandSpec& compareSpec() {
    static const CommandSpec spec{
        "compare",
        "each device's best evaluated SubTransformer at a comparable latency limit",
        "--workspace DIR [--devices A,B,...] [--relative-limit 0.5] [--upper-bound] [--json]",
        "",
        {},
        {valueOption("--workspace", "DIR", "the workspace"),
         valueOption("--devices", "A,B,...", "the devices; default: all of the workspace's"),
         valueOption("--relative-limit", "F",
                     "each device's limit: this far from its smallest to its largest latency",
                     "0.5"),
         switchOption("--upper-bound", "limit the 90% interval's upper end, not the prediction"),
         switchOption("--json", "print JSON instead of text")},
    };
    return spec;
}

int cmdCompare(const std::vector<std::string>& argv) {
    const Args args(argv, compareSpec());
    args.expectPositional(0, "no positional arguments");
    Workspace w = Workspace::open(args.require("--workspace"), WorkspaceAccess::ReadOnly);
    std::vector<std::string> devices = splitList(args.get("--devices", ""));
    if (devices.empty()) {
        for (const auto& d : w.devices()) devices.push_back(d.name);
    }
    const double relative = args.getDouble("--relative-limit");
    if (!(relative >= 0.0 && relative <= 1.0)) throw UsageError("--relative-limit must be between 0 and 1");
    const auto rows = compareDevices(w, devices, relative, args.has("--upper-bound"));
    const DesignSpace space = w.space();
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : rows) {
        nlohmann::json j = {{"device", r.device}, {"smallest_ms", r.smallestMs}, {"largest_ms", r.largestMs},
                            {"limit_ms", r.limitMs}, {"evaluated", r.points.size()},
                            {"front_size", r.front.size()}, {"best", nullptr}};
        if (r.best) {
            const SubConfig c = geneToConfig(r.best->gene, space);
            j["best"] = {{"gene", r.best->gene}, {"valid_loss", r.best->validLoss},
                         {"latency_ms", r.best->latencyMs}, {"latency_upper_ms", r.best->latencyUpperMs},
                         {"params", hatParameterCount(c, space.qkvDim)}, {"summary", c.summary()}};
        }
        out.push_back(j);
        if (!args.has("--json")) {
            std::printf("%-24s limit %9.1f ms (%.0f%% of %.1f..%.1f)  ", r.device.c_str(), r.limitMs,
                        relative * 100.0, r.smallestMs, r.largestMs);
            if (r.best) {
                std::printf("%8.1f ms  loss %.4f  %s\n", r.best->latencyMs, r.best->validLoss,
                            geneToConfig(r.best->gene, space).summary().c_str());
            } else {
                std::printf("nothing evaluated under the limit\n");
            }
        }
    }
    if (args.has("--json")) std::cout << nlohmann::json{{"relative_limit", relative}, {"devices", out}}.dump(2) << "\n";
    return 0;
}

namespace {
nlohmann::json measurementJson(const MeasurementRecord& m) {
    return {{"id", m.id},
            {"gene", m.gene},
            {"measured_ms", m.totalMs()},
            {"encoder_ms", m.encoderMs},
            {"decoder_ms", m.decoderMs},
            {"encoder_sd_ms", m.encoderSdMs},
            {"decoder_sd_ms", m.decoderSdMs},
            {"predicted_ms", m.predictedMs},
            {"interval_ms", {m.lowerMs, m.upperMs}},
            {"inside_interval", m.lowerMs <= m.totalMs() && m.totalMs() <= m.upperMs},
            {"protocol", m.protocol},
            {"measured_at", m.measuredAt}};
}

void printMeasurement(const MeasurementRecord& m, const DesignSpace& space) {
    std::printf("%s  measured %.1f ms (encoder %.1f + decoder %.1f)  predicted %.1f ms  90%% interval %.1f..%.1f  %s\n",
                m.measuredAt.c_str(), m.totalMs(), m.encoderMs, m.decoderMs, m.predictedMs, m.lowerMs,
                m.upperMs, geneToConfig(m.gene, space).summary().c_str());
}
}  // namespace

const CommandSpec& workspaceMeasureSpec() {
    static const CommandSpec spec{
        "workspace measure",
        "measure a SubTransformer here and store it, or list the stored measurements",
        "--workspace DIR --device NAME [ARCH.yml] [--json]   (no ARCH: list the stored "
        "measurements)",
        "",
        {{"ARCH.yml", "the SubTransformer to measure; without it, the stored ones are listed"}},
        {valueOption("--workspace", "DIR", "the workspace"),
         valueOption("--device", "NAME", "the device (a local one to measure on)"),
         switchOption("--json", "print JSON instead of text")},
    };
    return spec;
}

int cmdWorkspaceMeasure(const std::vector<std::string>& argv) {
    const Args args(argv, workspaceMeasureSpec());
    if (args.positional().size() > 1) throw UsageError("at most one ARCH.yml");
    // Listing only reads; measuring stores the measurement.
    Workspace w = Workspace::open(args.require("--workspace"), args.positional().empty() ? WorkspaceAccess::ReadOnly
                                                                                         : WorkspaceAccess::ReadWrite);
    const std::string device = w.device(args.require("--device")).name;
    const DesignSpace space = w.space();
    if (args.positional().empty()) {  // the measurements stored so far
        nlohmann::json out = nlohmann::json::array();
        for (const auto& m : w.measurements(device)) {
            if (args.has("--json")) out.push_back(measurementJson(m));
            else printMeasurement(m, space);
        }
        if (args.has("--json")) std::cout << nlohmann::json{{"device", device}, {"measurements", out}}.dump(2) << "\n";
        return 0;
    }
    const SubConfig config = loadSubConfig(args.positional()[0], &space);
    MeasurementRecord m;
    try {
        m = w.measureHere(device, configToGene(config, space), cancelOnInterrupt());
    } catch (const Cancelled&) {
        std::fprintf(stderr, "hat workspace measure: interrupted, nothing stored\n");
        return 130;
    }
    if (args.has("--json")) {
        nlohmann::json j = measurementJson(m);
        j["device"] = device;
        std::cout << j.dump(2) << "\n";
    } else {
        printMeasurement(m, space);
    }
    return 0;
}

const CommandSpec& exportSpec() {
    static const CommandSpec spec{
        "export",
        "the best SubTransformer of a search run's last generation, or all of it",
        "--workspace DIR --run ID --format yaml|json|csv",
        "yaml is HAT's SubTransformer file, json adds the run's details, csv lists the "
        "generation's members, best first.",
        {},
        {valueOption("--workspace", "DIR", "the workspace"),
         valueOption("--run", "ID", "the search run (hat search prints its id)"),
         valueOption("--format", "yaml|json|csv", "what to print", "yaml")},
    };
    return spec;
}

int cmdExport(const std::vector<std::string>& argv) {
    const Args args(argv, exportSpec());
    args.expectPositional(0, "no positional arguments");
    Workspace w = Workspace::open(args.require("--workspace"), WorkspaceAccess::ReadOnly);
    const int64_t runId = args.getInt("--run", 0);
    const auto run = w.run(runId);
    if (!run) throw Error("no search run " + std::to_string(runId) + " in " + w.databasePath());
    const StoredGeneration last = w.lastGeneration(runId);
    if (last.generation < 0) throw Error("search run " + std::to_string(runId) + " has no generation yet");
    const auto& members = last.members;
    const DesignSpace space = w.space();
    const std::string device = w.runDevice(*run);
    const std::string format = args.get("--format");
    if (format == "yaml") {
        std::cout << subTransformerYaml(geneToConfig(members.front().gene, space),
                                        exportInfoFor(w, device, members.front()));
    } else if (format == "json") {
        nlohmann::json j = candidateJson(members.front(), space);
        j["run_id"] = runId;
        j["max_latency_ms"] = run->maxLatencyMs;
        // A run stored as running whose process is gone reads "interrupted" (hat search --resume).
        const RunOwner me = thisProcess();
        j["status"] = shownStatus(*run, me);
        j["owner"] = nullptr;
        if (run->owner) {
            j["owner"] = {{"pid", run->owner->pid},
                          {"host", run->owner->host},
                          {"heartbeat_seconds_ago", me.heartbeat - run->owner->heartbeat},
                          {"alive", !ownerIsDead(*run->owner, me)}};
        }
        j["export"] = nlohmann::json::parse(exportInfoJson(exportInfoFor(w, device, members.front())));
        std::cout << j.dump(2) << "\n";
    } else if (format == "csv") {
        // The generation's members, best first, in the one points dialect.
        std::cout << pointsCsv(pointsTableOf(w, device, members), space);
    } else {
        throw UsageError("--format must be yaml, json or csv");
    }
    return 0;
}

}  // namespace hat::cli

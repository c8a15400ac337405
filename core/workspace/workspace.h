#pragma once
// A workspace: a directory with workspace.db, tying a design space, a trained SuperTransformer,
// a fitness set and the devices to search for. The facade the CLI and the UI's worker thread use
// (no torch in this header). Not thread-safe: one Workspace per thread.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/search/evolution.h"
#include "core/workspace/supernet_fitness.h"
#include "core/store/workspace_db.h"

namespace hat {

class LatencyPredictor;

struct WorkspaceInit {
    std::string dir;
    std::string spacePath;
    std::string checkpoint;
    FitnessSetOptions fitness;
    std::vector<std::string> deviceIds;  // ids of builtinDevices(); empty: every one with a predictor
    std::string dataDir;                 // the repository's data/ (device datasets and predictors)
    // Predictor files to use instead of the devices' built-in ones (device id -> path).
    std::map<std::string, std::string> predictorOverrides;
};

// The precision a device's runtime holds a model in (fp32 for HAT's devices and unknown ids).
Precision precisionOfDevice(const std::string& deviceId);
// The vocabulary a shipped model's size is counted with: the one the latency devices are measured
// with (about HAT's WMT joint dictionary), since the latency is that model's too.
constexpr int kDeployedVocab = 32768;

// Fills the fitness data paths and languages `init` leaves empty from the train_options.json that
// `hat train` wrote next to the checkpoint, when there is one. Throws hat::Error naming the file
// when it is malformed.
void fillFromTrainingRecord(WorkspaceInit& init);

// Predicted latency of the design space's smallest and largest SubTransformer on one device: the
// range a latency limit on that device can sensibly take.
struct LatencyRange {
    LatencyBound smallest, largest;
};

struct StoredGeneration {
    int generation = -1;
    std::vector<Candidate> members;
};

// One generation of a stored run, for its history: how good it was and what it cost.
struct GenerationSummary {
    int generation = 0;
    Candidate best;           // the generation's best (scored in full: parents and the best are)
    double bestSoFar = 0.0;   // the run's best loss up to this generation
    int newMembers = 0;       // members not in any earlier generation of the run
    int raced = 0;            // members a race stopped early
    double seconds = 0.0;     // time the generation took
};

struct SearchOutcome {
    int64_t runId = 0;
    Candidate best;
    int generations = 0;
    bool cancelled = false;
    double seconds = 0.0;
    int computed = 0, reused = 0;  // fitness evaluations run vs looked up
    int raced = 0;                 // evaluations a race stopped early (not stored)
};

// How a workspace is opened. Read-only never writes the workspace or beside it (see
// WorkspaceDb::openReadOnly): what would be cached (latency predictions, an older workspace's
// predictors, a moved checkpoint's path) is computed in memory, and searching, measuring or
// relocating is hat::Error naming the database.
enum class WorkspaceAccess {
    Auto,       // read-write, or read-only when this process cannot write it (databaseWritable)
    ReadWrite,  // hat::Error naming the database when it cannot be written
    ReadOnly,   // for everything that only reads: pareto, export, compare
};

class Workspace {
public:
    // Creates DIR/workspace.db; refuses a directory that already holds one.
    static void init(const WorkspaceInit& init);
    static Workspace open(const std::string& dir, WorkspaceAccess access = WorkspaceAccess::Auto);
    // A working copy of the workspace in FROM at TO (e.g. the shipped demo copied into the user's
    // data folder): see copyWorkspace. FROM is never written; TO must not hold a workspace yet.
    static void copy(const std::string& fromDir, const std::string& toDir);
    Workspace(Workspace&&) noexcept;
    Workspace& operator=(Workspace&&) noexcept;
    ~Workspace();

    const std::string& dir() const;
    // The workspace.db file, for messages.
    const std::string& databasePath() const;
    // Opened read-only (asked for, or Auto on a workspace this process cannot write).
    bool readOnly() const;
    DesignSpace space();
    std::vector<DeviceRecord> devices();
    DeviceRecord device(const std::string& name);  // throws listing the names
    std::string checkpointPath();
    // Points a moved workspace at its SuperTransformer: `path` must be the file its evaluations
    // were made with (same checksum), else hat::Error naming it.
    void relocateCheckpoint(const std::string& path);

    // Writes the SubTransformer's inherited weights from this workspace's SuperTransformer to `path`
    // (a dict of tensors, see model/inherited_weights.h); returns the number of parameters written.
    int64_t exportInheritedWeights(const Gene& gene, const std::string& path);

    // The device's latency predictor (loaded once), e.g. for its held-out rows.
    const LatencyPredictor& predictor(const std::string& device);
    // Predicted latency of a gene on a device (cached per device).
    LatencyBound latency(const std::string& device, const Gene& gene);
    LatencyRange latencyRange(const std::string& device);
    // The SuperTransformer's width divisor (quality measured at 1/N width, latency predicted at
    // full width): from the training record beside the checkpoint when there is one, else from
    // the checkpoint's metadata, without building the model. Cached.
    int widthDivisor();
    // "Measure this architecture here": measures `gene` on this machine the way the local device
    // `device` was measured (its thread count, the committed datasets' protocol), stores the
    // result next to the device's prediction, and returns it. A device that is not local is an
    // error; a set `cancel` stops between timed runs by throwing Cancelled, storing nothing.
    MeasurementRecord measureHere(const std::string& device, const Gene& gene,
                                  const CancelToken* cancel = nullptr);
    std::vector<MeasurementRecord> measurements(const std::string& device);
    // The best evaluated architecture under `limitMs` on `device`, straight from the database.
    std::optional<EvaluatedPoint> instantAnswer(const std::string& device, double limitMs, bool useUpper = false);
    // Everything evaluated, with its latency on `device`.
    std::vector<EvaluatedPoint> evaluatedPoints(const std::string& device);

    // A search for `device` under settings.maxLatencyMs. With `warm`, generation 0 starts from the
    // best stored evaluations under the limit (a re-search after the limit moved).
    SearchOutcome search(const std::string& device, EvolutionSettings settings, bool warm,
                         EvolutionObserver* observer = nullptr, const CancelToken* cancel = nullptr,
                         const ProgressSink& progress = {});
    // The SuperTransformer and fitness set, loaded on first use (a second or two): call early on a
    // worker thread so the first search or instant answer does not pay for it.
    SupernetFitness& fitness();
    // The fitness set quality is measured on, as recorded when the workspace was made (paths
    // resolved); cheap, loads nothing.
    FitnessSetOptions fitnessSet();
    // Evaluations stored for this SuperTransformer and fitness set.
    int64_t evaluationCount();
    // The BLEU stored with an evaluation, when it has been computed.
    std::optional<double> storedBleu(const Gene& gene);

    // Search runs: one by id, the newest on a device that stored a generation, its last stored
    // generation (best first; generation -1 and no members when none is stored).
    std::optional<RunRecord> run(int64_t runId);
    std::optional<RunRecord> latestRun(const std::string& device);
    StoredGeneration lastGeneration(int64_t runId);
    // Every stored generation of a run, oldest first.
    std::vector<GenerationSummary> runHistory(int64_t runId);
    // The device a run searched; hat::Error when the workspace no longer has it.
    std::string runDevice(const RunRecord& run);

    // Continues an interrupted run from its last stored generation (or from generation 0 when it
    // stored none yet), reusing its stored evaluations. The run is claimed for this process first:
    // hat::Error naming the run, the host and the process id while another live process runs it;
    // a dead owner's run is taken over (see run_owner.h).
    SearchOutcome resume(int64_t runId, EvolutionObserver* observer = nullptr, const CancelToken* cancel = nullptr,
                         const ProgressSink& progress = {});

private:
    Workspace();
    struct Impl;
    std::unique_ptr<Impl> d;
    void ensureLatencies(const std::string& device);
    // One Evolution per search: a new run (no `state`) starts from `seeds` and is stored, owned by
    // this process, once its generation 0 exists; a resumed one continues `state` of `runId`.
    SearchOutcome runSearch(const std::string& device, const EvolutionSettings& s, int64_t runId,
                            std::optional<EvolutionState> state, const std::vector<Gene>& seeds,
                            EvolutionObserver* observer, const CancelToken* cancel,
                            const ProgressSink& progress);
};

std::string settingsToJson(const EvolutionSettings& s);
EvolutionSettings settingsFromJson(const std::string& json);

}  // namespace hat

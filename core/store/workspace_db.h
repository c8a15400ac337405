#pragma once
// The workspace database: one SQLite file (WAL, foreign keys on) that is the source of truth for
// a workspace — design space, SuperTransformer, fitness set, devices, evaluations, latency
// predictions, search runs and every generation. Numbered migrations; a file written by a newer
// version, a corrupted file or a foreign SQLite file is refused without being modified.
// One WorkspaceDb per thread (SQLite connections are not shared across threads here).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/search/evolution.h"
#include "core/search/pareto.h"
#include "core/space/design_space.h"

struct sqlite3;
struct sqlite3_stmt;

namespace hat {

struct SupernetRecord {
    int64_t id = 0;
    std::string path, checksum;
    int widthDivisor = 1;
};

struct FitnessSetRecord {
    int64_t id = 0;
    std::string split;
    int sentences = 0;
    std::string checksum;
};

struct DeviceRecord {
    int64_t id = 0;
    std::string name;         // unique, e.g. "raspberrypi", "local-1t"
    std::string kind;         // "dataset" (measured elsewhere) or "local"
    std::string source;       // where the data came from
    std::string predictorPath;  // the file the predictor came from, relative to the workspace
};

// One architecture measured on a local device from the explorer ("measure this architecture
// here"), with what the device's predictor said about it at the time.
struct MeasurementRecord {
    int64_t id = 0;
    Gene gene;
    double encoderMs = 0.0, decoderMs = 0.0;
    double encoderSdMs = 0.0, decoderSdMs = 0.0;
    std::string protocol;  // MeasurementProtocol::summary()
    double predictedMs = 0.0, lowerMs = 0.0, upperMs = 0.0;
    std::string measuredAt;  // UTC, "YYYY-MM-DD HH:MM:SS"; set by the database

    double totalMs() const { return encoderMs + decoderMs; }
};

struct EvaluationRecord {
    Gene gene;                // canonical
    double validLoss = 0.0;
    std::optional<double> bleu;
};

// The process running a search run (schema 4; see core/workspace/run_owner.h for when it counts
// as dead): its id, its host, and its last sign of life.
struct RunOwner {
    int64_t pid = 0;
    std::string host;
    double heartbeat = 0.0;  // Unix seconds
};

struct RunRecord {
    int64_t id = 0;
    int64_t deviceId = 0;
    double maxLatencyMs = 0.0;
    uint64_t seed = 0;
    std::string settingsJson, status;  // status: running, finished, cancelled, failed
    // None: nobody runs it (it ended or stopped, or it is from before schema 4).
    std::optional<RunOwner> owner;
};

// What claimRun found: the owner before the claim (none, a dead one now replaced, or the live one
// that keeps the run) and whether the run is now the claimer's.
struct RunClaim {
    bool claimed = false;
    std::optional<RunOwner> previous;
};

class WorkspaceDb {
public:
    static constexpr int kSchemaVersion = 5;

    // Opens (and with `create`, creates) the database and brings its schema up to date. An
    // existing file is looked at before SQLite may write it: an empty file, one that is not
    // SQLite, a foreign SQLite file or a newer schema is hat::Error naming the file, the file
    // byte-identical and nothing left beside it. Only `create` makes a new workspace.
    static WorkspaceDb open(const std::string& path, bool create = false);
    // Opens an existing database without ever writing to it or beside it (no WAL switch, no
    // -wal/-shm, no migration stored): queries run on a private in-memory snapshot taken now, an
    // older schema is migrated in that snapshot only, and every write fails. For commands that
    // only read and for workspaces this process cannot write. Refuses what open() refuses.
    static WorkspaceDb openReadOnly(const std::string& path);
    WorkspaceDb(WorkspaceDb&&) noexcept;
    WorkspaceDb& operator=(WorkspaceDb&&) noexcept;
    ~WorkspaceDb();

    const std::string& path() const { return path_; }
    bool readOnly() const { return readOnly_; }
    // Writes a consistent copy of this database, as this connection sees it, to the new file
    // `target` (SQLite's online backup); hat::Error naming `target`, which is then not left behind.
    void copyTo(const std::string& target) const;
    int schemaVersion();

    void setMeta(const std::string& key, const std::string& value);
    std::optional<std::string> meta(const std::string& key);

    void setSpace(const DesignSpace& space);
    DesignSpace space();

    int64_t addSupernet(const SupernetRecord& s);
    std::optional<SupernetRecord> supernet(int64_t id);
    std::vector<SupernetRecord> supernets();
    int64_t addFitnessSet(const FitnessSetRecord& f);
    std::optional<FitnessSetRecord> fitnessSet(int64_t id);
    // The id addSupernet / addFitnessSet would return, without adding (for read-only workspaces).
    std::optional<int64_t> supernetId(const std::string& checksum, int widthDivisor);
    std::optional<int64_t> fitnessSetId(const std::string& checksum);

    int64_t addDevice(const DeviceRecord& d);
    std::vector<DeviceRecord> devices();
    std::optional<DeviceRecord> device(const std::string& name);
    // The bytes of a device's predictor file, kept in the database (empty: none stored, as in a
    // workspace from before schema 3 until its Workspace stores it; storing empty clears it).
    void setDevicePredictor(int64_t deviceId, const std::vector<char>& bytes);
    std::vector<char> devicePredictor(int64_t deviceId);

    // Evaluations are keyed by (supernet, fitness set, canonical gene).
    std::optional<double> evaluation(int64_t supernetId, int64_t fitnessSetId, const Gene& gene);
    // The BLEU stored with an evaluation, when one was computed.
    std::optional<double> evaluationBleu(int64_t supernetId, int64_t fitnessSetId, const Gene& gene);
    void addEvaluations(int64_t supernetId, int64_t fitnessSetId, const std::vector<EvaluationRecord>& e);
    int64_t evaluationCount(int64_t supernetId, int64_t fitnessSetId);

    // Predicted latency of genes on a device (so limits can be answered by a query).
    void addLatencies(int64_t deviceId, const std::vector<std::pair<Gene, LatencyBound>>& l);
    // Evaluated genes with no latency stored for `deviceId` yet.
    std::vector<Gene> genesWithoutLatency(int64_t supernetId, int64_t fitnessSetId, int64_t deviceId);

    // The best evaluated architecture under a limit on a device: the instant answer.
    std::optional<EvaluatedPoint> bestUnder(int64_t supernetId, int64_t fitnessSetId, int64_t deviceId,
                                            double limitMs, bool useUpperBound = false);
    std::vector<EvaluatedPoint> evaluatedPoints(int64_t supernetId, int64_t fitnessSetId, int64_t deviceId);

    // Measurements of one device, oldest first.
    int64_t addMeasurement(int64_t deviceId, const MeasurementRecord& m);
    std::vector<MeasurementRecord> measurements(int64_t deviceId);
    // A new run, owned by `r.owner` when set, with `start` (generation 0's population and the
    // generator state that breeds from it) stored as the state to resume from until a generation
    // is: a run killed while its generation 0 is scored resumes too.
    int64_t createRun(const RunRecord& r, const std::optional<EvolutionState>& start = std::nullopt);
    // Makes `me` the run's owner when it has none or `ownerDead(owner)` says its owner is dead:
    // one UPDATE ... WHERE in a BEGIN IMMEDIATE transaction, so of processes claiming at once
    // exactly one wins. hat::Error when there is no such run.
    RunClaim claimRun(int64_t runId, const RunOwner& me, const std::function<bool(const RunOwner&)>& ownerDead);
    // Sets the heartbeat of `me`'s run to me.heartbeat; false when the run is no longer `me`'s.
    bool heartbeatRun(int64_t runId, const RunOwner& me);
    // Gives up `me`'s ownership, setting `status` when it is not empty; false (nothing changed)
    // when the run is no longer `me`'s.
    bool releaseRun(int64_t runId, const RunOwner& me, const std::string& status = "");
    void setRunStatus(int64_t runId, const std::string& status);
    std::optional<RunRecord> run(int64_t runId);
    // The newest search run on a device that stored at least one generation.
    std::optional<RunRecord> latestRun(int64_t deviceId);
    // Stores a scored generation and the state that continues the search, in one transaction.
    // With `owner`, the same transaction refreshes its heartbeat, or refuses (hat::Error naming
    // the run and who took it over) when the run is no longer `owner`'s.
    void writeGeneration(int64_t runId, const GenerationReport& report, const RunOwner* owner = nullptr);
    // The state to continue a run from: the `next` of its last stored generation, else the state
    // it started from (none for a run from before schema 4 that stored no generation).
    std::optional<EvolutionState> resumeState(int64_t runId);
    std::vector<Candidate> generationMembers(int64_t runId, int generation);
    int generationCount(int64_t runId);
    // Each stored generation's seconds, by generation number from 0.
    std::vector<double> generationSeconds(int64_t runId);

    // Runs `f` in one transaction (BEGIN IMMEDIATE ... COMMIT, ROLLBACK on exception).
    template <typename F>
    void transaction(F&& f) {
        exec("BEGIN IMMEDIATE");
        try {
            f();
        } catch (...) {
            exec("ROLLBACK");
            throw;
        }
        exec("COMMIT");
    }
    void exec(const std::string& sql);

private:
    WorkspaceDb() = default;
    void migrate();
    // `text` from the database as a gene of the workspace's design space: hat::Error naming the
    // file, `where` (the row) and the problem when it is not one, so nothing downstream ever sees
    // 2e9 layers. A database without a space yet (the store's own tests) only parses.
    Gene storedGene(const std::string& text, const std::string& where);
    std::vector<Gene> storedPopulation(const std::string& text, const std::string& where);
    sqlite3* db_ = nullptr;
    std::string path_;
    bool readOnly_ = false;
    // storedGene's space, read from the meta table on first use (and set by setSpace).
    bool geneSpaceRead_ = false;
    std::optional<DesignSpace> geneSpace_;
};

// Whether this process may write the database at `path`: the file, its folder (where SQLite puts
// its -wal, -shm and journal files) and any -wal/-shm already there. `canWrite` answers for one
// path; access(2) with W_OK when not given (so a read-only mount counts, and root may write any
// file whatever its mode bits).
bool databaseWritable(const std::string& path, bool (*canWrite)(const std::string&) = nullptr);

}  // namespace hat

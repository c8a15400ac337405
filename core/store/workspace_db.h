#pragma once
// The workspace database: one SQLite file (WAL, foreign keys on) that is the source of truth for
// a workspace — design space, SuperTransformer, fitness set, devices, evaluations, latency
// predictions, search runs and every generation. Numbered migrations; a file written by a newer
// version, a corrupted file or a foreign SQLite file is refused without being modified.
// One WorkspaceDb per thread (SQLite connections are not shared across threads here).
#include <cstdint>
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

struct RunRecord {
    int64_t id = 0;
    int64_t deviceId = 0;
    double maxLatencyMs = 0.0;
    uint64_t seed = 0;
    std::string settingsJson, status;  // status: running, finished, cancelled, failed
};

class WorkspaceDb {
public:
    static constexpr int kSchemaVersion = 3;

    // Opens (and with `create`, creates) the database and brings its schema up to date.
    static WorkspaceDb open(const std::string& path, bool create = false);
    WorkspaceDb(WorkspaceDb&&) noexcept;
    WorkspaceDb& operator=(WorkspaceDb&&) noexcept;
    ~WorkspaceDb();

    const std::string& path() const { return path_; }
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
    int64_t createRun(const RunRecord& r);
    void setRunStatus(int64_t runId, const std::string& status);
    std::optional<RunRecord> run(int64_t runId);
    // The newest search run on a device that stored at least one generation.
    std::optional<RunRecord> latestRun(int64_t deviceId);
    // Stores a scored generation and the state that continues the search, in one transaction.
    void writeGeneration(int64_t runId, const GenerationReport& report);
    // The state to continue a run from: the `next` of its last stored generation.
    std::optional<EvolutionState> resumeState(int64_t runId);
    std::vector<Candidate> generationMembers(int64_t runId, int generation);
    int generationCount(int64_t runId);

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
    sqlite3* db_ = nullptr;
    std::string path_;
};

}  // namespace hat

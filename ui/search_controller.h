#pragma once
// The UI's only door to core's heavy work. Owns one worker thread; the worker owns its own
// Workspace (a Workspace is not thread-safe, and loading the SuperTransformer or evaluating must
// never happen on the UI thread). Every request gets an increasing job id; a result whose id is not
// the latest request of its kind is dropped, so a dragged slider never shows an old answer.
#include <QObject>
#include <QPointer>
#include <QString>

#include <atomic>
#include <exception>
#include <memory>
#include <optional>
#include <vector>

#include "core/latency/latency_predictor.h"
#include "core/workspace/device_comparison.h"
#include "core/workspace/workspace.h"

class QThread;

namespace hat::ui {

using JobId = quint64;


// What the window needs to know about an opened workspace (plain values, copied across threads).
struct WorkspaceInfo {
    QString dir;
    DesignSpace space;
    std::vector<DeviceRecord> devices;
    QString checkpoint;  // SuperTransformer file
    QString fitnessSet;  // e.g. "valid, first 300 sentences"
    // Quality is measured on a SuperTransformer whose widths are divided by this (the demo's 8)
    // while latency is predicted at full size; 1: full width; 0: not known yet (it comes with
    // supernetLoaded, once the worker has loaded the SuperTransformer).
    int widthDivisor = 0;
    // Per device (same order as `devices`): predicted latency of the space's smallest and largest
    // SubTransformer, the range a latency limit on that device can sensibly take.
    std::vector<LatencyRange> ranges;
    // Opened read-only: this process cannot write the workspace (a read-only mount, someone
    // else's files); it is shown, searched for nothing and measured into nothing.
    bool readOnly = false;
    QString database;  // the workspace.db file, for the read-only banner
};

struct InstantAnswer {
    QString device;
    double limitMs = 0.0;
    std::optional<EvaluatedPoint> point;  // none: nothing evaluated under the limit yet
};

struct PointSet {
    QString device;
    std::vector<EvaluatedPoint> points;
};

// The last stored generation of the newest search on a device (what the population table shows
// when a workspace opens); empty when the device has none.
struct StoredPopulation {
    QString device;
    int64_t runId = 0;
    double limitMs = 0.0;
    int generation = -1;
    std::vector<Candidate> members;  // best first
    std::vector<GenerationSummary> history;  // every stored generation of that run
};

// How far a device's latency predictor can be trusted: its out-of-fold predictions on the rows it
// was trained on, and their summary.
struct PredictorTrust {
    QString device;
    QString description;              // the predictor file and how it was trained
    std::vector<HeldOutRow> rows;     // empty for HAT's own files (never calibrated)
    PredictionReport report;
    std::vector<MeasurementRecord> measured;  // measured here from the explorer, oldest first
};

// Devices side by side at one relative limit (see core/workspace/device_comparison.h).
struct DeviceComparison {
    double relative = 0.5;
    bool useUpper = false;
    std::vector<DeviceComparisonRow> rows;
};

class SearchWorker;

class SearchController : public QObject {
    Q_OBJECT
public:
    explicit SearchController(QObject* parent = nullptr);
    ~SearchController() override;

    // All requests return at once; the answer arrives as a signal on the calling (UI) thread.
    JobId openWorkspace(const QString& dir);
    // Creates a workspace (loads and checks its predictors, so not on the UI thread); answers with
    // workspaceCreated or workspaceFailed.
    JobId createWorkspace(const WorkspaceInit& init);
    // Points the open workspace at its SuperTransformer after a move (checked by checksum);
    // answers with checkpointRelocated or failed.
    JobId relocateCheckpoint(const QString& path);
    JobId requestPoints(const QString& device);
    JobId requestLastPopulation(const QString& device);
    JobId requestInstantAnswer(const QString& device, double limitMs, bool useUpper = false);
    JobId requestTrust(const QString& device);
    JobId requestComparison(const QStringList& devices, double relative, bool useUpper = false);
    // Writes the SubTransformer's inherited weights (a dict of tensors) to `path`; answers with
    // weightsExported or failed.
    JobId exportWeights(const Gene& gene, const QString& path);
    // Writes the device's evaluated points (or its Pareto front) as the one points CSV dialect
    // (core/export/points_csv.h, the same bytes `hat pareto --csv` prints); answers with
    // fileExported or failed.
    JobId exportPointsCsv(const QString& device, bool frontOnly, bool useUpper, const QString& path);
    // BLEU of the device's Pareto front members that have none yet (beam search over the fitness
    // set, stored in the workspace): progressed after each, then bleuFinished. Shares the
    // search's cancellation: cancelSearch() or a new search stops it.
    JobId evaluateFrontBleu(const QString& device);
    bool evaluatingBleu() const { return pendingBleu_ > 0; }
    // Cancels the running search (if any) and queues this one.
    // `threads`: fitness evaluations side by side (one architecture per thread); 0 keeps the last.
    JobId startSearch(const QString& device, const EvolutionSettings& settings, bool warm, int threads = 0);
    void cancelSearch();

    // True while a search is queued or running (cancelled ones included until they stop).
    bool searching() const { return pendingSearches_ > 0; }
    JobId latestSearch() const { return latestSearch_.load(); }

Q_SIGNALS:
    // Every signal names the request it answers; a receiver drops what is not for its newest one.
    void workspaceOpened(hat::ui::JobId job, const hat::ui::WorkspaceInfo& info);
    // Right after workspaceOpened the worker loads the SuperTransformer (a second or two, which
    // the first search then does not pay) and reports its width divisor.
    void supernetLoaded(hat::ui::JobId job, int widthDivisor);
    void workspaceFailed(hat::ui::JobId job, const QString& dir, const QString& message);
    void workspaceCreated(hat::ui::JobId job, const QString& dir);
    void weightsExported(hat::ui::JobId job, const QString& path, qint64 parameters);
    void fileExported(hat::ui::JobId job, const QString& path);
    void checkpointRelocated(hat::ui::JobId job, const QString& path);
    void pointsReady(hat::ui::JobId job, const hat::ui::PointSet& points);
    void populationReady(hat::ui::JobId job, const hat::ui::StoredPopulation& population);
    void instantAnswer(hat::ui::JobId job, const hat::ui::InstantAnswer& answer);
    void trustReady(hat::ui::JobId job, const hat::ui::PredictorTrust& trust);
    void comparisonReady(hat::ui::JobId job, const hat::ui::DeviceComparison& comparison);
    void searchStarted(hat::ui::JobId job);
    void generationFinished(hat::ui::JobId job, const hat::GenerationReport& report);
    void searchFinished(hat::ui::JobId job, const hat::SearchOutcome& outcome);
    // How far a search or a BLEU evaluation is (core's ProgressUpdate: fraction of the job in
    // [0, 1], a line of text, the seconds left or negative while unknown).
    void progressed(hat::ui::JobId job, double fraction, double secondsLeft, const QString& text);
    void bleuFinished(hat::ui::JobId job, int computed, bool cancelled);
    // A request failed: `job` is the id its request returned.
    void failed(hat::ui::JobId job, const QString& message);

private:
    friend class SearchWorker;
    JobId nextId() { return ++lastId_; }
    // Runs `job` on the worker thread.
    template <typename F>
    void post(F&& job);
    // Runs `f` on this (UI) thread when it is still alive.
    template <typename F>
    void deliver(F&& f);
    // Delivers `e` as the failure of request `id`.
    void fail(JobId id, const std::exception& e);
    // A sink for a worker-thread job: its reports come out as progressed(id, ...).
    ProgressSink progressTo(JobId id);

    QThread* thread_ = nullptr;
    SearchWorker* worker_ = nullptr;
    std::atomic<JobId> lastId_{0};
    // Latest job of each kind; read by the worker to skip superseded queued jobs.
    std::atomic<JobId> latestOpen_{0}, latestPoints_{0}, latestPopulation_{0}, latestInstant_{0}, latestSearch_{0},
        latestTrust_{0}, latestComparison_{0};
    std::shared_ptr<CancelToken> cancel_;
    int pendingSearches_ = 0;
    int pendingBleu_ = 0;
    std::atomic<JobId> latestBleu_{0};
};

void registerMetaTypes();

}  // namespace hat::ui

Q_DECLARE_METATYPE(hat::ui::WorkspaceInfo)
Q_DECLARE_METATYPE(hat::ui::InstantAnswer)
Q_DECLARE_METATYPE(hat::ui::PointSet)
Q_DECLARE_METATYPE(hat::ui::StoredPopulation)
Q_DECLARE_METATYPE(hat::ui::PredictorTrust)
Q_DECLARE_METATYPE(hat::ui::DeviceComparison)
Q_DECLARE_METATYPE(hat::GenerationReport)
Q_DECLARE_METATYPE(hat::SearchOutcome)

#include "ui/search_controller.h"

#include <QThread>
#include <algorithm>
#include <exception>

#include "core/export/points_csv.h"
#include "core/export/subtransformer_file.h"
#include "core/export/workspace_export.h"
#include "core/model/compute_threads.h"
#include "core/util/error.h"

namespace hat::ui {

// Lives on the worker thread; everything it touches (the Workspace) is only touched there.
class SearchWorker : public QObject {
  public:
    std::unique_ptr<Workspace> ws;
};

namespace {

// Forwards each scored generation to the UI thread as it is stored.
struct ForwardingObserver : EvolutionObserver {
    std::function<void(const GenerationReport&)> forward;
    void onGeneration(const GenerationReport& r) override { forward(r); }
};

QString q(const std::string& s) { return QString::fromStdString(s); }

}  // namespace

void registerMetaTypes() {
    qRegisterMetaType<hat::ui::JobId>("hat::ui::JobId");
    qRegisterMetaType<hat::ui::WorkspaceInfo>();
    qRegisterMetaType<hat::ui::InstantAnswer>();
    qRegisterMetaType<hat::ui::PointSet>();
    qRegisterMetaType<hat::ui::StoredPopulation>();
    qRegisterMetaType<hat::ui::PredictorTrust>();
    qRegisterMetaType<hat::ui::DeviceComparison>();
    qRegisterMetaType<hat::GenerationReport>();
    qRegisterMetaType<hat::SearchOutcome>();
}

SearchController::SearchController(QObject* parent) : QObject(parent) {
    registerMetaTypes();
    thread_ = new QThread(this);
    thread_->setObjectName("hat-worker");
    worker_ = new SearchWorker;
    worker_->moveToThread(thread_);
    connect(thread_, &QThread::finished, worker_, &QObject::deleteLater);
    thread_->start();
}

SearchController::~SearchController() {
    if (cancel_) cancel_->cancel();
    // Drop the Workspace on the thread that created it, then stop the thread.
    SearchWorker* w = worker_;
    QMetaObject::invokeMethod(
        w, [w] { w->ws.reset(); }, Qt::QueuedConnection);
    thread_->quit();
    thread_->wait();
}

template <typename F>
void SearchController::post(F&& job) {
    QMetaObject::invokeMethod(worker_, std::forward<F>(job), Qt::QueuedConnection);
}

template <typename F>
void SearchController::deliver(F&& f) {
    QMetaObject::invokeMethod(this, std::forward<F>(f), Qt::QueuedConnection);
}

ProgressSink SearchController::progressTo(JobId id) {
    return ProgressSink([this, id](const ProgressUpdate& u) {
        deliver([this, id, f = u.fraction, left = u.secondsLeft, text = q(u.message)] {
            Q_EMIT progressed(id, f, left, text);
        });
    });
}

JobId SearchController::openWorkspace(const QString& dir) {
    const JobId id = nextId();
    latestOpen_ = id;
    latestSearch_ = id;  // results of searches in the previous workspace are stale now
    if (cancel_) cancel_->cancel();
    SearchWorker* w = worker_;
    post([this, w, id, dir] {
        try {
            auto ws = std::make_unique<Workspace>(Workspace::open(dir.toStdString()));
            WorkspaceInfo info;
            info.dir = dir;
            info.readOnly = ws->readOnly();
            info.database = q(ws->databasePath());
            info.space = ws->space();
            info.devices = ws->devices();
            info.checkpoint = q(ws->checkpointPath());
            const FitnessSetOptions fitness = ws->fitnessSet();
            info.fitnessSet = q(fitness.split) + (fitness.spread ? tr(", %1 sentences spread")
                                                                 : tr(", first %1 sentences"))
                                                     .arg(fitness.sentences);
            // The limit's range on each device is known before anything is evaluated: two
            // predictor calls per device.
            for (const DeviceRecord& d : info.devices) info.ranges.push_back(ws->latencyRange(d.name));
            w->ws = std::move(ws);
            deliver([this, id, info] {
                if (id == latestOpen_) Q_EMIT workspaceOpened(id, info);
            });
        } catch (const std::exception& e) {
            const QString msg = q(e.what());
            deliver([this, id, dir, msg] { Q_EMIT workspaceFailed(id, dir, msg); });
            return;
        }
        try {
            const int divisor = supernetWidthDivisor(*w->ws);
            deliver([this, id, divisor] {
                if (id == latestOpen_) Q_EMIT supernetLoaded(id, divisor);
            });
        } catch (const std::exception& e) {
            fail(id, e);  // e.g. a moved workspace whose SuperTransformer is not where it was
        }
    });
    return id;
}

JobId SearchController::createWorkspace(const WorkspaceInit& init) {
    const JobId id = nextId();
    post([this, id, init] {
        const QString dir = q(init.dir);
        try {
            WorkspaceInit in = init;
            fillFromTrainingRecord(in);
            if (in.fitness.corpusDir.empty() || in.fitness.dictionary.empty()) {
                throw Error(in.checkpoint +
                            ": no train_options.json next to it names the corpus and dictionary");
            }
            Workspace::init(in);
            deliver([this, id, dir] { Q_EMIT workspaceCreated(id, dir); });
        } catch (const std::exception& e) {
            const QString msg = q(e.what());
            deliver([this, id, dir, msg] { Q_EMIT workspaceFailed(id, dir, msg); });
        }
    });
    return id;
}

JobId SearchController::exportWeights(const Gene& gene, const QString& path) {
    const JobId id = nextId();
    SearchWorker* w = worker_;
    post([this, w, id, gene, path] {
        try {
            if (!w->ws) throw Error("no workspace is open");
            const qint64 n = w->ws->exportInheritedWeights(gene, path.toStdString());
            deliver([this, id, path, n] { Q_EMIT weightsExported(id, path, n); });
        } catch (const std::exception& e) {
            fail(id, e);
        }
    });
    return id;
}

JobId SearchController::exportPointsCsv(const QString& device, bool frontOnly, bool useUpper,
                                        const QString& path) {
    const JobId id = nextId();
    SearchWorker* w = worker_;
    post([this, w, id, device, frontOnly, useUpper, path] {
        try {
            if (!w->ws) throw Error("no workspace is open");
            const PointsTable table =
                pointsTable(*w->ws, device.toStdString(), frontOnly, useUpper);
            writeFileAtomically(path.toStdString(), pointsCsv(table, w->ws->space()));
            deliver([this, id, path] { Q_EMIT fileExported(id, path); });
        } catch (const std::exception& e) {
            fail(id, e);
        }
    });
    return id;
}

void SearchController::fail(JobId id, const std::exception& e) {
    const QString msg = q(e.what());
    deliver([this, id, msg] { Q_EMIT failed(id, msg); });
}

JobId SearchController::requestPoints(const QString& device) {
    const JobId id = nextId();
    latestPoints_ = id;
    SearchWorker* w = worker_;
    post([this, w, id, device] {
        if (id != latestPoints_ || !w->ws) return;
        try {
            PointSet set{device, w->ws->evaluatedPoints(device.toStdString())};
            deliver([this, id, set = std::move(set)] {
                if (id == latestPoints_) Q_EMIT pointsReady(id, set);
            });
        } catch (const std::exception& e) {
            fail(id, e);
        }
    });
    return id;
}

JobId SearchController::relocateCheckpoint(const QString& path) {
    const JobId id = nextId();
    SearchWorker* w = worker_;
    post([this, w, id, path] {
        try {
            if (!w->ws) throw Error("no workspace is open");
            w->ws->relocateCheckpoint(path.toStdString());
            deliver([this, id, path] { Q_EMIT checkpointRelocated(id, path); });
        } catch (const std::exception& e) {
            fail(id, e);
        }
    });
    return id;
}

JobId SearchController::requestLastPopulation(const QString& device) {
    const JobId id = nextId();
    latestPopulation_ = id;
    SearchWorker* w = worker_;
    post([this, w, id, device] {
        if (id != latestPopulation_ || !w->ws) return;
        try {
            StoredPopulation p;
            p.device = device;
            if (const auto run = w->ws->latestRun(device.toStdString())) {
                p.runId = run->id;
                p.limitMs = run->maxLatencyMs;
                StoredGeneration last = w->ws->lastGeneration(run->id);
                p.generation = last.generation;
                p.members = std::move(last.members);
                p.history = w->ws->runHistory(run->id);
            }
            deliver([this, id, p = std::move(p)] {
                if (id == latestPopulation_) Q_EMIT populationReady(id, p);
            });
        } catch (const std::exception& e) {
            fail(id, e);
        }
    });
    return id;
}

JobId SearchController::requestInstantAnswer(const QString& device, double limitMs, bool useUpper) {
    const JobId id = nextId();
    latestInstant_ = id;
    SearchWorker* w = worker_;
    post([this, w, id, device, limitMs, useUpper] {
        // A slider drag queues many of these; only the newest is worth a query.
        if (id != latestInstant_ || !w->ws) return;
        try {
            InstantAnswer a{device, limitMs,
                            w->ws->instantAnswer(device.toStdString(), limitMs, useUpper)};
            deliver([this, id, a] {
                if (id == latestInstant_) Q_EMIT instantAnswer(id, a);
            });
        } catch (const std::exception& e) {
            fail(id, e);
        }
    });
    return id;
}

JobId SearchController::requestTrust(const QString& device) {
    const JobId id = nextId();
    latestTrust_ = id;
    SearchWorker* w = worker_;
    post([this, w, id, device] {
        if (id != latestTrust_ || !w->ws) return;
        try {
            const LatencyPredictor& p = w->ws->predictor(device.toStdString());
            PredictorTrust t{device, q(p.description()), p.heldOut(), p.heldOutReport(),
                             w->ws->measurements(device.toStdString())};
            deliver([this, id, t = std::move(t)] {
                if (id == latestTrust_) Q_EMIT trustReady(id, t);
            });
        } catch (const std::exception& e) {
            fail(id, e);
        }
    });
    return id;
}

JobId SearchController::requestComparison(const QStringList& devices, double relative,
                                          bool useUpper) {
    const JobId id = nextId();
    latestComparison_ = id;
    std::vector<std::string> names;
    for (const QString& d : devices) names.push_back(d.toStdString());
    SearchWorker* w = worker_;
    post([this, w, id, names, relative, useUpper] {
        // Dragging the relative limit queues many of these; only the newest is worth the queries.
        if (id != latestComparison_ || !w->ws) return;
        try {
            DeviceComparison c{relative, useUpper,
                               compareDevices(*w->ws, names, relative, useUpper)};
            deliver([this, id, c = std::move(c)] {
                if (id == latestComparison_) Q_EMIT comparisonReady(id, c);
            });
        } catch (const std::exception& e) {
            fail(id, e);
        }
    });
    return id;
}

JobId SearchController::startSearch(const QString& device, const EvolutionSettings& settings,
                                    bool warm, int threads) {
    const JobId id = nextId();
    latestSearch_ = id;
    if (cancel_) cancel_->cancel();
    auto token = std::make_shared<CancelToken>();
    cancel_ = token;
    ++pendingSearches_;
    SearchWorker* w = worker_;
    post([this, w, id, device, settings, warm, token, threads] {
        auto finish = [this] { --pendingSearches_; };
        if (threads > 0) setComputeThreads(threads);
        if (id != latestSearch_ || token->cancelled() || !w->ws) {
            deliver(finish);
            return;
        }
        deliver([this, id] {
            if (id == latestSearch_) Q_EMIT searchStarted(id);
        });
        ForwardingObserver obs;
        obs.forward = [this, id](const GenerationReport& r) {
            deliver([this, id, r] {
                if (id == latestSearch_) Q_EMIT generationFinished(id, r);
            });
        };
        try {
            const SearchOutcome out = w->ws->search(device.toStdString(), settings, warm, &obs,
                                                    token.get(), progressTo(id));
            deliver([this, id, out, finish] {
                finish();
                if (id == latestSearch_) Q_EMIT searchFinished(id, out);
            });
        } catch (const std::exception& e) {
            const QString msg = q(e.what());
            deliver([this, id, msg, finish] {
                finish();
                Q_EMIT failed(id, msg);
            });
        }
    });
    return id;
}

JobId SearchController::evaluateFrontBleu(const QString& device) {
    const JobId id = nextId();
    latestBleu_ = id;
    if (cancel_) cancel_->cancel();
    auto token = std::make_shared<CancelToken>();
    cancel_ = token;
    ++pendingBleu_;
    SearchWorker* w = worker_;
    post([this, w, id, device, token] {
        int computed = 0;
        try {
            if (!w->ws) throw Error("no workspace is open");
            std::vector<Gene> todo;
            for (const auto& p : paretoFront(w->ws->evaluatedPoints(device.toStdString()))) {
                if (!p.bleu) todo.push_back(p.gene);
            }
            const ProgressSink forward = progressTo(id);
            w->ws->fitness().bleu(todo,
                                  ProgressSink([&computed, forward](const ProgressUpdate& u) {
                                      // The first report announces the work; each later one
                                      // is an architecture done.
                                      ++computed;
                                      forward.report(u.fraction, u.message);
                                  }),
                                  token.get());
            deliver([this, id, computed, token] {
                --pendingBleu_;
                Q_EMIT bleuFinished(id, std::max(0, computed - 1), token->cancelled());
            });
        } catch (const std::exception& e) {
            const QString msg = q(e.what());
            deliver([this, id, msg, computed] {
                --pendingBleu_;
                Q_EMIT failed(id, msg);
                Q_EMIT bleuFinished(id, std::max(0, computed - 1), true);
            });
        }
    });
    return id;
}

void SearchController::cancelSearch() {
    if (cancel_) cancel_->cancel();
}

}  // namespace hat::ui

#pragma once
// Long work that is not a search: training a SuperTransformer, measuring a latency dataset,
// measuring one architecture on this machine. Each job runs on a thread of its own (a training
// run must not hold up the interactive search), reports progress, an estimate of the time left
// and log lines, can be cancelled, and ends with exactly one finished signal. Work functions use
// core only and open their own Workspace when they need one (a Workspace is one thread's).
#include <QObject>
#include <QString>

#include <functional>
#include <map>
#include <memory>

#include "core/util/progress.h"

class QThread;

namespace hat::ui {

using LongJobId = quint64;

// What a running job may call, from its own thread.
class JobContext {
public:
    const CancelToken* cancelToken() const { return &cancel_; }
    bool cancelled() const { return cancel_.cancelled(); }
    // Where core reports (the same protocol as every core job): fraction, text and the time
    // left reach the runner's progressed signal.
    const ProgressSink& sink() const { return sink_; }
    // Fraction done in [0, 1] (negative: unknown) and a line of status text, into sink().
    void progress(double fraction, const QString& text);
    void log(const QString& line);

private:
    friend class JobRunner;
    CancelToken cancel_;
    ProgressSink sink_;
    std::function<void(const QString&)> onLog_;
};

class JobRunner : public QObject {
    Q_OBJECT
public:
    // Returns the message shown when the job ends well; throws (hat::Error, std::exception) to
    // fail; returns or throws Cancelled after its token was set to end as cancelled.
    using Work = std::function<QString(JobContext&)>;

    explicit JobRunner(QObject* parent = nullptr);
    ~JobRunner() override;  // cancels every job and waits for them

    LongJobId start(const QString& title, Work work);
    void cancel(LongJobId id);
    void cancelAll();
    int running() const { return static_cast<int>(jobs_.size()); }
    // Blocks (for tests and shutdown) until no job runs or `ms` passed; true when none runs.
    bool waitForAll(int ms);

Q_SIGNALS:
    void started(hat::ui::LongJobId id, const QString& title);
    // secondsLeft < 0: not known yet.
    void progressed(hat::ui::LongJobId id, double fraction, double secondsLeft, const QString& text);
    void logged(hat::ui::LongJobId id, const QString& line);
    // ok: finished normally; otherwise cancelled or failed with `message` (the error).
    void finished(hat::ui::LongJobId id, bool ok, bool cancelled, const QString& message);

private:
    struct Job {
        QString title;
        QThread* thread = nullptr;
        std::shared_ptr<JobContext> context;
    };
    void onDone(LongJobId id, bool ok, bool cancelled, const QString& message);

    LongJobId lastId_ = 0;
    std::map<LongJobId, Job> jobs_;
};

}  // namespace hat::ui

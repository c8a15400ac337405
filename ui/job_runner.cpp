#include "ui/job_runner.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QPointer>
#include <QThread>

#include <exception>

namespace hat::ui {

void JobContext::progress(double fraction, const QString& text) {
    sink_.report(fraction, text.toStdString());
}

void JobContext::log(const QString& line) {
    if (onLog_) onLog_(line);
}

JobRunner::JobRunner(QObject* parent) : QObject(parent) {}

JobRunner::~JobRunner() {
    cancelAll();
    for (auto& [id, job] : jobs_) job.thread->wait();
    for (auto& [id, job] : jobs_) delete job.thread;
}

LongJobId JobRunner::start(const QString& title, Work work) {
    const LongJobId id = ++lastId_;
    auto ctx = std::make_shared<JobContext>();
    QPointer<JobRunner> self(this);
    // Called on the job's thread: hop to this object's thread; dropped once the runner is gone.
    ctx->sink_ = ProgressSink([self, id](const ProgressUpdate& u) {
        const QString text = QString::fromStdString(u.message);
        QMetaObject::invokeMethod(self, [self, id, f = u.fraction, left = u.secondsLeft, text] {
            if (self && self->jobs_.count(id)) Q_EMIT self->progressed(id, f, left, text);
        }, Qt::QueuedConnection);
    });
    ctx->onLog_ = [self, id](const QString& line) {
        QMetaObject::invokeMethod(self, [self, id, line] { if (self) Q_EMIT self->logged(id, line); },
                                  Qt::QueuedConnection);
    };
    QThread* thread = QThread::create([self, id, ctx, work = std::move(work)] {
        bool ok = false, cancelled = false;
        QString message;
        try {
            message = work(*ctx);
            cancelled = ctx->cancelled();
            ok = !cancelled;
        } catch (const Cancelled&) {
            cancelled = true;
        } catch (const std::exception& e) {
            message = QString::fromStdString(e.what());
        }
        if (cancelled && message.isEmpty()) message = QObject::tr("cancelled");
        QMetaObject::invokeMethod(self, [self, id, ok, cancelled, message] {
            if (self) self->onDone(id, ok, cancelled, message);
        }, Qt::QueuedConnection);
    });
    thread->setObjectName("hat-job-" + QString::number(id));
    Job job;
    job.title = title;
    job.thread = thread;
    job.context = ctx;
    jobs_.emplace(id, std::move(job));
    Q_EMIT started(id, title);
    thread->start(QThread::LowPriority);
    return id;
}

void JobRunner::cancel(LongJobId id) {
    const auto it = jobs_.find(id);
    if (it != jobs_.end()) it->second.context->cancel_.cancel();
}

void JobRunner::cancelAll() {
    for (auto& [id, job] : jobs_) job.context->cancel_.cancel();
}

bool JobRunner::waitForAll(int ms) {
    QDeadlineTimer deadline(ms);
    while (!jobs_.empty() && !deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(5);
    }
    return jobs_.empty();
}

void JobRunner::onDone(LongJobId id, bool ok, bool cancelled, const QString& message) {
    const auto it = jobs_.find(id);
    if (it == jobs_.end()) return;
    it->second.thread->wait();
    delete it->second.thread;
    jobs_.erase(it);
    Q_EMIT finished(id, ok, cancelled, message);
}

}  // namespace hat::ui

#include "ui/jobs_controller.h"

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QMainWindow>
#include <QMenu>
#include <QMessageBox>
#include <QStatusBar>

#include "ui/job_dialogs.h"
#include "ui/jobs_panel.h"
#include "ui/selection_model.h"

namespace hat::ui {

JobsController::JobsController(QMainWindow* window, SelectionModel* selection)
    : QObject(window), window_(window), selection_(selection) {
    runner_ = new JobRunner(this);
    dock_ = new QDockWidget(tr("Jobs"), window);
    dock_->setObjectName("jobsDock");
    panel_ = new JobsPanel(runner_, dock_);
    dock_->setWidget(panel_);
    connect(runner_, &JobRunner::started, this, [this](LongJobId id, const QString& title) {
        titles_[id] = title;
        Q_EMIT logged(tr("%1: started").arg(title));
        dock_->show();
        dock_->raise();
    });
    connect(runner_, &JobRunner::logged, this, [this](LongJobId id, const QString& line) {
        Q_EMIT logged(tr("%1: %2").arg(titles_[id], line));
    });
    connect(runner_, &JobRunner::finished, this, &JobsController::onFinished);
}

void JobsController::fillMenu(QMenu* tools) {
    QAction* here = tools->addAction(tr("&Measure Selected Architecture Here"), this,
                                     [this] { measureSelectedHere(); });
    here->setObjectName("measureHereAction");
    here->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    here->setToolTip(
        tr("Time the selected SubTransformer on this machine as the workspace's local device "
           "measures, and show it against the predictor in Predictor Trust"));
    tools->addSeparator();
    QAction* dataset = tools->addAction(tr("Measure Latency &Dataset..."), this,
                                        &JobsController::openMeasureDatasetDialog);
    dataset->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));
    dataset->setToolTip(
        tr("Measure many sampled architectures on this machine and train a latency predictor"));
    QAction* train =
        tools->addAction(tr("&Train SuperTransformer..."), this, &JobsController::openTrainDialog);
    train->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    train->setToolTip(
        tr("Train (or resume) a weight-sharing SuperTransformer; File > New Workspace can use it"));
    tools->addSeparator();
    tools->addAction(tr("&Cancel All Jobs"), this, [this] { runner_->cancelAll(); });
}

LongJobId JobsController::startJob(const QString& title, JobRunner::Work work) {
    return runner_->start(title, std::move(work));
}

void JobsController::onFinished(LongJobId id, bool ok, bool cancelled, const QString& message) {
    const QString title = titles_[id];
    titles_.erase(id);
    Q_EMIT logged(tr("%1: %2%3")
                      .arg(title,
                           ok          ? tr("done")
                           : cancelled ? tr("cancelled")
                                       : tr("failed"),
                           message.isEmpty() ? QString() : ": " + message));
    Q_EMIT status(tr("%1 %2").arg(title, ok          ? tr("finished")
                                         : cancelled ? tr("cancelled")
                                                     : tr("failed")));
    const auto m = measureJobs_.find(id);
    if (m != measureJobs_.end()) {
        if (ok) Q_EMIT measured(m->second);
        measureJobs_.erase(m);
    }
    if (!ok && !cancelled) Q_EMIT failed(title, message);
}

QString JobsController::localDevice() const {
    if (!info_) return {};
    for (const auto& d : info_->devices) {
        if (d.kind == "local" && QString::fromStdString(d.name) == device_) return device_;
    }
    for (const auto& d : info_->devices) {
        if (d.kind == "local") return QString::fromStdString(d.name);
    }
    return {};
}

LongJobId JobsController::measureSelectedHere() {
    if (!info_ || !selection_->selected()) {
        window_->statusBar()->showMessage(
            tr("Select an architecture first (click a point or a table row)"), 5000);
        return 0;
    }
    const QString device = localDevice();
    if (device.isEmpty()) {
        auto* box =
            new QMessageBox(QMessageBox::Information, tr("No local device"),
                            tr("This workspace has no device measured on this machine. Create a "
                               "workspace with local/1t (File > New Workspace) to measure here."),
                            QMessageBox::Ok, window_);
        box->setObjectName("noLocalDeviceDialog");
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
        return 0;
    }
    const LongJobId id = startJob(tr("Measure here (%1)").arg(device),
                                  measureHereWork(info_->dir, device, *selection_->selected()));
    measureJobs_[id] = device;
    return id;
}

LongJobId JobsController::measureLatencyDataset(const DatasetJob& job) {
    // Where the files go must exist before the first row is written.
    QDir().mkpath(QFileInfo(job.csvPath).absolutePath());
    if (!job.predictorPath.isEmpty()) QDir().mkpath(QFileInfo(job.predictorPath).absolutePath());
    return startJob(tr("Latency dataset %1").arg(QFileInfo(job.csvPath).fileName()),
                    measureDatasetWork(job));
}

LongJobId JobsController::trainSupernet(const TrainOptions& options) {
    return startJob(tr("Training %1").arg(QString::fromStdString(options.outDir)),
                    trainWork(options));
}

void JobsController::openMeasureDatasetDialog() {
    if (!info_) {
        window_->statusBar()->showMessage(
            tr("Open a workspace first: the dataset samples its design space"), 5000);
        return;
    }
    MeasureDatasetDialog dialog(info_->space, info_->dir, window_);
    if (dialog.exec() != QDialog::Accepted) return;
    measureLatencyDataset(dialog.job());
}

void JobsController::openTrainDialog() {
    TrainDialog dialog(window_);
    if (info_) {
        dialog.loadTrainingRecord(info_->checkpoint);
        dialog.setOutputDirectory(QDir(info_->dir).filePath("supernet"));
    } else if (!dataDir_.isEmpty()) {
        dialog.loadTrainingRecord(dataDir_ + "/demo/checkpoint_last.pt");
        dialog.setSpace(dataDir_ + "/spaces/space0.yml");
    }
    if (dialog.exec() != QDialog::Accepted) return;
    try {
        trainSupernet(dialog.options());
    } catch (const std::exception& e) {
        Q_EMIT failed(tr("Cannot start training"), QString::fromStdString(e.what()));
    }
}

bool JobsController::confirmQuit() {
    if (runner_->running() == 0) return true;
    const auto answer = QMessageBox::question(
        window_, tr("Jobs are running"),
        tr("%n long job(s) still running. Cancel them and quit? Finished work is kept (training "
           "saves a checkpoint, measured rows stay in their file).",
           nullptr, runner_->running()),
        QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
    if (answer != QMessageBox::Yes) return false;
    runner_->cancelAll();
    runner_->waitForAll(60'000);
    return true;
}

}  // namespace hat::ui

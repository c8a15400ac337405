// MainWindow's Tools menu and Jobs dock: training, dataset measurement and "measure this
// architecture here" as long jobs (ui/job_runner.h), kept apart from the search code.
#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

#include "core/util/error.h"
#include "ui/job_dialogs.h"
#include "ui/jobs_panel.h"
#include "ui/main_window.h"

namespace hat::ui {

void MainWindow::createJobsDock() {
    jobs_ = new JobRunner(this);
    jobsDock_ = new QDockWidget(tr("Jobs"), this);
    jobsDock_->setObjectName("jobsDock");
    jobsPanel_ = new JobsPanel(jobs_, jobsDock_);
    jobsDock_->setWidget(jobsPanel_);
    addDockWidget(Qt::BottomDockWidgetArea, jobsDock_);
    connect(jobs_, &JobRunner::started, this, [this](LongJobId id, const QString& title) {
        jobTitles_[id] = title;
        log(tr("%1: started").arg(title));
        jobsDock_->show();
        jobsDock_->raise();
    });
    connect(jobs_, &JobRunner::logged, this, [this](LongJobId id, const QString& line) {
        log(tr("%1: %2").arg(jobTitles_[id], line));
    });
    connect(jobs_, &JobRunner::finished, this, &MainWindow::onJobFinished);
}

void MainWindow::createToolsMenu() {
    QMenu* tools = menuBar()->addMenu(tr("&Tools"));
    QAction* here = tools->addAction(tr("&Measure Selected Architecture Here"), this, [this] { measureSelectedHere(); });
    here->setObjectName("measureHereAction");
    here->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    here->setToolTip(tr("Time the selected SubTransformer on this machine as the workspace's local device "
                        "measures, and show it against the predictor in Predictor Trust"));
    tools->addSeparator();
    QAction* dataset = tools->addAction(tr("Measure Latency &Dataset..."), this, &MainWindow::openMeasureDatasetDialog);
    dataset->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));
    QAction* train = tools->addAction(tr("&Train SuperTransformer..."), this, &MainWindow::openTrainDialog);
    train->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    tools->addSeparator();
    tools->addAction(tr("&Cancel All Jobs"), this, [this] { jobs_->cancelAll(); });
}

LongJobId MainWindow::startJob(const QString& title, JobRunner::Work work) {
    return jobs_->start(title, std::move(work));
}

void MainWindow::onJobFinished(LongJobId id, bool ok, bool cancelled, const QString& message) {
    const QString title = jobTitles_[id];
    jobTitles_.erase(id);
    log(tr("%1: %2%3").arg(title, ok ? tr("done") : cancelled ? tr("cancelled") : tr("failed"),
                           message.isEmpty() ? QString() : ": " + message));
    statusLabel_->setText(tr("%1 %2").arg(title, ok ? tr("finished") : cancelled ? tr("cancelled") : tr("failed")));
    const auto measured = measureJobs_.find(id);
    if (measured != measureJobs_.end()) {
        // The new measurement joins the device's predictor-trust plot.
        if (ok && info_ && measured->second == currentDevice()) controller_->requestTrust(currentDevice());
        measureJobs_.erase(measured);
    }
    if (!ok && !cancelled) showError(title, message);
}

QString MainWindow::localDevice() const {
    if (!info_) return {};
    for (const auto& d : info_->devices) {
        if (d.kind == "local" && QString::fromStdString(d.name) == currentDevice()) return currentDevice();
    }
    for (const auto& d : info_->devices) {
        if (d.kind == "local") return QString::fromStdString(d.name);
    }
    return {};
}

LongJobId MainWindow::measureSelectedHere() {
    if (!info_ || !selected_) {
        statusBar()->showMessage(tr("Select an architecture first (click a point or a table row)"), 5000);
        return 0;
    }
    const QString device = localDevice();
    if (device.isEmpty()) {
        auto* box = new QMessageBox(QMessageBox::Information, tr("No local device"),
                                    tr("This workspace has no device measured on this machine. Create a "
                                       "workspace with local/1t (File > New Workspace) to measure here."),
                                    QMessageBox::Ok, this);
        box->setObjectName("noLocalDeviceDialog");
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
        return 0;
    }
    const LongJobId id = startJob(tr("Measure here (%1)").arg(device), measureHereWork(info_->dir, device, *selected_));
    measureJobs_[id] = device;
    return id;
}

LongJobId MainWindow::measureLatencyDataset(const DatasetJob& job) {
    // Where the files go must exist before the first row is written.
    QDir().mkpath(QFileInfo(job.csvPath).absolutePath());
    if (!job.predictorPath.isEmpty()) QDir().mkpath(QFileInfo(job.predictorPath).absolutePath());
    return startJob(tr("Latency dataset %1").arg(QFileInfo(job.csvPath).fileName()), measureDatasetWork(job));
}

LongJobId MainWindow::trainSupernet(const TrainOptions& options) {
    return startJob(tr("Training %1").arg(QString::fromStdString(options.outDir)), trainWork(options));
}

void MainWindow::openMeasureDatasetDialog() {
    if (!info_) {
        statusBar()->showMessage(tr("Open a workspace first: the dataset samples its design space"), 5000);
        return;
    }
    MeasureDatasetDialog dialog(info_->space, info_->dir, this);
    if (dialog.exec() != QDialog::Accepted) return;
    measureLatencyDataset(dialog.job());
}

void MainWindow::openTrainDialog() {
    TrainDialog dialog(this);
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
        showError(tr("Cannot start training"), QString::fromStdString(e.what()));
    }
}

}  // namespace hat::ui

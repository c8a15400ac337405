#pragma once
// Tools: training a SuperTransformer, measuring a latency dataset, measuring the selected
// architecture on this machine — long jobs on threads of their own (JobRunner), shown in the
// Jobs dock with progress, time left and Cancel. Their log lines and endings go out as signals;
// the window routes them to the Log dock and to error dialogs.
#include <QObject>
#include <map>
#include <optional>

#include "ui/job_runner.h"
#include "ui/long_jobs.h"
#include "ui/search_controller.h"

class QDockWidget;
class QMainWindow;
class QMenu;

namespace hat::ui {

class JobsPanel;
class SelectionModel;

class JobsController : public QObject {
    Q_OBJECT
  public:
    JobsController(QMainWindow* window, SelectionModel* selection);

    void setWorkspace(const WorkspaceInfo* info) { info_ = info; }
    void setDevice(const QString& device) { device_ = device; }
    void setDataDir(const QString& dir) { dataDir_ = dir; }
    void fillMenu(QMenu* tools);

    LongJobId trainSupernet(const TrainOptions& options);
    LongJobId measureLatencyDataset(const DatasetJob& job);
    // Measures the selected architecture here as the workspace's local device (the current device
    // when it is local); 0, with a message saying why, when nothing is selected or there is none.
    LongJobId measureSelectedHere();
    // The current device when local, else the workspace's first local one, else empty.
    QString localDevice() const;

    JobRunner* runner() const { return runner_; }
    JobsPanel* panel() const { return panel_; }
    QDockWidget* dock() const { return dock_; }
    // Asks whether to cancel running jobs; false when the user wants to keep them (and the window).
    bool confirmQuit();

  Q_SIGNALS:
    void logged(const QString& line);
    void status(const QString& line);
    void failed(const QString& title, const QString& message);
    // A measurement of `device` was stored: its predictor-trust plot has a new point.
    void measured(const QString& device);

  private:
    LongJobId startJob(const QString& title, JobRunner::Work work);
    void onFinished(LongJobId id, bool ok, bool cancelled, const QString& message);
    void openTrainDialog();
    void openMeasureDatasetDialog();

    QMainWindow* window_;
    SelectionModel* selection_;
    const WorkspaceInfo* info_ = nullptr;
    QString device_, dataDir_;
    JobRunner* runner_ = nullptr;
    JobsPanel* panel_ = nullptr;
    QDockWidget* dock_ = nullptr;
    std::map<LongJobId, QString> titles_;
    std::map<LongJobId, QString> measureJobs_;  // measure-here jobs and their device
};

}  // namespace hat::ui

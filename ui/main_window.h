#pragma once
// The explorer's main window, a thin shell: it lays out the views and docks, builds the menus
// and keeps the window's state. Shared state lives in objects that own it (LimitModel,
// SelectionModel); the search, exports, long jobs and recent workspaces each have their own
// class. The window's own job is to route a workspace and the current device to all of them.
#include <QMainWindow>
#include <optional>

#include "ui/search_controller.h"

class QComboBox;
class QDockWidget;
class QFrame;
class QLabel;
class QUndoStack;

namespace hat::ui {

class AnswerLine;
class ArchitecturePanel;
class ArchitectureView;
class ControlBar;
class DeviceData;
class DeviceComparisonView;
class ExportActions;
class JobsController;
class LimitModel;
class LimitWidget;
class HistoryPlot;
class LogView;
class ParetoPlot;
class PopulationModel;
class PopulationPanel;
class RecentWorkspaces;
class SearchPanel;
class SelectionModel;
class TrustPlot;
class WorkspaceLoader;
class WorkspaceStatus;

class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Shown in the status bar (e.g. the BLAS warning at start-up).
    void showWarning(const QString& text);
    // Opens asynchronously; a broken workspace shows an error dialog naming the file.
    void openWorkspace(const QString& dir);
    // The repository's data/ directory (design spaces, predictors, the demo): dialogs' defaults.
    void setDataDir(const QString& dir);
    // File > New Workspace: the dialog, then creation on the worker thread and opening.
    void newWorkspace();
    void createWorkspace(const WorkspaceInit& init);
    // The open workspace's SuperTransformer is at `path` (a moved workspace, the "Locate…"
    // button): checked by checksum on the worker, then the workspace opens again with it.
    void locateCheckpoint(const QString& path);

    bool workspaceOpen() const { return info_.has_value(); }
    QString workspaceDir() const { return info_ ? info_->dir : QString(); }
    const WorkspaceInfo* workspace() const { return info_ ? &*info_ : nullptr; }
    QString currentDevice() const;
    // Chooses the device (as the combo box would); false when the workspace has no such device.
    bool setDevice(const QString& device);
    QString lastAnswerText() const;

    SearchController* controller() const { return controller_; }
    LimitModel* limitModel() const { return limit_; }
    LimitWidget* limitWidget() const { return limitWidget_; }
    SelectionModel* selection() const { return selection_; }
    SearchPanel* searchPanel() const { return searchPanel_; }
    ExportActions* exports() const { return exports_; }
    JobsController* jobs() const { return jobs_; }
    RecentWorkspaces* recent() const { return recent_; }
    QUndoStack* undoStack() const { return undo_; }
    ParetoPlot* plot() const { return plot_; }
    ArchitecturePanel* architecturePanel() const { return archPanel_; }
    ArchitectureView* architectureView() const;
    TrustPlot* trustPlot() const { return trustPlot_; }
    HistoryPlot* historyPlot() const { return history_; }
    DeviceComparisonView* comparisonView() const { return comparisonView_; }
    QDockWidget* comparisonDock() const { return comparisonDock_; }
    PopulationPanel* populationPanel() const { return population_; }
    PopulationModel* populationModel() const;

  protected:
    void closeEvent(QCloseEvent* event) override;

  private:
    void createCentral();
    void createDocks();
    void createMenus();
    void createStatusBar();
    void wire();
    QDockWidget* addDock(const QString& title, const char* name, QWidget* content,
                         Qt::DockWidgetArea area);

    void onWorkspaceOpened(const WorkspaceInfo& info);
    void onPoints(const PointSet& set);
    void onSearchEnded(const SearchOutcome& outcome);
    // The selected and the front's architectures on the predictor-trust plot.
    void markTrust();
    void deviceChosen();
    void refreshDevice();
    void updateStatus();
    void restoreWorkspaceState();
    void saveWorkspaceState() const;
    void showError(const QString& title, const QString& text);
    void log(const QString& line);

    SearchController* controller_ = nullptr;
    LimitModel* limit_ = nullptr;
    SelectionModel* selection_ = nullptr;
    QUndoStack* undo_ = nullptr;
    RecentWorkspaces* recent_ = nullptr;
    WorkspaceLoader* loader_ = nullptr;
    ExportActions* exports_ = nullptr;
    JobsController* jobs_ = nullptr;
    std::optional<WorkspaceInfo> info_;
    DeviceData* data_ = nullptr;
    QString lastDataProblem_;  // shown in a dialog once per workspace opening

    ControlBar* controls_ = nullptr;
    QComboBox* deviceCombo_ = nullptr;
    QComboBox* yMetricCombo_ = nullptr;
    LimitWidget* limitWidget_ = nullptr;
    AnswerLine* answer_ = nullptr;
    ParetoPlot* plot_ = nullptr;
    SearchPanel* searchPanel_ = nullptr;
    ArchitecturePanel* archPanel_ = nullptr;
    TrustPlot* trustPlot_ = nullptr;
    PopulationPanel* population_ = nullptr;
    DeviceComparisonView* comparisonView_ = nullptr;
    QDockWidget* comparisonDock_ = nullptr;
    LogView* log_ = nullptr;
    HistoryPlot* history_ = nullptr;
    WorkspaceStatus* status_ = nullptr;
    // Shown over the plot while the open workspace is read-only (see showAccess).
    QFrame* readOnlyBanner_ = nullptr;
    QLabel* readOnlyText_ = nullptr;
    QList<QAction*> writingActions_;  // what stores into the workspace: off when read-only
    void showAccess(const WorkspaceInfo& info);
};

}  // namespace hat::ui

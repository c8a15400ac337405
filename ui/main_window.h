#pragma once
// The explorer's main window: the Pareto plot with the latency limit (slider, spin box, draggable
// line), the architecture view and the population table in docks, menus, remembered geometry and
// recent workspaces. All core work goes through SearchController.
#include <QMainWindow>

#include <optional>

#include <map>

#include "core/search/evolution.h"
#include "ui/job_runner.h"
#include "ui/long_jobs.h"
#include "ui/search_controller.h"

class QComboBox;
class QDockWidget;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QMenu;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSlider;
class QSortFilterProxyModel;
class QTableView;
class QTimer;

namespace hat::ui {

class ArchitectureView;
class DeviceComparisonView;
class JobsPanel;
class ParetoPlot;
class PopulationModel;
class TrustPlot;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Shown in the status bar (e.g. the BLAS warning at start-up).
    void showWarning(const QString& text);

    // Opens asynchronously; a broken workspace shows an error dialog naming the file.
    void openWorkspace(const QString& dir);
    // The repository's data/ directory (design spaces, device predictors, the demo): the New
    // Workspace dialog's defaults.
    void setDataDir(const QString& dir) { dataDir_ = dir; }
    // File > New Workspace: the dialog, then creation on the worker thread and opening.
    void newWorkspace();
    void createWorkspace(const WorkspaceInit& init);
    // The workspace to open when none is given: the last one used, else `fallback` if it exists.
    static QString defaultWorkspace(const QString& fallback);
    static QStringList recentWorkspaces();

    void setSearchSettings(const EvolutionSettings& s) { settings_ = s; }
    const EvolutionSettings& searchSettings() const { return settings_; }
    void setSearchDebounceMs(int ms);
    void startSearch(bool warm = true);
    void cancelSearch();
    // BLEU of the current device's Pareto front (those without one), on the worker thread.
    void evaluateFrontBleu();

    double limitMs() const { return limit_; }
    // Programmatic change of the limit: same as the user moving the slider.
    void setLimit(double ms);
    void selectGene(const std::optional<Gene>& gene);
    const std::optional<Gene>& selectedGene() const { return selected_; }
    QString currentDevice() const;
    bool workspaceOpen() const { return info_.has_value(); }
    QString workspaceDir() const { return info_ ? info_->dir : QString(); }

    // Export the selected architecture (.yml/.yaml or .json) / the plot (.png or .pdf).
    bool exportArchitecture(const QString& path, QString* error = nullptr);
    bool exportPlot(const QString& path, QString* error = nullptr);
    // The selected SubTransformer's inherited weights (.pt, a dict of tensors), written on the
    // worker thread; false when nothing is selected.
    bool exportWeights(const QString& path);
    // Every evaluated architecture (or only the Pareto front) with its latency on the current
    // device, loss, BLEU, parameters, FLOPs and genes, as CSV.
    bool exportPointsCsv(const QString& path, bool frontOnly, QString* error = nullptr);

    // Diff mode: the selected architecture becomes the reference the architecture view compares
    // every later selection with.
    void pinDiffReference();
    void clearDiffReference();

    // Tools (main_window_tools.cpp): long jobs on threads of their own, in the Jobs dock with
    // progress, time left and Cancel; their log lines go to the Log dock, failures to a dialog.
    LongJobId trainSupernet(const TrainOptions& options);
    LongJobId measureLatencyDataset(const DatasetJob& job);
    // Measures the selected architecture on this machine as the workspace's local device (the
    // current device when it is local) and stores it next to the prediction; 0 (with a message
    // saying why) when nothing is selected or the workspace has no local device.
    LongJobId measureSelectedHere();
    JobRunner* jobRunner() const { return jobs_; }
    JobsPanel* jobsPanel() const { return jobsPanel_; }
    QDockWidget* jobsDock() const { return jobsDock_; }

    SearchController* controller() const { return controller_; }
    ParetoPlot* plot() const { return plot_; }
    ArchitectureView* architectureView() const { return archView_; }
    TrustPlot* trustPlot() const { return trustPlot_; }
    DeviceComparisonView* comparisonView() const { return comparisonView_; }
    QDockWidget* comparisonDock() const { return comparisonDock_; }
    PopulationModel* populationModel() const { return popModel_; }
    QTableView* populationTable() const { return table_; }
    QSlider* limitSlider() const { return slider_; }
    QDoubleSpinBox* limitSpin() const { return spin_; }
    QProgressBar* progressBar() const { return progress_; }
    QString lastAnswerText() const;

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createMenus();
    void createWidgets();
    void wireController();
    void restoreWindowState();
    void about();
    void showError(const QString& title, const QString& text);
    void log(const QString& line);
    void rememberWorkspace(const QString& dir);
    void updateRecentMenu();
    void updateStatus();
    void limitEdited(double ms);  // from any of the three limit widgets
    void requestAnswer();         // the stored best under limit_, label dimmed until it comes
    void showLimit(double ms);    // moves the widgets without side effects
    void refreshDevice();
    void chooseWorkspace();
    void chooseArchitectureExport();
    void choosePlotExport();
    void choosePointsExport(bool frontOnly);

    void createJobsDock();
    void createToolsMenu();
    void openTrainDialog();
    void openMeasureDatasetDialog();
    LongJobId startJob(const QString& title, JobRunner::Work work);
    void onJobFinished(LongJobId id, bool ok, bool cancelled, const QString& message);
    QString localDevice() const;  // the current device when local, else the workspace's first local one

    void onWorkspaceOpened(const WorkspaceInfo& info);
    void onPoints(JobId job, const PointSet& set);
    void onInstantAnswer(JobId job, const InstantAnswer& answer);
    void onGeneration(JobId job, const GenerationReport& report);
    void onSearchFinished(JobId job, const SearchOutcome& outcome);

    SearchController* controller_ = nullptr;
    std::optional<WorkspaceInfo> info_;
    EvolutionSettings settings_;
    QString dataDir_;
    double limit_ = 0.0;
    bool limitInitialised_ = false;
    // The window's own newest answer request: the controller also answers other askers, whose
    // limits are not the slider's.
    JobId answerJob_ = 0;
    bool syncing_ = false;
    std::optional<Gene> selected_;
    QString answerText_;
    double searchStartedAt_ = 0.0;
    int generationsDone_ = 0;
    double generationSeconds_ = 0.0;
    double bleuStartedAt_ = 0.0;

    ParetoPlot* plot_ = nullptr;
    ArchitectureView* archView_ = nullptr;
    TrustPlot* trustPlot_ = nullptr;
    DeviceComparisonView* comparisonView_ = nullptr;
    QDockWidget* comparisonDock_ = nullptr;
    PopulationModel* popModel_ = nullptr;
    QSortFilterProxyModel* proxy_ = nullptr;
    QTableView* table_ = nullptr;
    QLineEdit* filter_ = nullptr;
    QComboBox* deviceCombo_ = nullptr;
    QComboBox* yMetricCombo_ = nullptr;
    QAction* clearDiffAction_ = nullptr;
    QSlider* slider_ = nullptr;
    QDoubleSpinBox* spin_ = nullptr;
    QPushButton* searchButton_ = nullptr;
    QPushButton* cancelButton_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* answerLabel_ = nullptr;
    QPlainTextEdit* log_ = nullptr;
    QTimer* debounce_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QMenu* viewMenu_ = nullptr;
    QAction* exportArchAction_ = nullptr;
    QAction* exportWeightsAction_ = nullptr;
    QLabel* statusLabel_ = nullptr;
    QLabel* supernetLabel_ = nullptr;
    QLabel* fitnessLabel_ = nullptr;
    QLabel* deviceLabel_ = nullptr;

    JobRunner* jobs_ = nullptr;
    JobsPanel* jobsPanel_ = nullptr;
    QDockWidget* jobsDock_ = nullptr;
    std::map<LongJobId, QString> jobTitles_;
    std::map<LongJobId, QString> measureJobs_;  // measure-here jobs and their device
};

}  // namespace hat::ui

#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QStatusBar>
#include <QUndoStack>
#include <QVBoxLayout>
#include <algorithm>

#include "core/space/gene.h"
#include "ui/answer_line.h"
#include "ui/architecture_panel.h"
#include "ui/control_bar.h"
#include "ui/device_comparison_view.h"
#include "ui/device_data.h"
#include "ui/error_dialog.h"
#include "ui/export_actions.h"
#include "ui/help_dialogs.h"
#include "ui/history_plot.h"
#include "ui/jobs_controller.h"
#include "ui/limit_model.h"
#include "ui/limit_widget.h"
#include "ui/log_view.h"
#include "ui/pareto_plot.h"
#include "ui/population_panel.h"
#include "ui/recent_workspaces.h"
#include "ui/search_panel.h"
#include "ui/selection_model.h"
#include "ui/trust_plot.h"
#include "ui/view_settings.h"
#include "ui/workspace_loader.h"
#include "ui/workspace_status.h"

namespace hat::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("HAT Explorer"));
    setObjectName("MainWindow");
    controller_ = new SearchController(this);
    limit_ = new LimitModel(this);
    selection_ = new SelectionModel(this);
    undo_ = new QUndoStack(this);
    limit_->setUndoStack(undo_);
    selection_->setUndoStack(undo_);
    recent_ = new RecentWorkspaces(this);
    loader_ = new WorkspaceLoader(controller_, this);
    data_ = new DeviceData(controller_, this);
    createCentral();
    createDocks();
    createMenus();
    createStatusBar();
    wire();
    // Fits the screen it opens on; a remembered geometry wins.
    const QRect avail = screen() ? screen()->availableGeometry() : QRect(0, 0, 1280, 720);
    resize(std::min(1280, avail.width()), std::min(800, avail.height()));
    QSettings s;
    restoreGeometry(s.value("mainWindow/geometry").toByteArray());
    restoreState(s.value("mainWindow/state").toByteArray());
    updateStatus();
}

MainWindow::~MainWindow() = default;

void MainWindow::createCentral() {
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 2);

    controls_ = new ControlBar(limit_, central);
    deviceCombo_ = controls_->deviceCombo();
    yMetricCombo_ = controls_->yMetricCombo();
    limitWidget_ = controls_->limitWidget();
    layout->addWidget(controls_);

    // An inline banner, not a dialog: the workspace is still worth looking at.
    readOnlyBanner_ = new QFrame(central);
    readOnlyBanner_->setObjectName("readOnlyBanner");
    readOnlyBanner_->setFrameShape(QFrame::StyledPanel);
    readOnlyBanner_->setStyleSheet(
        "#readOnlyBanner { background: #fff4ce; border: 1px solid #d9b44a; border-radius: 3px; }"
        "#readOnlyBanner QLabel { color: #4a3b00; }");
    auto* bannerLayout = new QHBoxLayout(readOnlyBanner_);
    bannerLayout->setContentsMargins(8, 4, 8, 4);
    readOnlyText_ = new QLabel(readOnlyBanner_);
    readOnlyText_->setObjectName("readOnlyText");
    readOnlyText_->setWordWrap(true);
    readOnlyText_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    bannerLayout->addWidget(readOnlyText_, 1);
    readOnlyBanner_->hide();
    layout->addWidget(readOnlyBanner_);

    answer_ = new AnswerLine(controller_, limit_, selection_, central);
    layout->addWidget(answer_);
    plot_ = new ParetoPlot(central);
    plot_->setMinimumSize(240, 160);
    plot_->setToolTip(QString());  // points explain themselves on hover
    layout->addWidget(plot_, 1);
    setCentralWidget(central);
}

QDockWidget* MainWindow::addDock(const QString& title, const char* name, QWidget* content,
                                 Qt::DockWidgetArea area) {
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName(name);
    dock->setWidget(content);
    addDockWidget(area, dock);
    return dock;
}

namespace {
// Large panels scroll inside their dock instead of forcing the window to their minimum size.
QScrollArea* scrolling(QWidget* content, bool horizontal = true) {
    auto* area = new QScrollArea;
    if (!horizontal) {
        // As wide as the content needs, never wider than the dock: no sideways scrolling.
        area->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        area->setMinimumWidth(content->minimumSizeHint().width() +
                              area->verticalScrollBar()->sizeHint().width());
    }
    area->setWidget(content);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    return area;
}
}  // namespace

void MainWindow::createDocks() {
    // The side areas take the full height: the architecture view is tall, the table is wide.
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);

    searchPanel_ = new SearchPanel(controller_, limit_);
    QDockWidget* searchDock =
        addDock(tr("Search"), "searchDock", scrolling(searchPanel_, false), Qt::LeftDockWidgetArea);

    archPanel_ = new ArchitecturePanel(selection_);
    QDockWidget* archDock =
        addDock(tr("Architecture"), "architectureDock", archPanel_, Qt::RightDockWidgetArea);
    trustPlot_ = new TrustPlot;
    trustPlot_->setMinimumSize(260, 220);
    QDockWidget* trustDock =
        addDock(tr("Predictor Trust"), "trustDock", trustPlot_, Qt::RightDockWidgetArea);
    tabifyDockWidget(archDock, trustDock);
    archDock->raise();

    population_ = new PopulationPanel(selection_);
    QDockWidget* popDock =
        addDock(tr("Population"), "populationDock", population_, Qt::BottomDockWidgetArea);
    log_ = new LogView;
    QDockWidget* logDock = addDock(tr("Log"), "logDock", log_, Qt::BottomDockWidgetArea);
    tabifyDockWidget(popDock, logDock);
    history_ = new HistoryPlot;
    history_->setMinimumSize(260, 150);
    QDockWidget* historyDock = addDock(tr("History"), "historyDock", history_, Qt::BottomDockWidgetArea);
    tabifyDockWidget(popDock, historyDock);
    comparisonView_ = new DeviceComparisonView(controller_);
    comparisonDock_ = addDock(tr("Device Comparison"), "comparisonDock", scrolling(comparisonView_),
                              Qt::BottomDockWidgetArea);
    tabifyDockWidget(popDock, comparisonDock_);
    jobs_ = new JobsController(this, selection_);
    addDockWidget(Qt::BottomDockWidgetArea, jobs_->dock());
    tabifyDockWidget(popDock, jobs_->dock());
    popDock->raise();
    resizeDocks({searchDock, archDock}, {270, 430}, Qt::Horizontal);
    resizeDocks({popDock}, {190}, Qt::Vertical);

    exports_ = new ExportActions(controller_, selection_, limit_, plot_, this);
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open Workspace..."), QKeySequence::Open, loader_,
                    &WorkspaceLoader::chooseAndOpen)
        ->setToolTip(tr("Open a directory holding a workspace.db"));
    file->addAction(tr("&New Workspace..."), QKeySequence::New, this, &MainWindow::newWorkspace)
        ->setToolTip(tr("A workspace for a design space, a SuperTransformer and devices"));
    recent_->attach(file->addMenu(tr("Open &Recent")));
    file->addSeparator();
    exports_->addTo(file);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = undo_->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    undo->setToolTip(tr("Take back the last move of the latency limit or change of the reference"));
    QAction* redo = undo_->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);

    QMenu* search = menuBar()->addMenu(tr("&Search"));
    searchPanel_->fillMenu(search);
    QMenu* tools = menuBar()->addMenu(tr("&Tools"));
    jobs_->fillMenu(tools);
    // What stores into the workspace: every search action but cancelling, and measuring here.
    // (Measuring a dataset and training write files the user chooses elsewhere.)
    for (QAction* a : search->actions()) {
        if (!a->isSeparator() && a->objectName() != "cancelSearchAction") writingActions_ << a;
    }
    for (QAction* a : tools->actions()) {
        if (a->objectName() == "measureHereAction") writingActions_ << a;
    }

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* fit =
        view->addAction(tr("&Fit Plot to Data"), this, [this] { plot_->rescaleToData(); });
    fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    fit->setToolTip(tr("Show every point and the limit; the axes follow new points again"));
    QAction* compare = view->addAction(tr("Compare &Devices"), this, [this] {
        comparisonDock_->show();
        comparisonDock_->raise();
    });
    compare->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    compare->setToolTip(
        tr("Pareto fronts of several devices side by side, and the architecture each gets at "
           "the same relative limit"));
    view->addAction(archPanel_->pinAction());
    view->addAction(archPanel_->clearAction());
    view->addSeparator();
    for (QDockWidget* d : findChildren<QDockWidget*>()) view->addAction(d->toggleViewAction());

    fillHelpMenu(menuBar()->addMenu(tr("&Help")), this);
}

void MainWindow::createStatusBar() { status_ = new WorkspaceStatus(statusBar()); }

void MainWindow::wire() {
    connect(loader_, &WorkspaceLoader::opened, this, &MainWindow::onWorkspaceOpened);
    connect(loader_, &WorkspaceLoader::openFailed, this, &MainWindow::updateStatus);
    connect(loader_, &WorkspaceLoader::supernetMissing, status_, &WorkspaceStatus::showSupernetProblem);
    // The locate dialog shows why the SuperTransformer did not load; the device data that needs
    // it fails with the same message, which must not open a second dialog behind the first.
    connect(loader_, &WorkspaceLoader::supernetMissing, this,
            [this](const QString& message) { lastDataProblem_ = message; });
    connect(loader_, &WorkspaceLoader::activity, status_, &WorkspaceStatus::showActivity);
    connect(loader_, &WorkspaceLoader::logged, this, &MainWindow::log);
    connect(loader_, &WorkspaceLoader::supernetLoaded, this, [this](int divisor) {
        if (!info_) return;
        info_->widthDivisor = divisor;
        updateStatus();
    });
    connect(data_, &DeviceData::pointsReady, this, &MainWindow::onPoints);
    connect(data_, &DeviceData::trustReady, trustPlot_, &TrustPlot::setTrust);
    connect(data_, &DeviceData::populationReady, this, [this](const StoredPopulation& p) {
        history_->setHistory(p.runId, p.limitMs, p.history);
        if (searchPanel_->running() || p.members.empty()) return;  // the live one wins
        population_->setPopulation(p.members, p.generation);
        log(tr("%1: last stored search (run %2, under %3 ms), generation %4")
                .arg(p.device)
                .arg(p.runId)
                .arg(p.limitMs, 0, 'f', 1)
                .arg(p.generation));
    });
    connect(data_, &DeviceData::problem, this, [this](const QString& message) {
        log(tr("Error: %1").arg(message));
        statusBar()->showMessage(message, 10000);
        // A damaged workspace (a row the space does not allow, a predictor that does not load)
        // says so in a dialog, once: every device switch would otherwise repeat it.
        if (message == lastDataProblem_) return;
        lastDataProblem_ = message;
        showError(tr("Cannot read the workspace"), message);
    });

    plot_->follow(limit_, selection_);
    connect(limit_, &LimitModel::valueChanged, answer_, &AnswerLine::refresh);
    connect(limit_, &LimitModel::rangeChanged, answer_, &AnswerLine::refresh);
    connect(selection_, &SelectionModel::selectionChanged, this, &MainWindow::markTrust);
    connect(selection_, &SelectionModel::referenceChanged, this, [this] { saveWorkspaceState(); });

    connect(deviceCombo_, &QComboBox::currentIndexChanged, this, &MainWindow::deviceChosen);
    connect(yMetricCombo_, &QComboBox::currentIndexChanged, this, [this](int i) {
        plot_->setYMetric(static_cast<ParetoPlot::YMetric>(i));
        saveWorkspaceState();
    });

    connect(searchPanel_, &SearchPanel::searchStarted, this, [this](const QString& line) {
        plot_->clearGenerations();
        log(line);
    });
    connect(searchPanel_, &SearchPanel::generationArrived, this, [this](const GenerationReport& r) {
        plot_->addGeneration(r);
        population_->setPopulation(r.population, r.generation);
        data_->fetchPopulation(currentDevice());  // the history, as stored
    });
    connect(searchPanel_, &SearchPanel::searchEnded, this, &MainWindow::onSearchEnded);
    connect(history_, &HistoryPlot::generationClicked, this, [this](int generation) {
        if (const GenerationSummary* g = history_->generation(generation)) selection_->select(g->best.gene);
    });
    connect(searchPanel_, &SearchPanel::bleuEnded, this,
            [this] { data_->fetchPoints(currentDevice()); });
    connect(searchPanel_, &SearchPanel::message, this, &MainWindow::log);

    connect(archPanel_, &ArchitecturePanel::message, this,
            [this](const QString& m) { statusBar()->showMessage(m, 5000); });
    connect(exports_, &ExportActions::logged, this, &MainWindow::log);
    connect(exports_, &ExportActions::exported, this, [this](const QString& path) {
        statusBar()->showMessage(tr("Wrote %1").arg(path), 8000);
    });
    connect(exports_, &ExportActions::failed, this, &MainWindow::showError);
    connect(jobs_, &JobsController::logged, this, &MainWindow::log);
    connect(jobs_, &JobsController::status, this,
            [this](const QString& m) { statusBar()->showMessage(m, 10000); });
    connect(jobs_, &JobsController::failed, this, &MainWindow::showError);
    connect(jobs_, &JobsController::measured, this, [this](const QString& device) {
        if (info_ && device == currentDevice()) data_->fetchTrust(device);
    });
    connect(recent_, &RecentWorkspaces::openRequested, this, &MainWindow::openWorkspace);
    connect(comparisonDock_, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible && info_) comparisonView_->refresh();
    });
}

// ---- workspace ------------------------------------------------------------------------------

void MainWindow::setDataDir(const QString& dir) {
    loader_->setDataDir(dir);
    jobs_->setDataDir(dir);
}

void MainWindow::openWorkspace(const QString& dir) { loader_->open(dir); }

void MainWindow::newWorkspace() { loader_->newWorkspace(); }

void MainWindow::createWorkspace(const WorkspaceInit& init) { loader_->create(init); }

void MainWindow::locateCheckpoint(const QString& path) { loader_->locateCheckpoint(path); }

void MainWindow::showAccess(const WorkspaceInfo& info) {
    const QString db = info.database.isEmpty() ? QDir(info.dir).filePath("workspace.db") : info.database;
    const QString why =
        info.readOnly ? tr("%1 cannot be written (the file or its folder is read-only): searching, "
                           "BLEU and measuring here are off, as they store what they compute; the "
                           "plot, population, architecture and export still work.")
                            .arg(db)
                      : QString();
    readOnlyText_->setText(info.readOnly ? tr("<b>Read-only:</b> %1").arg(why.toHtmlEscaped()) : QString());
    readOnlyBanner_->setVisible(info.readOnly);
    // The tooltips say why; each action's own tooltip comes back with a writable workspace.
    for (QAction* a : writingActions_) {
        if (!a->property("writableToolTip").isValid()) a->setProperty("writableToolTip", a->toolTip());
        a->setEnabled(!info.readOnly);
        a->setToolTip(info.readOnly ? why : a->property("writableToolTip").toString());
    }
    searchPanel_->setEnabled(!info.readOnly);
    searchPanel_->setToolTip(why);
    if (info.readOnly) log(tr("Read-only: %1").arg(why));
}

void MainWindow::onWorkspaceOpened(const WorkspaceInfo& info) {
    info_ = info;
    lastDataProblem_.clear();
    recent_->remember(info.dir);
    setWindowTitle(tr("HAT Explorer — %1").arg(QDir(info.dir).dirName()));
    selection_->reset();
    limit_->clear();
    limit_->setSettingsGroup(ViewSettings::limitsGroup(info.dir));
    for (size_t i = 0; i < info.devices.size() && i < info.ranges.size(); ++i) {
        const LatencyRange& r = info.ranges[i];
        limit_->setRange(QString::fromStdString(info.devices[i].name),
                         {r.smallest.ms, r.largest.ms}, {r.smallest.upperMs, r.largest.upperMs});
    }
    plot_->setSpace(info.space);
    plot_->setPoints({});
    plot_->clearGenerations();
    population_->setSpace(info.space);
    history_->setSpace(info.space);
    population_->clear();
    archPanel_->setSpace(info.space);
    answer_->setWorkspace(&*info_);
    exports_->setWorkspace(&*info_);
    jobs_->setWorkspace(&*info_);
    comparisonView_->setWorkspace(info);
    showAccess(info);
    log(tr("Workspace %1: %2 device(s), SuperTransformer %3")
            .arg(info.dir)
            .arg(info.devices.size())
            .arg(info.checkpoint));
    updateStatus();
    controls_->setDevices(info.devices);
    if (info.devices.empty()) {
        answer_->showNote(tr("This workspace has no devices."));
        return;
    }
    restoreWorkspaceState();
    deviceChosen();
}

void MainWindow::restoreWorkspaceState() {
    const ViewSettings v = ViewSettings::load(info_->dir);
    plot_->setYMetric(static_cast<ParetoPlot::YMetric>(controls_->choose(v.device, v.yMetric)));
    // A reference remembered from another design space is forgotten.
    if (v.reference && geneIsValid(*v.reference, info_->space)) selection_->pin(v.reference);
}

void MainWindow::saveWorkspaceState() const {
    if (info_)
        ViewSettings{currentDevice(), yMetricCombo_->currentIndex(), selection_->reference()}.save(
            info_->dir);
}

QString MainWindow::currentDevice() const { return deviceCombo_->currentText(); }

bool MainWindow::setDevice(const QString& device) {
    const int i = deviceCombo_->findText(device);
    if (i < 0) return false;
    deviceCombo_->setCurrentIndex(i);
    return true;
}

void MainWindow::deviceChosen() {
    if (!info_ || currentDevice().isEmpty()) return;
    const QString device = currentDevice();
    limit_->setCurrent(device);
    searchPanel_->setDevice(device);
    answer_->setDevice(device);
    exports_->setDevice(device);
    jobs_->setDevice(device);
    selection_->mark(std::nullopt);
    saveWorkspaceState();
    refreshDevice();
}

void MainWindow::refreshDevice() {
    if (searchPanel_->running()) searchPanel_->cancel();  // its answers were for another device
    plot_->clearGenerations();
    plot_->rescaleToData();
    population_->clear();
    answer_->showNote(tr("Loading the architectures evaluated so far …"));
    data_->fetch(currentDevice());
    answer_->refresh();
    updateStatus();
}

void MainWindow::onPoints(const PointSet& set) {
    plot_->setPoints(set.points);
    if (set.points.empty()) plot_->rescaleToData();
    markTrust();
    log(tr("%1: %2 evaluated architectures, %3 on the Pareto front")
            .arg(set.device)
            .arg(set.points.size())
            .arg(plot_->frontCount()));
}

void MainWindow::markTrust() {
    std::optional<double> selected;
    std::vector<double> front;
    for (const EvaluatedPoint& p : plot_->front()) front.push_back(p.latencyMs);
    if (const auto& g = selection_->selected()) {
        for (const EvaluatedPoint& p : plot_->points()) {
            if (p.gene == *g) selected = p.latencyMs;
        }
    }
    trustPlot_->setMarks(selected, front);
}

void MainWindow::onSearchEnded(const SearchOutcome& out) {
    // The search's best is marked; the selection stays the user's (or follows the answer line).
    if (!out.best.gene.empty()) selection_->mark(out.best.gene);
    if (!comparisonDock_->visibleRegion().isEmpty()) comparisonView_->refresh();
    data_->fetchPoints(currentDevice());
    answer_->refresh();
}

void MainWindow::updateStatus() { status_->show(workspace()); }

// ---- window ---------------------------------------------------------------------------------

ArchitectureView* MainWindow::architectureView() const { return archPanel_->view(); }
PopulationModel* MainWindow::populationModel() const { return population_->model(); }
QString MainWindow::lastAnswerText() const { return answer_->text(); }

void MainWindow::showWarning(const QString& text) { statusBar()->showMessage(text); }

void MainWindow::log(const QString& line) { log_->add(line); }

void MainWindow::showError(const QString& title, const QString& text) {
    showErrorDialog(this, title, text);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!jobs_->confirmQuit()) {
        event->ignore();
        return;
    }
    controller_->cancelSearch();
    saveWorkspaceState();
    QSettings s;
    s.setValue("mainWindow/geometry", saveGeometry());
    s.setValue("mainWindow/state", saveState());
    event->accept();
}

}  // namespace hat::ui

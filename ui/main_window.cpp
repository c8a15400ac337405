#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QSignalBlocker>
#include <QStatusBar>
#include <QTime>
#include <QUndoStack>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

#include "core/store/workspace_db.h"
#include "ui/answer_line.h"
#include "ui/architecture_panel.h"
#include "ui/device_comparison_view.h"
#include "ui/export_actions.h"
#include "ui/flow_layout.h"
#include "ui/help_dialogs.h"
#include "ui/jobs_controller.h"
#include "ui/limit_model.h"
#include "ui/limit_widget.h"
#include "ui/new_workspace_dialog.h"
#include "ui/pareto_plot.h"
#include "ui/population_panel.h"
#include "ui/recent_workspaces.h"
#include "ui/search_panel.h"
#include "ui/selection_model.h"
#include "ui/trust_plot.h"

namespace hat::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("HAT Explorer"));
    setObjectName("MainWindow");
    controller_ = new SearchController(this);
    limit_ = new LimitModel(this);
    selection_ = new SelectionModel(this);
    undo_ = new QUndoStack(this);
    limit_->setUndoStack(undo_);
    recent_ = new RecentWorkspaces(this);
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

    // One row on a wide screen, wrapped on a narrow one.
    auto* controls = new QWidget(central);
    auto* flow = new FlowLayout(controls);
    auto* deviceBox = new QWidget(controls);
    auto* deviceRow = new QHBoxLayout(deviceBox);
    deviceRow->setContentsMargins(0, 0, 0, 0);
    deviceRow->addWidget(new QLabel(tr("Device:"), deviceBox));
    deviceCombo_ = new QComboBox(deviceBox);
    deviceCombo_->setObjectName("deviceCombo");
    deviceCombo_->setMinimumContentsLength(22);
    deviceCombo_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    deviceCombo_->setToolTip(tr("The hardware, runtime and threads whose latency the limit is about; each device "
                                "keeps its own limit"));
    deviceRow->addWidget(deviceCombo_);
    flow->addWidget(deviceBox);

    auto* yBox = new QWidget(controls);
    auto* yRow = new QHBoxLayout(yBox);
    yRow->setContentsMargins(0, 0, 0, 0);
    yRow->addWidget(new QLabel(tr("Y:"), yBox));
    yMetricCombo_ = new QComboBox(yBox);
    yMetricCombo_->setObjectName("yMetricCombo");
    yMetricCombo_->addItems({tr("Validation loss"), tr("BLEU"), tr("Parameters"), tr("FLOPs")});
    yMetricCombo_->setToolTip(tr("What the plot's y axis shows (BLEU only where it has been computed, Ctrl+B)"));
    yRow->addWidget(yMetricCombo_);
    flow->addWidget(yBox);

    auto* limitBox = new QWidget(controls);
    auto* limitRow = new QHBoxLayout(limitBox);
    limitRow->setContentsMargins(0, 0, 0, 0);
    limitRow->addWidget(new QLabel(tr("Latency limit:"), limitBox));
    limitWidget_ = new LimitWidget(limit_, limitBox);
    limitRow->addWidget(limitWidget_, 1);
    flow->addStretchedWidget(limitBox, 360);
    layout->addWidget(controls);

    answer_ = new AnswerLine(controller_, limit_, selection_, central);
    layout->addWidget(answer_);
    plot_ = new ParetoPlot(central);
    plot_->setMinimumSize(240, 160);
    plot_->setToolTip(QString());  // points explain themselves on hover
    layout->addWidget(plot_, 1);
    setCentralWidget(central);
}

QDockWidget* MainWindow::addDock(const QString& title, const char* name, QWidget* content, Qt::DockWidgetArea area) {
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
    if (!horizontal) area->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
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
    QDockWidget* searchDock = addDock(tr("Search"), "searchDock", scrolling(searchPanel_, false), Qt::LeftDockWidgetArea);

    archPanel_ = new ArchitecturePanel(selection_);
    QDockWidget* archDock = addDock(tr("Architecture"), "architectureDock", archPanel_, Qt::RightDockWidgetArea);
    trustPlot_ = new TrustPlot;
    trustPlot_->setMinimumSize(260, 220);
    QDockWidget* trustDock = addDock(tr("Predictor Trust"), "trustDock", trustPlot_, Qt::RightDockWidgetArea);
    tabifyDockWidget(archDock, trustDock);
    archDock->raise();

    population_ = new PopulationPanel(selection_);
    QDockWidget* popDock = addDock(tr("Population"), "populationDock", population_, Qt::BottomDockWidgetArea);
    log_ = new QPlainTextEdit;
    log_->setObjectName("logView");
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(2000);
    QDockWidget* logDock = addDock(tr("Log"), "logDock", log_, Qt::BottomDockWidgetArea);
    tabifyDockWidget(popDock, logDock);
    comparisonView_ = new DeviceComparisonView(controller_);
    comparisonDock_ = addDock(tr("Device Comparison"), "comparisonDock", scrolling(comparisonView_), Qt::BottomDockWidgetArea);
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
    file->addAction(tr("&Open Workspace..."), QKeySequence::Open, this, &MainWindow::chooseWorkspace)
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
    undo->setToolTip(tr("Put the latency limit back where it was before the last move"));
    QAction* redo = undo_->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);

    QMenu* search = menuBar()->addMenu(tr("&Search"));
    QAction* start = search->addAction(tr("&Start"), this, [this] { searchPanel_->start(); });
    start->setObjectName("startSearchAction");
    start->setShortcuts({QKeySequence(Qt::Key_F5), QKeySequence(Qt::CTRL | Qt::Key_Return),
                         QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    start->setToolTip(tr("Search under the current limit with the Search panel's settings"));
    search->addAction(tr("Start &Warm"), this, [this] { searchPanel_->start(true); })
        ->setToolTip(tr("Generation 0 from the best stored architectures under the limit"));
    search->addAction(tr("Start C&old"), this, [this] { searchPanel_->start(false); })
        ->setToolTip(tr("Generation 0 from random architectures under the limit, as HAT does"));
    QAction* cancel = search->addAction(tr("&Cancel"), this, [this] { searchPanel_->cancel(); });
    cancel->setObjectName("cancelSearchAction");
    cancel->setShortcut(QKeySequence(Qt::Key_Escape));
    cancel->setToolTip(tr("Stop the running search or BLEU evaluation; what it evaluated is kept"));
    search->addSeparator();
    QAction* bleu = search->addAction(tr("Evaluate &BLEU of the Front"), this, [this] { searchPanel_->evaluateFrontBleu(); });
    bleu->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    bleu->setToolTip(tr("Translate the fitness set with every Pareto-front architecture (beam 4) and store its "
                        "sacreBLEU; then choose BLEU for the y axis"));

    jobs_->fillMenu(menuBar()->addMenu(tr("&Tools")));

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* fit = view->addAction(tr("&Fit Plot to Data"), this, [this] { plot_->rescaleToData(); });
    fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    fit->setToolTip(tr("Show every point and the limit; the axes follow new points again"));
    QAction* compare = view->addAction(tr("Compare &Devices"), this, [this] {
        comparisonDock_->show();
        comparisonDock_->raise();
    });
    compare->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    compare->setToolTip(tr("Pareto fronts of several devices side by side, and the architecture each gets at "
                           "the same relative limit"));
    view->addAction(archPanel_->pinAction());
    view->addAction(archPanel_->clearAction());
    view->addSeparator();
    for (QDockWidget* d : findChildren<QDockWidget*>()) view->addAction(d->toggleViewAction());

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* guide = help->addAction(tr("&User Guide"), this, [this] { showUserGuide(this); });
    guide->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("&Keyboard Shortcuts"), this, [this] { showShortcuts(this); });
    help->addAction(tr("&About HAT Explorer"), this, &MainWindow::about);
}

void MainWindow::createStatusBar() {
    statusLabel_ = new QLabel(tr("No workspace open"), this);
    supernetLabel_ = new QLabel(this);
    supernetLabel_->setObjectName("supernetLabel");
    fitnessLabel_ = new QLabel(this);
    statusBar()->addWidget(statusLabel_, 1);
    statusBar()->addPermanentWidget(supernetLabel_);
    statusBar()->addPermanentWidget(fitnessLabel_);
}

void MainWindow::wire() {
    connect(controller_, &SearchController::workspaceOpened, this, &MainWindow::onWorkspaceOpened);
    connect(controller_, &SearchController::workspaceFailed, this, &MainWindow::onWorkspaceFailed);
    connect(controller_, &SearchController::workspaceCreated, this, [this](JobId job, const QString& dir) {
        if (job != createJob_) return;
        log(tr("Created workspace %1").arg(dir));
        openWorkspace(dir);
    });
    connect(controller_, &SearchController::supernetLoaded, this, [this](JobId job, int divisor) {
        if (job != openJob_ || !info_) return;
        info_->widthDivisor = divisor;
        updateStatus();
    });
    connect(controller_, &SearchController::pointsReady, this, &MainWindow::onPoints);
    connect(controller_, &SearchController::populationReady, this, [this](JobId job, const StoredPopulation& p) {
        if (job != populationJob_ || p.device != currentDevice() || searchPanel_->running()) return;
        population_->setPopulation(p.members, p.generation);
        if (!p.members.empty()) {
            log(tr("%1: last stored search (run %2, under %3 ms), generation %4")
                    .arg(p.device).arg(p.runId).arg(p.limitMs, 0, 'f', 1).arg(p.generation));
        }
    });
    connect(controller_, &SearchController::trustReady, this, [this](JobId job, const PredictorTrust& t) {
        if (job == trustJob_ && t.device == currentDevice()) trustPlot_->setTrust(t);
    });
    connect(controller_, &SearchController::failed, this, [this](JobId job, const QString& message) {
        if (job == openJob_) {  // the workspace opened, but its SuperTransformer did not load
            showError(tr("Cannot load the SuperTransformer"), message);
            supernetLabel_->setText(tr("SuperTransformer: not loaded"));
            return;
        }
        if (job != pointsJob_ && job != trustJob_ && job != populationJob_) return;  // others have their own receivers
        log(tr("Error: %1").arg(message));
        statusBar()->showMessage(message, 10000);
    });

    connect(limit_, &LimitModel::valueChanged, this, [this](double v) {
        plot_->setLimit(v);
        answer_->refresh();
    });
    connect(limit_, &LimitModel::rangeChanged, this, [this] {
        plot_->setLimit(limit_->value());
        answer_->refresh();
    });
    connect(plot_, &ParetoPlot::limitChanged, limit_, &LimitModel::setValue);
    connect(plot_, &ParetoPlot::limitDragFinished, limit_, [this] { limit_->commit(); });
    connect(plot_, &ParetoPlot::pointClicked, selection_, [this](const Gene& g) { selection_->select(g); });
    connect(selection_, &SelectionModel::selectionChanged, plot_, &ParetoPlot::setSelected);
    connect(selection_, &SelectionModel::markedChanged, plot_, &ParetoPlot::setMarked);
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
    });
    connect(searchPanel_, &SearchPanel::searchEnded, this, &MainWindow::onSearchEnded);
    connect(searchPanel_, &SearchPanel::bleuEnded, this, [this] { pointsJob_ = controller_->requestPoints(currentDevice()); });
    connect(searchPanel_, &SearchPanel::message, this, &MainWindow::log);

    connect(archPanel_, &ArchitecturePanel::message, this, [this](const QString& m) { statusBar()->showMessage(m, 5000); });
    connect(exports_, &ExportActions::logged, this, &MainWindow::log);
    connect(exports_, &ExportActions::exported, this,
            [this](const QString& path) { statusBar()->showMessage(tr("Wrote %1").arg(path), 8000); });
    connect(exports_, &ExportActions::failed, this, &MainWindow::showError);
    connect(jobs_, &JobsController::logged, this, &MainWindow::log);
    connect(jobs_, &JobsController::status, this, [this](const QString& m) { statusBar()->showMessage(m, 10000); });
    connect(jobs_, &JobsController::failed, this, &MainWindow::showError);
    connect(jobs_, &JobsController::measured, this, [this](const QString& device) {
        if (info_ && device == currentDevice()) trustJob_ = controller_->requestTrust(device);
    });
    connect(recent_, &RecentWorkspaces::openRequested, this, &MainWindow::openWorkspace);
    connect(comparisonDock_, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible && info_) comparisonView_->refresh();
    });
}

// ---- workspace ------------------------------------------------------------------------------

void MainWindow::setDataDir(const QString& dir) {
    dataDir_ = dir;
    jobs_->setDataDir(dir);
}

void MainWindow::openWorkspace(const QString& dir) {
    statusLabel_->setText(tr("Opening %1 …").arg(dir));
    log(tr("Opening workspace %1").arg(dir));
    openJob_ = controller_->openWorkspace(QDir(dir).absolutePath());
}

void MainWindow::chooseWorkspace() {
    const QString start = info_ ? info_->dir : QDir::homePath();
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Workspace"), start);
    if (!dir.isEmpty()) openWorkspace(dir);
}

void MainWindow::newWorkspace() {
    NewWorkspaceDialog dialog(dataDir_, this);
    if (dialog.exec() == QDialog::Accepted) createWorkspace(dialog.init());
}

void MainWindow::createWorkspace(const WorkspaceInit& init) {
    statusLabel_->setText(tr("Creating workspace %1 …").arg(QString::fromStdString(init.dir)));
    createJob_ = controller_->createWorkspace(init);
}

void MainWindow::onWorkspaceFailed(JobId job, const QString& dir, const QString& message) {
    if (job != openJob_ && job != createJob_) return;
    log(tr("Cannot open workspace %1: %2").arg(dir, message));
    showError(job == createJob_ ? tr("Cannot create workspace") : tr("Cannot open workspace"),
              tr("%1\n%2\n\n%3").arg(job == createJob_ ? tr("Cannot create the workspace in") : tr("Cannot open the workspace in"),
                                    dir, message));
    statusLabel_->setText(info_ ? tr("Workspace %1").arg(info_->dir) : tr("No workspace open"));
}

QString MainWindow::settingsGroup() const {
    return info_ ? "workspaces/" + QString::fromLatin1(QUrl::toPercentEncoding(info_->dir)) : QString();
}

void MainWindow::onWorkspaceOpened(JobId job, const WorkspaceInfo& info) {
    if (job != openJob_) return;
    info_ = info;
    recent_->remember(info.dir);
    setWindowTitle(tr("HAT Explorer — %1").arg(QDir(info.dir).dirName()));
    selection_->reset();
    limit_->clear();
    limit_->setSettingsGroup(settingsGroup() + "/limits");
    for (size_t i = 0; i < info.devices.size() && i < info.ranges.size(); ++i) {
        const LatencyRange& r = info.ranges[i];
        limit_->setRange(QString::fromStdString(info.devices[i].name), {r.smallest.ms, r.largest.ms},
                         {r.smallest.upperMs, r.largest.upperMs});
    }
    plot_->setSpace(info.space);
    plot_->setPoints({});
    plot_->clearGenerations();
    population_->setSpace(info.space);
    population_->clear();
    archPanel_->setSpace(info.space);
    answer_->setWorkspace(&*info_);
    exports_->setWorkspace(&*info_);
    jobs_->setWorkspace(&*info_);
    comparisonView_->setWorkspace(info);
    log(tr("Workspace %1: %2 device(s), SuperTransformer %3").arg(info.dir).arg(info.devices.size()).arg(info.checkpoint));
    statusLabel_->setText(tr("Workspace %1").arg(QDir(info.dir).dirName()));
    statusLabel_->setToolTip(info.dir);
    updateStatus();
    {
        const QSignalBlocker block(deviceCombo_);
        deviceCombo_->clear();
        for (const auto& d : info.devices) {
            deviceCombo_->addItem(QString::fromStdString(d.name));
            deviceCombo_->setItemData(deviceCombo_->count() - 1, QString::fromStdString(d.source), Qt::ToolTipRole);
        }
    }
    if (info.devices.empty()) {
        answer_->showNote(tr("This workspace has no devices."));
        return;
    }
    restoreWorkspaceState();
    deviceChosen();
}

void MainWindow::restoreWorkspaceState() {
    QSettings s;
    s.beginGroup(settingsGroup());
    const int device = deviceCombo_->findText(s.value("device").toString());
    {
        const QSignalBlocker block(deviceCombo_);
        deviceCombo_->setCurrentIndex(std::max(0, device));
    }
    const int metric = std::clamp(s.value("yMetric", 0).toInt(), 0, yMetricCombo_->count() - 1);
    {
        const QSignalBlocker block(yMetricCombo_);
        yMetricCombo_->setCurrentIndex(metric);
    }
    plot_->setYMetric(static_cast<ParetoPlot::YMetric>(metric));
    const QString reference = s.value("reference").toString();
    if (!reference.isEmpty()) {
        try {
            const Gene g = geneFromText(reference.toStdString());
            if (geneIsValid(g, info_->space)) selection_->pin(g);
        } catch (const std::exception&) {
            // A reference remembered from an older space: forgotten.
        }
    }
}

void MainWindow::saveWorkspaceState() const {
    if (!info_) return;
    QSettings s;
    s.beginGroup(settingsGroup());
    s.setValue("device", currentDevice());
    s.setValue("yMetric", yMetricCombo_->currentIndex());
    const auto& ref = selection_->reference();
    s.setValue("reference", ref ? QString::fromStdString(geneToText(*ref)) : QString());
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
    pointsJob_ = controller_->requestPoints(currentDevice());
    populationJob_ = controller_->requestLastPopulation(currentDevice());
    trustJob_ = controller_->requestTrust(currentDevice());
    answer_->refresh();
    updateStatus();
}

void MainWindow::onPoints(JobId job, const PointSet& set) {
    if (job != pointsJob_ || set.device != currentDevice()) return;
    plot_->setPoints(set.points);
    if (set.points.empty()) plot_->rescaleToData();
    log(tr("%1: %2 evaluated architectures, %3 on the Pareto front").arg(set.device).arg(set.points.size()).arg(plot_->frontCount()));
}

void MainWindow::onSearchEnded(const SearchOutcome& out) {
    // The search's best is marked; the selection stays the user's (or follows the answer line).
    if (!out.best.gene.empty()) selection_->mark(out.best.gene);
    if (!comparisonDock_->visibleRegion().isEmpty()) comparisonView_->refresh();
    pointsJob_ = controller_->requestPoints(currentDevice());
    answer_->refresh();
}

void MainWindow::updateStatus() {
    if (!info_) {
        supernetLabel_->setText(tr("SuperTransformer: —"));
        fitnessLabel_->setText(tr("Fitness set: —"));
        return;
    }
    QString supernet = tr("SuperTransformer: %1").arg(QFileInfo(info_->checkpoint).fileName());
    QString tip = info_->checkpoint;
    if (info_->widthDivisor == 0) {
        supernet += tr(" (loading …)");
    } else if (info_->widthDivisor > 1) {
        supernet += tr(" · quality from a 1/%1-width proxy").arg(info_->widthDivisor);
        tip += tr("\nQuality (loss, BLEU) is measured on a SuperTransformer with every width divided by %1; "
                  "latency is predicted for the full-size SubTransformers.").arg(info_->widthDivisor);
    }
    supernetLabel_->setText(supernet);
    supernetLabel_->setToolTip(tip);
    fitnessLabel_->setText(tr("Fitness: %1").arg(info_->fitnessSet));
    fitnessLabel_->setToolTip(tr("Quality is the validation loss on this set of sentences"));
}

// ---- window ---------------------------------------------------------------------------------

ArchitectureView* MainWindow::architectureView() const { return archPanel_->view(); }
PopulationModel* MainWindow::populationModel() const { return population_->model(); }
QString MainWindow::lastAnswerText() const { return answer_->text(); }

void MainWindow::showWarning(const QString& text) {
    statusBar()->showMessage(text);
    statusLabel_->setToolTip(text);
}

void MainWindow::log(const QString& line) {
    log_->appendPlainText(QTime::currentTime().toString("HH:mm:ss  ") + line);
}

void MainWindow::showError(const QString& title, const QString& text) {
    // Window-modal and non-blocking: the worker keeps delivering, and tests can find and close it.
    auto* box = new QMessageBox(QMessageBox::Critical, title, text, QMessageBox::Ok, this);
    box->setObjectName("errorDialog");
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
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

void MainWindow::about() {
    QMessageBox::about(this, tr("About HAT Explorer"),
                       tr("<b>HAT Explorer</b><br>Hardware-aware Transformer design: search a weight-sharing "
                          "SuperTransformer for the most accurate SubTransformer under a latency limit on your "
                          "device.<br><br>Re-implements HAT (Wang et al., ACL 2020)."));
}

}  // namespace hat::ui

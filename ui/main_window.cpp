#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTableView>
#include <QTextStream>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

#include "core/space/arch_metrics.h"
#include "core/space/gene.h"
#include "core/space/subconfig_io.h"
#include "ui/architecture_view.h"
#include "ui/new_workspace_dialog.h"
#include "ui/pareto_plot.h"
#include "ui/population_model.h"
#include "ui/device_comparison_view.h"
#include "ui/trust_plot.h"

namespace hat::ui {

namespace {
constexpr double kSliderStepsPerMs = 10.0;
constexpr int kMaxRecent = 8;

double nowSeconds() { return static_cast<double>(QDateTime::currentMSecsSinceEpoch()) / 1000.0; }
}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("HAT Explorer"));
    setObjectName("MainWindow");
    resize(1280, 800);
    settings_.population = 40;
    settings_.parents = 10;
    settings_.mutations = 15;
    settings_.crossovers = 15;
    settings_.generations = 10;
    controller_ = new SearchController(this);
    createWidgets();
    createMenus();
    wireController();
    statusLabel_ = new QLabel(tr("No workspace open"), this);
    supernetLabel_ = new QLabel(this);
    fitnessLabel_ = new QLabel(this);
    deviceLabel_ = new QLabel(this);
    statusBar()->addWidget(statusLabel_, 1);
    for (QLabel* l : {supernetLabel_, fitnessLabel_, deviceLabel_}) statusBar()->addPermanentWidget(l);
    restoreWindowState();
    updateStatus();
}

MainWindow::~MainWindow() = default;

void MainWindow::createWidgets() {
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 6);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Device:"), central));
    deviceCombo_ = new QComboBox(central);
    deviceCombo_->setObjectName("deviceCombo");
    deviceCombo_->setMinimumContentsLength(24);
    deviceCombo_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    controls->addWidget(deviceCombo_);
    controls->addSpacing(12);
    controls->addWidget(new QLabel(tr("Y:"), central));
    yMetricCombo_ = new QComboBox(central);
    yMetricCombo_->setObjectName("yMetricCombo");
    yMetricCombo_->addItems({tr("Validation loss"), tr("BLEU"), tr("Parameters"), tr("FLOPs")});
    yMetricCombo_->setToolTip(tr("What the plot's y axis shows (BLEU only where it has been computed)"));
    controls->addWidget(yMetricCombo_);
    controls->addSpacing(12);
    controls->addWidget(new QLabel(tr("Latency limit:"), central));
    slider_ = new QSlider(Qt::Horizontal, central);
    slider_->setObjectName("limitSlider");
    slider_->setRange(0, static_cast<int>(1000 * kSliderStepsPerMs));
    slider_->setMinimumWidth(220);
    controls->addWidget(slider_, 1);
    spin_ = new QDoubleSpinBox(central);
    spin_->setObjectName("limitSpin");
    spin_->setSuffix(tr(" ms"));
    spin_->setDecimals(1);
    spin_->setRange(0, 1000);
    spin_->setSingleStep(1.0);
    spin_->setKeyboardTracking(false);
    controls->addWidget(spin_);
    searchButton_ = new QPushButton(tr("Search"), central);
    searchButton_->setObjectName("searchButton");
    cancelButton_ = new QPushButton(tr("Cancel"), central);
    cancelButton_->setObjectName("cancelButton");
    cancelButton_->setEnabled(false);
    controls->addWidget(searchButton_);
    controls->addWidget(cancelButton_);
    progress_ = new QProgressBar(central);
    progress_->setObjectName("searchProgress");
    progress_->setMinimumWidth(260);
    progress_->setRange(0, 1);
    progress_->setValue(0);
    progress_->setFormat(tr("Idle"));
    controls->addWidget(progress_);
    layout->addLayout(controls);

    answerLabel_ = new QLabel(tr("Open a workspace to see its architectures."), central);
    answerLabel_->setObjectName("answerLabel");
    answerLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(answerLabel_);

    plot_ = new ParetoPlot(central);
    layout->addWidget(plot_, 1);
    setCentralWidget(central);

    auto* archDock = new QDockWidget(tr("Architecture"), this);
    archDock->setObjectName("architectureDock");
    archView_ = new ArchitectureView(archDock);
    archDock->setWidget(archView_);
    addDockWidget(Qt::RightDockWidgetArea, archDock);
    // Narrower than this, the layer boxes elide their FFN widths.
    archView_->setMinimumWidth(400);

    auto* popDock = new QDockWidget(tr("Population"), this);
    popDock->setObjectName("populationDock");
    auto* popWidget = new QWidget(popDock);
    auto* popLayout = new QVBoxLayout(popWidget);
    popLayout->setContentsMargins(2, 2, 2, 2);
    filter_ = new QLineEdit(popWidget);
    filter_->setObjectName("populationFilter");
    filter_->setPlaceholderText(tr("Filter architectures (e.g. dec 512)"));
    filter_->setClearButtonEnabled(true);
    popLayout->addWidget(filter_);
    popModel_ = new PopulationModel(this);
    proxy_ = new QSortFilterProxyModel(this);
    proxy_->setSourceModel(popModel_);
    proxy_->setSortRole(PopulationModel::SortRole);
    proxy_->setFilterKeyColumn(PopulationModel::Summary);
    proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
    table_ = new QTableView(popWidget);
    table_->setObjectName("populationTable");
    table_->setModel(proxy_);
    table_->setSortingEnabled(true);
    table_->sortByColumn(PopulationModel::Rank, Qt::AscendingOrder);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setAlternatingRowColors(true);
    popLayout->addWidget(table_);
    popDock->setWidget(popWidget);
    addDockWidget(Qt::BottomDockWidgetArea, popDock);

    // Predicted against measured latency for the device's predictor, next to the architecture.
    auto* trustDock = new QDockWidget(tr("Predictor Trust"), this);
    trustDock->setObjectName("trustDock");
    trustPlot_ = new TrustPlot(trustDock);
    trustPlot_->setMinimumSize(320, 260);
    trustDock->setWidget(trustPlot_);
    addDockWidget(Qt::RightDockWidgetArea, trustDock);
    tabifyDockWidget(archDock, trustDock);
    archDock->raise();

    auto* logDock = new QDockWidget(tr("Log"), this);
    logDock->setObjectName("logDock");
    log_ = new QPlainTextEdit(logDock);
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(2000);
    logDock->setWidget(log_);
    addDockWidget(Qt::BottomDockWidgetArea, logDock);
    tabifyDockWidget(popDock, logDock);

    // Devices side by side: wide, so it shares the bottom area (or floats, at the user's choice).
    comparisonDock_ = new QDockWidget(tr("Device Comparison"), this);
    comparisonDock_->setObjectName("comparisonDock");
    comparisonView_ = new DeviceComparisonView(controller_, comparisonDock_);
    comparisonDock_->setWidget(comparisonView_);
    addDockWidget(Qt::BottomDockWidgetArea, comparisonDock_);
    tabifyDockWidget(popDock, comparisonDock_);
    connect(comparisonDock_, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible && info_) comparisonView_->refresh();
    });
    createJobsDock();
    tabifyDockWidget(popDock, jobsDock_);
    popDock->raise();
    resizeDocks({popDock}, {250}, Qt::Vertical);

    debounce_ = new QTimer(this);
    debounce_->setSingleShot(true);
    debounce_->setInterval(300);
    connect(debounce_, &QTimer::timeout, this, [this] { startSearch(true); });

    connect(slider_, &QSlider::valueChanged, this, [this](int v) {
        if (!syncing_) limitEdited(v / kSliderStepsPerMs);
    });
    connect(spin_, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        if (!syncing_) limitEdited(v);
    });
    connect(plot_, &ParetoPlot::limitChanged, this, [this](double ms) { limitEdited(ms); });
    connect(plot_, &ParetoPlot::pointClicked, this, [this](const Gene& g) { selectGene(g); });
    connect(searchButton_, &QPushButton::clicked, this, [this] { startSearch(true); });
    connect(cancelButton_, &QPushButton::clicked, this, &MainWindow::cancelSearch);
    connect(deviceCombo_, &QComboBox::currentIndexChanged, this, [this] {
        if (!syncing_) refreshDevice();
    });
    connect(filter_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);
    connect(yMetricCombo_, &QComboBox::currentIndexChanged, this,
            [this](int i) { plot_->setYMetric(static_cast<ParetoPlot::YMetric>(i)); });
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (syncing_ || !current.isValid()) return;
                const QModelIndex src = proxy_->mapToSource(current);
                selectGene(popModel_->candidate(src.row()).gene);
            });
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open Workspace..."), this, &MainWindow::chooseWorkspace);
    open->setShortcut(QKeySequence::Open);
    QAction* create = file->addAction(tr("&New Workspace..."), this, &MainWindow::newWorkspace);
    create->setShortcut(QKeySequence::New);
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    updateRecentMenu();
    file->addSeparator();
    exportArchAction_ = file->addAction(tr("Export &Architecture (YAML/JSON)..."), this,
                                        &MainWindow::chooseArchitectureExport);
    exportWeightsAction_ = file->addAction(tr("Export Inherited &Weights..."), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export Inherited Weights"), "subtransformer.pt",
                                                          tr("Tensor dicts (*.pt)"));
        if (!path.isEmpty()) exportWeights(path);
    });
    exportWeightsAction_->setToolTip(tr("The selected SubTransformer's weights cut from the SuperTransformer, "
                                        "as a dict of tensors under fairseq's names"));
    exportWeightsAction_->setEnabled(false);
    file->addAction(tr("Export &Plot (PNG/PDF)..."), this, &MainWindow::choosePlotExport);
    file->addAction(tr("Export All &Evaluations (CSV)..."), this, [this] { choosePointsExport(false); });
    file->addAction(tr("Export Pareto &Front (CSV)..."), this, [this] { choosePointsExport(true); });
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* search = menuBar()->addMenu(tr("&Search"));
    search->addAction(tr("&Start (warm)"), this, [this] { startSearch(true); });
    search->addAction(tr("Start &cold"), this, [this] { startSearch(false); });
    search->addAction(tr("&Cancel"), this, &MainWindow::cancelSearch);
    search->addSeparator();
    QAction* bleu = search->addAction(tr("Evaluate &BLEU of the Front"), this, &MainWindow::evaluateFrontBleu);
    bleu->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    bleu->setToolTip(tr("Translate the fitness set with every Pareto-front architecture (beam 4) and store "
                        "its sacreBLEU; then choose BLEU for the y axis"));
    createToolsMenu();
    viewMenu_ = menuBar()->addMenu(tr("&View"));
    viewMenu_->addAction(tr("&Fit plot to data"), this, [this] { plot_->rescaleToData(); });
    QAction* compare = viewMenu_->addAction(tr("Compare &Devices"), this, [this] {
        comparisonDock_->show();
        comparisonDock_->raise();
    });
    compare->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    compare->setToolTip(tr("Pareto fronts of several devices side by side, and the architecture each gets "
                           "at the same relative limit"));
    QAction* pin = viewMenu_->addAction(tr("Compare: &Pin Selection as Reference"), this, &MainWindow::pinDiffReference);
    pin->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    pin->setToolTip(tr("Later selections are drawn next to this architecture with the differences highlighted"));
    clearDiffAction_ = viewMenu_->addAction(tr("Compare: &Clear Reference"), this, &MainWindow::clearDiffReference);
    clearDiffAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    clearDiffAction_->setEnabled(false);
    for (QDockWidget* d : findChildren<QDockWidget*>()) viewMenu_->addAction(d->toggleViewAction());
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About HAT Explorer"), this, &MainWindow::about);
}

void MainWindow::newWorkspace() {
    NewWorkspaceDialog dialog(dataDir_, this);
    if (dialog.exec() == QDialog::Accepted) createWorkspace(dialog.init());
}

void MainWindow::createWorkspace(const WorkspaceInit& init) {
    statusLabel_->setText(tr("Creating workspace %1 ...").arg(QString::fromStdString(init.dir)));
    controller_->createWorkspace(init);
}

void MainWindow::pinDiffReference() {
    if (!selected_ || !info_) {
        statusBar()->showMessage(tr("Select an architecture first, then pin it as the reference."), 4000);
        return;
    }
    const SubConfig c = geneToConfig(*selected_, info_->space);
    archView_->setReference(c, tr("Reference: %1").arg(QString::fromStdString(c.trimmed().summary())));
    clearDiffAction_->setEnabled(true);
    log(tr("Diff reference: %1").arg(QString::fromStdString(c.trimmed().summary())));
}

void MainWindow::clearDiffReference() {
    archView_->setReference(std::nullopt);
    clearDiffAction_->setEnabled(false);
}

bool MainWindow::exportPointsCsv(const QString& path, bool frontOnly, QString* error) {
    if (!info_) {
        if (error) *error = tr("No workspace is open.");
        return false;
    }
    const std::vector<EvaluatedPoint> points = frontOnly ? paretoFront(plot_->points()) : plot_->points();
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) {
        if (error) *error = tr("%1: %2").arg(path, f.errorString());
        return false;
    }
    QTextStream out(&f);
    out << "device,latency_ms,latency_upper_ms,valid_loss,bleu,params,flops_30x30,summary,gene\n";
    const DesignSpace& space = info_->space;
    for (const auto& p : points) {
        const SubConfig c = geneToConfig(p.gene, space);
        QStringList gene;
        for (int v : p.gene) gene << QString::number(v);
        out << currentDevice() << ',' << QString::number(p.latencyMs, 'f', 3) << ','
            << QString::number(p.latencyUpperMs, 'f', 3) << ',' << QString::number(p.validLoss, 'f', 6) << ','
            << (p.bleu ? QString::number(*p.bleu, 'f', 2) : QString()) << ','
            << hatParameterCount(c, space.qkvDim) << ',' << flops(c, space.qkvDim, 30, 30, 0) << ",\""
            << QString::fromStdString(c.trimmed().summary()) << "\"," << gene.join(' ') << '\n';
    }
    out.flush();
    if (f.error() != QFile::NoError) {
        if (error) *error = tr("%1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

void MainWindow::choosePointsExport(bool frontOnly) {
    const QString path = QFileDialog::getSaveFileName(this, frontOnly ? tr("Export Pareto Front") : tr("Export Evaluations"),
                                                      frontOnly ? "pareto_front.csv" : "evaluations.csv",
                                                      tr("CSV (*.csv)"));
    if (path.isEmpty()) return;
    QString error;
    if (!exportPointsCsv(path, frontOnly, &error)) showError(tr("Export failed"), error);
}

void MainWindow::wireController() {
    connect(controller_, &SearchController::workspaceOpened, this, &MainWindow::onWorkspaceOpened);
    connect(controller_, &SearchController::weightsExported, this, [this](const QString& path, qint64 n) {
        statusLabel_->setText(tr("Wrote %1 (%2 parameters)").arg(path).arg(n));
        log(tr("Inherited weights written to %1: %2 parameters").arg(path).arg(n));
    });
    connect(controller_, &SearchController::workspaceCreated, this, [this](const QString& dir) {
        log(tr("Created workspace %1").arg(dir));
        openWorkspace(dir);
    });
    connect(controller_, &SearchController::workspaceFailed, this, [this](const QString& dir, const QString& msg) {
        log(tr("Cannot open workspace %1: %2").arg(dir, msg));
        showError(tr("Cannot open workspace"), tr("Cannot open the workspace in\n%1\n\n%2").arg(dir, msg));
        statusLabel_->setText(info_ ? tr("Workspace %1").arg(info_->dir) : tr("No workspace open"));
    });
    connect(controller_, &SearchController::pointsReady, this, &MainWindow::onPoints);
    connect(controller_, &SearchController::instantAnswer, this, &MainWindow::onInstantAnswer);
    connect(controller_, &SearchController::searchStarted, this, [this](JobId) {
        plot_->clearGenerations();
        searchStartedAt_ = nowSeconds();
        generationsDone_ = 0;
        progress_->setRange(0, settings_.generations + 1);
        progress_->setValue(0);
        progress_->setFormat(tr("Generation 0 / %1").arg(settings_.generations + 1));
        cancelButton_->setEnabled(true);
        log(tr("Search under %1 ms on %2 started").arg(limit_, 0, 'f', 1).arg(currentDevice()));
    });
    connect(controller_, &SearchController::generationFinished, this, &MainWindow::onGeneration);
    connect(controller_, &SearchController::trustReady, this, [this](JobId, const PredictorTrust& t) {
        if (t.device == currentDevice()) trustPlot_->setTrust(t);
    });
    connect(controller_, &SearchController::searchFinished, this, &MainWindow::onSearchFinished);
    connect(controller_, &SearchController::bleuProgress, this, [this](JobId, int done, int total, double bleu) {
        if (done == 0) {
            bleuStartedAt_ = nowSeconds();
            log(tr("BLEU of the Pareto front on %1: %2 architecture(s) to translate").arg(currentDevice()).arg(total));
        } else {
            log(tr("BLEU %1 / %2: %3").arg(done).arg(total).arg(bleu, 0, 'f', 2));
        }
        progress_->setRange(0, std::max(total, 1));
        progress_->setValue(done);
        const double left = done > 0 ? (nowSeconds() - bleuStartedAt_) / done * (total - done) : 0.0;
        progress_->setFormat(done > 0 ? tr("BLEU %1 / %2 — about %3 s left").arg(done).arg(total).arg(left, 0, 'f', 0)
                                      : tr("BLEU 0 / %1").arg(total));
    });
    connect(controller_, &SearchController::bleuFinished, this, [this](JobId, int computed, bool cancelled) {
        cancelButton_->setEnabled(controller_->searching() || controller_->evaluatingBleu());
        if (controller_->searching()) return;  // a search took over the progress bar
        progress_->setRange(0, 1);
        progress_->setValue(cancelled ? 0 : 1);
        progress_->setFormat(cancelled ? tr("BLEU cancelled") : tr("BLEU of %n architecture(s) done", nullptr, computed));
        log(cancelled ? tr("BLEU evaluation stopped after %1 architecture(s)").arg(computed)
                      : tr("BLEU evaluation finished: %1 architecture(s)").arg(computed));
        // The stored BLEU values reach the plot, the table and the exports with the points.
        if (info_) controller_->requestPoints(currentDevice());
    });
    connect(controller_, &SearchController::failed, this, [this](const QString& msg) {
        log(tr("Error: %1").arg(msg));
        statusLabel_->setText(msg);
        cancelButton_->setEnabled(controller_->searching());
        answerLabel_->setEnabled(true);  // no answer is coming
        if (!controller_->searching()) progress_->setFormat(tr("Failed"));
    });
}

void MainWindow::showWarning(const QString& text) {
    statusBar()->showMessage(text);
    statusLabel_->setToolTip(text);
}

QString MainWindow::lastAnswerText() const { return answerLabel_->text(); }

void MainWindow::showError(const QString& title, const QString& text) {
    // Window-modal and non-blocking: the worker keeps delivering, and tests can find and close it.
    auto* box = new QMessageBox(QMessageBox::Critical, title, text, QMessageBox::Ok, this);
    box->setObjectName("errorDialog");
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::log(const QString& line) {
    log_->appendPlainText(QTime::currentTime().toString("HH:mm:ss  ") + line);
}

// ---- workspace ------------------------------------------------------------------------------

void MainWindow::openWorkspace(const QString& dir) {
    statusLabel_->setText(tr("Opening %1 ...").arg(dir));
    log(tr("Opening workspace %1").arg(dir));
    controller_->openWorkspace(QDir(dir).absolutePath());
}

void MainWindow::chooseWorkspace() {
    const QString start = info_ ? info_->dir : QDir::homePath();
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Workspace"), start);
    if (!dir.isEmpty()) openWorkspace(dir);
}

QStringList MainWindow::recentWorkspaces() { return QSettings().value("recentWorkspaces").toStringList(); }

QString MainWindow::defaultWorkspace(const QString& fallback) {
    for (const QString& d : recentWorkspaces()) {
        if (QFileInfo::exists(d + "/workspace.db")) return d;
    }
    return QFileInfo::exists(fallback + "/workspace.db") ? fallback : QString();
}

void MainWindow::rememberWorkspace(const QString& dir) {
    QStringList list = recentWorkspaces();
    list.removeAll(dir);
    list.prepend(dir);
    while (list.size() > kMaxRecent) list.removeLast();
    QSettings().setValue("recentWorkspaces", list);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu() {
    recentMenu_->clear();
    const QStringList list = recentWorkspaces();
    for (const QString& d : list) {
        recentMenu_->addAction(d, this, [this, d] { openWorkspace(d); });
    }
    recentMenu_->setEnabled(!list.isEmpty());
}

void MainWindow::onWorkspaceOpened(const WorkspaceInfo& info) {
    info_ = info;
    rememberWorkspace(info.dir);
    setWindowTitle(tr("HAT Explorer — %1").arg(QDir(info.dir).dirName()));
    plot_->setSpace(info.space);
    plot_->setPoints({});
    plot_->clearGenerations();
    popModel_->setSpace(info.space);
    selectGene(std::nullopt);
    limitInitialised_ = false;
    syncing_ = true;
    deviceCombo_->clear();
    for (const auto& d : info.devices) {
        deviceCombo_->addItem(QString::fromStdString(d.name));
        deviceCombo_->setItemData(deviceCombo_->count() - 1, QString::fromStdString(d.source), Qt::ToolTipRole);
    }
    syncing_ = false;
    comparisonView_->setWorkspace(info);
    log(tr("Workspace %1: %2 device(s), SuperTransformer %3").arg(info.dir).arg(info.devices.size()).arg(info.checkpoint));
    statusLabel_->setText(tr("Workspace %1").arg(info.dir));
    updateStatus();
    if (info.devices.empty()) {
        answerLabel_->setText(tr("This workspace has no devices."));
        return;
    }
    refreshDevice();
}

QString MainWindow::currentDevice() const { return deviceCombo_->currentText(); }

void MainWindow::refreshDevice() {
    if (!info_ || currentDevice().isEmpty()) return;
    controller_->cancelSearch();
    plot_->clearGenerations();
    popModel_->clear();
    answerLabel_->setText(tr("Loading the architectures evaluated so far ..."));
    controller_->requestPoints(currentDevice());
    controller_->requestTrust(currentDevice());
    if (limitInitialised_) requestAnswer();
    updateStatus();
}

void MainWindow::updateStatus() {
    if (!info_) {
        supernetLabel_->setText(tr("SuperTransformer: —"));
        fitnessLabel_->setText(tr("Fitness set: —"));
        deviceLabel_->setText(tr("Device: —"));
        return;
    }
    supernetLabel_->setText(tr("SuperTransformer: %1").arg(QFileInfo(info_->checkpoint).fileName()));
    supernetLabel_->setToolTip(info_->checkpoint);
    fitnessLabel_->setText(tr("Fitness set: %1").arg(info_->fitnessSet));
    deviceLabel_->setText(tr("Device: %1").arg(currentDevice()));
}

void MainWindow::onPoints(JobId, const PointSet& set) {
    if (set.device != currentDevice()) return;
    plot_->setPoints(set.points);
    double maxMs = 0.0;
    for (const auto& p : set.points) maxMs = std::max(maxMs, p.latencyUpperMs);
    if (maxMs > 0) {
        const double top = std::max(spin_->maximum(), maxMs * 1.2);
        syncing_ = true;
        spin_->setMaximum(top);
        slider_->setMaximum(static_cast<int>(top * kSliderStepsPerMs));
        syncing_ = false;
    }
    if (!limitInitialised_ && !set.points.empty()) {
        // Start at the median latency: half of what is known fits, half does not.
        std::vector<double> lat;
        for (const auto& p : set.points) lat.push_back(p.latencyMs);
        std::nth_element(lat.begin(), lat.begin() + static_cast<long>(lat.size() / 2), lat.end());
        limitInitialised_ = true;
        showLimit(lat[lat.size() / 2]);
        requestAnswer();
    }
    plot_->rescaleToData();
    if (set.points.empty()) {
        answerLabel_->setText(tr("Nothing evaluated yet on %1: press Search.").arg(currentDevice()));
    }
    log(tr("%1 evaluated architectures, %2 on the Pareto front").arg(set.points.size()).arg(plot_->frontCount()));
}

// ---- the limit ------------------------------------------------------------------------------

void MainWindow::showLimit(double ms) {
    limit_ = ms;
    syncing_ = true;
    if (ms > spin_->maximum()) {
        spin_->setMaximum(ms * 1.2);
        slider_->setMaximum(static_cast<int>(ms * 1.2 * kSliderStepsPerMs));
    }
    slider_->setValue(static_cast<int>(std::lround(ms * kSliderStepsPerMs)));
    spin_->setValue(ms);
    syncing_ = false;
    plot_->setLimit(ms);
}

void MainWindow::setLimit(double ms) { limitEdited(ms); }

void MainWindow::setSearchDebounceMs(int ms) { debounce_->setInterval(ms); }

void MainWindow::limitEdited(double ms) {
    showLimit(ms);
    limitInitialised_ = true;
    if (!info_ || currentDevice().isEmpty()) return;
    // The stored answer comes at once; a warm re-search follows when the user stops moving.
    controller_->cancelSearch();
    requestAnswer();
    debounce_->start();
}

void MainWindow::requestAnswer() {
    answerJob_ = controller_->requestInstantAnswer(currentDevice(), limit_);
    // The label still describes the previous limit until the answer arrives (tens of ms, longer
    // while a search holds the database): dimmed, it does not pass for the new one.
    answerLabel_->setEnabled(false);
}

void MainWindow::onInstantAnswer(JobId job, const InstantAnswer& a) {
    if (job != answerJob_ || a.device != currentDevice()) return;
    answerLabel_->setEnabled(true);
    if (!a.point) {
        answerText_ = tr("Nothing evaluated runs under %1 ms on %2 yet.").arg(a.limitMs, 0, 'f', 1).arg(a.device);
    } else {
        const auto& p = *a.point;
        answerText_ = tr("Best known under %1 ms: validation loss %2 at %3 ms — %4")
                          .arg(a.limitMs, 0, 'f', 1)
                          .arg(p.validLoss, 0, 'f', 4)
                          .arg(p.latencyMs, 0, 'f', 1)
                          .arg(info_ ? QString::fromStdString(geneToConfig(p.gene, info_->space).trimmed().summary())
                                     : QString());
        selectGene(p.gene);
    }
    answerLabel_->setText(answerText_);
}

// ---- search ---------------------------------------------------------------------------------

void MainWindow::startSearch(bool warm) {
    debounce_->stop();
    if (!info_ || currentDevice().isEmpty()) return;
    if (limit_ <= 0) {
        statusLabel_->setText(tr("Set a latency limit first"));
        return;
    }
    EvolutionSettings s = settings_;
    s.maxLatencyMs = limit_;
    progress_->setRange(0, 0);  // busy until the first generation arrives
    progress_->setFormat(tr("Starting ..."));
    cancelButton_->setEnabled(true);
    controller_->startSearch(currentDevice(), s, warm);
}

void MainWindow::evaluateFrontBleu() {
    if (!info_ || currentDevice().isEmpty()) return;
    debounce_->stop();
    progress_->setRange(0, 0);
    progress_->setFormat(tr("Starting BLEU ..."));
    cancelButton_->setEnabled(true);
    controller_->evaluateFrontBleu(currentDevice());
}

void MainWindow::cancelSearch() {
    debounce_->stop();
    controller_->cancelSearch();
    log(tr("Cancel requested"));
}

void MainWindow::onGeneration(JobId, const GenerationReport& r) {
    plot_->addGeneration(r);
    syncing_ = true;
    popModel_->setPopulation(r.population, r.generation);
    syncing_ = false;
    generationsDone_ = r.generation + 1;
    generationSeconds_ = (nowSeconds() - searchStartedAt_) / generationsDone_;
    const int total = settings_.generations + 1;
    const double left = generationSeconds_ * (total - generationsDone_);
    progress_->setRange(0, total);
    progress_->setValue(generationsDone_);
    progress_->setFormat(tr("Generation %1 / %2 — about %3 s left").arg(generationsDone_).arg(total).arg(left, 0, 'f', 0));
    log(tr("Generation %1: best loss %2 at %3 ms (%4 s)")
            .arg(r.generation)
            .arg(r.best.fitness, 0, 'f', 4)
            .arg(r.best.latency.ms, 0, 'f', 1)
            .arg(r.seconds, 0, 'f', 1));
    if (selected_) {
        // Keep the table's highlight on the selected architecture when it is in the population.
        selectGene(selected_);
    }
}

void MainWindow::onSearchFinished(JobId, const SearchOutcome& out) {
    cancelButton_->setEnabled(controller_->searching());
    progress_->setRange(0, 1);
    progress_->setValue(out.cancelled ? 0 : 1);
    progress_->setFormat(out.cancelled ? tr("Cancelled") : tr("Done in %1 s").arg(out.seconds, 0, 'f', 1));
    log(tr("Search %1: %2 generations, %3 evaluated, %4 reused, best loss %5 at %6 ms")
            .arg(out.cancelled ? tr("cancelled") : tr("finished"))
            .arg(out.generations)
            .arg(out.computed)
            .arg(out.reused)
            .arg(out.best.fitness, 0, 'f', 4)
            .arg(out.best.latency.ms, 0, 'f', 1));
    if (!out.best.gene.empty()) selectGene(out.best.gene);
    if (!comparisonDock_->visibleRegion().isEmpty()) comparisonView_->refresh();
    controller_->requestPoints(currentDevice());
}

// ---- selection ------------------------------------------------------------------------------

void MainWindow::selectGene(const std::optional<Gene>& gene) {
    selected_ = gene;
    plot_->setSelected(gene);
    exportArchAction_->setEnabled(gene.has_value());
    exportWeightsAction_->setEnabled(gene.has_value());
    if (!gene || !info_) {
        archView_->setConfig(std::nullopt);
        return;
    }
    const SubConfig c = geneToConfig(*gene, info_->space);
    QString caption = QString::fromStdString(c.trimmed().summary());
    archView_->setConfig(c, caption);
    const int row = popModel_->rowOf(*gene);
    syncing_ = true;
    if (row >= 0) {
        const QModelIndex idx = proxy_->mapFromSource(popModel_->index(row, 0));
        if (idx.isValid() && table_->currentIndex().row() != idx.row()) {
            table_->selectionModel()->setCurrentIndex(
                idx, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            table_->scrollTo(idx);
        }
    } else {
        table_->clearSelection();
    }
    syncing_ = false;
}

// ---- export ---------------------------------------------------------------------------------

bool MainWindow::exportWeights(const QString& path) {
    if (!selected_ || !info_) return false;
    statusLabel_->setText(tr("Exporting weights to %1 ...").arg(path));
    controller_->exportWeights(*selected_, path);
    return true;
}

bool MainWindow::exportArchitecture(const QString& path, QString* error) {
    if (!selected_ || !info_) {
        if (error) *error = tr("No architecture is selected");
        return false;
    }
    const SubConfig c = geneToConfig(*selected_, info_->space).trimmed();
    const QString suffix = QFileInfo(path).suffix().toLower();
    const std::string text = suffix == "json" ? subConfigToJson(c) : subConfigToYaml(c);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        f.write(text.data(), static_cast<qint64>(text.size())) != static_cast<qint64>(text.size())) {
        if (error) *error = tr("%1: %2").arg(path, f.errorString());
        return false;
    }
    log(tr("Exported architecture to %1").arg(path));
    return true;
}

bool MainWindow::exportPlot(const QString& path, QString* error) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    const bool ok = suffix == "pdf" ? plot_->savePdf(path) : plot_->savePng(path, 0, 0, 2.0);
    if (!ok && error) *error = tr("%1: could not write the plot").arg(path);
    if (ok) log(tr("Exported plot to %1").arg(path));
    return ok;
}

void MainWindow::chooseArchitectureExport() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Architecture"), "subtransformer.yml",
                                                      tr("HAT YAML (*.yml *.yaml);;JSON (*.json)"));
    if (path.isEmpty()) return;
    QString err;
    if (!exportArchitecture(path, &err)) showError(tr("Export failed"), err);
}

void MainWindow::choosePlotExport() {
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export Plot"), "pareto.png", tr("PNG image (*.png);;PDF (*.pdf)"));
    if (path.isEmpty()) return;
    QString err;
    if (!exportPlot(path, &err)) showError(tr("Export failed"), err);
}

// ---- window state ---------------------------------------------------------------------------

void MainWindow::restoreWindowState() {
    QSettings s;
    restoreGeometry(s.value("mainWindow/geometry").toByteArray());
    QMainWindow::restoreState(s.value("mainWindow/state").toByteArray());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (jobs_->running() > 0) {
        const auto answer = QMessageBox::question(
            this, tr("Jobs are running"),
            tr("%n long job(s) still running. Cancel them and quit? Finished work is kept (training "
               "saves a checkpoint, measured rows stay in their file).", nullptr, jobs_->running()),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        jobs_->cancelAll();
        jobs_->waitForAll(60'000);
    }
    controller_->cancelSearch();
    QSettings s;
    s.setValue("mainWindow/geometry", saveGeometry());
    s.setValue("mainWindow/state", saveState());
    event->accept();
}

void MainWindow::about() {
    QMessageBox::about(this, tr("About HAT Explorer"),
                       tr("<b>HAT Explorer</b><br>Hardware-aware Transformer design: search a "
                          "weight-sharing SuperTransformer for the most accurate SubTransformer "
                          "under a latency limit on your device.<br><br>Re-implements HAT (Wang et "
                          "al., ACL 2020)."));
}

}  // namespace hat::ui

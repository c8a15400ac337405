#include "ui/search_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "ui/jobs_panel.h"
#include "ui/limit_model.h"

namespace hat::ui {

namespace {
qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

QSpinBox* spin(QWidget* parent, const char* name, int lo, int hi, const QString& tip) {
    auto* s = new QSpinBox(parent);
    s->setObjectName(name);
    s->setRange(lo, hi);
    s->setToolTip(tip);
    return s;
}
}  // namespace

double secondsLeft(qint64 firstMs, int firstDone, qint64 nowMsValue, int done, int total) {
    if (done <= firstDone || total <= done) return total <= done ? 0.0 : -1.0;
    const double perUnit = static_cast<double>(nowMsValue - firstMs) / 1000.0 / (done - firstDone);
    return perUnit * (total - done);
}

SearchPanel::SearchPanel(SearchController* controller, LimitModel* limit, QWidget* parent)
    : QWidget(parent), controller_(controller), limit_(limit) {
    setObjectName("searchPanel");
    buildForm();
    connect(controller_, &SearchController::searchStarted, this, &SearchPanel::onStarted);
    connect(controller_, &SearchController::generationFinished, this, &SearchPanel::onGeneration);
    connect(controller_, &SearchController::searchFinished, this, &SearchPanel::onFinished);
    connect(controller_, &SearchController::bleuProgress, this, &SearchPanel::onBleuProgress);
    connect(controller_, &SearchController::bleuFinished, this, &SearchPanel::onBleuFinished);
    connect(controller_, &SearchController::failed, this, &SearchPanel::onFailed);
    connect(limit_, &LimitModel::committed, this, [this] {
        if (autoResearch() && !device_.isEmpty()) start(true);
    });
    connect(limit_, &LimitModel::useUpperChanged, upper_, &QCheckBox::setChecked);
    showIdle(tr("Idle"));
}

void SearchPanel::buildForm() {
    population_ = spin(this, "populationSpin", 3, 5000,
                       tr("Architectures scored per generation (HAT: 125). Changing it rescales parents, "
                          "mutations and crossovers in HAT's 1 : 2 : 2 proportion."));
    parents_ = spin(this, "parentsSpin", 1, 5000, tr("The best of a generation, kept as they are (HAT: 25)"));
    mutations_ = spin(this, "mutationsSpin", 0, 5000, tr("Children made by changing a parent's genes (HAT: 50)"));
    crossovers_ = spin(this, "crossoversSpin", 0, 5000, tr("Children mixing two parents' genes (HAT: 50)"));
    generationsSpin_ = spin(this, "generationsSpin", 0, 1000,
                            tr("Breeding rounds; generations + 1 populations are scored (HAT: 30)"));
    seed_ = spin(this, "seedSpin", 0, 1'000'000'000, tr("The same seed, limit and settings give the same search"));
    threads_ = spin(this, "threadsSpin", 1, std::max(1, QThread::idealThreadCount()),
                    tr("Architectures evaluated side by side, one per thread"));
    start_ = new QComboBox(this);
    start_->setObjectName("warmCombo");
    start_->addItems({tr("Warm"), tr("Cold")});
    start_->setToolTip(tr("Warm starts generation 0 from the best architectures already evaluated under the "
                          "limit (fast after the limit moves); cold starts from random ones, as HAT does"));
    upper_ = new QCheckBox(tr("Limit applies to the 90% upper end"), this);
    upper_->setObjectName("upperBoundCheck");
    upper_->setToolTip(tr("Count an architecture as fitting only when the upper end of its predicted latency's "
                          "90% interval is under the limit, not just the prediction"));
    auto_ = new QCheckBox(tr("Auto re-search when the limit moves"), this);
    auto_->setObjectName("autoResearchCheck");
    auto_->setToolTip(tr("Start a warm search when a limit drag ends or Enter is pressed in the limit box"));

    startButton_ = new QPushButton(tr("Search"), this);
    startButton_->setObjectName("searchButton");
    startButton_->setToolTip(tr("Search under the current limit (F5 or Ctrl+Enter)"));
    cancelButton_ = new QPushButton(tr("Cancel"), this);
    cancelButton_->setObjectName("cancelButton");
    cancelButton_->setToolTip(tr("Stop the running search or BLEU evaluation (Esc); what it evaluated is kept"));
    progress_ = new QProgressBar(this);
    progress_->setObjectName("searchProgress");
    progress_->setToolTip(tr("Generations scored and the time left, estimated from the generations so far"));
    status_ = new QLabel(this);
    status_->setObjectName("searchStatus");
    status_->setWordWrap(true);

    // One line under each field says what it does (the tooltips say more).
    auto note = [this](const QString& text) {
        auto* l = new QLabel(text, this);
        l->setWordWrap(true);
        QFont f = l->font();
        f.setPointSizeF(f.pointSizeF() * 0.85);
        l->setFont(f);
        l->setForegroundRole(QPalette::PlaceholderText);
        return l;
    };
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("Population"), population_);
    form->addRow(note(tr("architectures scored per generation")));
    form->addRow(tr("Parents"), parents_);
    form->addRow(note(tr("the best, kept into the next generation")));
    form->addRow(tr("Mutations"), mutations_);
    form->addRow(note(tr("children with some genes changed")));
    form->addRow(tr("Crossovers"), crossovers_);
    form->addRow(note(tr("children mixing two parents")));
    form->addRow(tr("Generations"), generationsSpin_);
    form->addRow(note(tr("breeding rounds after the first population")));
    form->addRow(tr("Seed"), seed_);
    form->addRow(note(tr("same seed and settings, same search")));
    form->addRow(tr("Threads"), threads_);
    form->addRow(note(tr("architectures evaluated side by side")));
    form->addRow(tr("Start"), start_);
    form->addRow(note(tr("warm: from the best stored; cold: random")));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(startButton_);
    buttons->addWidget(cancelButton_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(buttons);
    layout->addWidget(progress_);
    layout->addWidget(status_);
    layout->addLayout(form);
    layout->addWidget(upper_);
    layout->addWidget(note(tr("only the safe side of the predictor's 90% interval counts")));
    layout->addWidget(auto_);
    layout->addWidget(note(tr("a warm search when a limit drag ends or Enter is pressed")));
    layout->addStretch(1);

    QSettings st;
    EvolutionSettings s;
    s.population = st.value("search/population", 40).toInt();
    s.parents = st.value("search/parents", 10).toInt();
    s.mutations = st.value("search/mutations", 15).toInt();
    s.crossovers = st.value("search/crossovers", 15).toInt();
    s.generations = st.value("search/generations", 10).toInt();
    s.seed = st.value("search/seed", 1).toULongLong();
    setSettings(s);
    threads_->setValue(st.value("search/threads", 1).toInt());
    start_->setCurrentIndex(st.value("search/cold", false).toBool() ? 1 : 0);
    auto_->setChecked(st.value("search/autoResearch", true).toBool());

    connect(population_, &QSpinBox::valueChanged, this, [this](int n) {
        // HAT's proportion 25 : 50 : 50; crossovers take the rounding.
        const QSignalBlocker a(parents_), b(mutations_), c(crossovers_);
        const int p = std::max(2, static_cast<int>(std::lround(n * 0.2)));
        const int m = std::max(0, static_cast<int>(std::lround(n * 0.4)));
        parents_->setValue(std::min(p, n));
        mutations_->setValue(std::max(0, std::min(m, n - parents_->value())));
        crossovers_->setValue(std::max(0, n - parents_->value() - mutations_->value()));
        rememberSettings();
    });
    for (QSpinBox* part : {parents_, mutations_, crossovers_}) {
        connect(part, &QSpinBox::valueChanged, this, [this] { rebalance(); });
    }
    for (QSpinBox* other : {generationsSpin_, seed_, threads_}) {
        connect(other, &QSpinBox::valueChanged, this, [this] { rememberSettings(); });
    }
    connect(start_, &QComboBox::currentIndexChanged, this, [this] { rememberSettings(); });
    connect(auto_, &QCheckBox::toggled, this, [this] { rememberSettings(); });
    connect(upper_, &QCheckBox::toggled, limit_, &LimitModel::setUseUpper);
    connect(startButton_, &QPushButton::clicked, this, [this] { start(); });
    connect(cancelButton_, &QPushButton::clicked, this, &SearchPanel::cancel);
}

void SearchPanel::rebalance() {
    const QSignalBlocker block(population_);
    population_->setValue(parents_->value() + mutations_->value() + crossovers_->value());
    rememberSettings();
}

void SearchPanel::rememberSettings() const {
    QSettings st;
    st.setValue("search/population", population_->value());
    st.setValue("search/parents", parents_->value());
    st.setValue("search/mutations", mutations_->value());
    st.setValue("search/crossovers", crossovers_->value());
    st.setValue("search/generations", generationsSpin_->value());
    st.setValue("search/seed", seed_->value());
    st.setValue("search/threads", threads_->value());
    st.setValue("search/cold", start_->currentIndex() == 1);
    st.setValue("search/autoResearch", auto_->isChecked());
}

EvolutionSettings SearchPanel::settings() const {
    EvolutionSettings s;
    s.population = population_->value();
    s.parents = parents_->value();
    s.mutations = mutations_->value();
    s.crossovers = crossovers_->value();
    s.generations = generationsSpin_->value();
    s.seed = static_cast<uint64_t>(seed_->value());
    s.maxLatencyMs = limit_->value();
    s.constrainUpperBound = limit_->useUpper();
    return s;
}

void SearchPanel::setSettings(const EvolutionSettings& s) {
    const QSignalBlocker a(population_), b(parents_), c(mutations_), d(crossovers_);
    population_->setValue(s.population);
    parents_->setValue(s.parents);
    mutations_->setValue(s.mutations);
    crossovers_->setValue(s.crossovers);
    generationsSpin_->setValue(s.generations);
    seed_->setValue(static_cast<int>(s.seed));
    rememberSettings();
}

void SearchPanel::setDevice(const QString& device) {
    if (device != device_) showStatus(QString());
    device_ = device;
}

int SearchPanel::threads() const { return threads_->value(); }
bool SearchPanel::warm() const { return start_->currentIndex() == 0; }
bool SearchPanel::autoResearch() const { return auto_->isChecked(); }
void SearchPanel::setAutoResearch(bool on) { auto_->setChecked(on); }

JobId SearchPanel::start() { return start(warm()); }

JobId SearchPanel::start(bool warmStart) {
    if (device_.isEmpty() || !limit_->hasCurrent()) {
        showStatus(tr("Open a workspace first."), true);
        return 0;
    }
    if (limit_->infeasible()) {
        showStatus(limit_->problem(), true);
        return 0;
    }
    const EvolutionSettings s = settings();
    try {
        s.validate();
    } catch (const std::exception& e) {
        showStatus(QString::fromStdString(e.what()), true);
        return 0;
    }
    bleuJob_ = 0;
    generations_ = s.generations + 1;
    searchJob_ = controller_->startSearch(device_, s, warmStart, threads());
    progress_->setRange(0, 0);  // busy until the first generation arrives
    progress_->setFormat(tr("Starting …"));
    cancelButton_->setEnabled(true);
    const QString line = tr("%1 search under %2%3 on %4")
                             .arg(warmStart ? tr("Warm") : tr("Cold"), limit_->format(s.maxLatencyMs),
                                  s.constrainUpperBound ? tr(" (90% upper end)") : QString(), device_);
    showStatus(line);
    Q_EMIT searchStarted(line);
    return searchJob_;
}

void SearchPanel::cancel() {
    if (!running()) return;
    controller_->cancelSearch();
    Q_EMIT message(tr("Cancel requested"));
}

JobId SearchPanel::evaluateFrontBleu() {
    if (device_.isEmpty()) return 0;
    searchJob_ = 0;
    bleuJob_ = controller_->evaluateFrontBleu(device_);
    progress_->setRange(0, 0);
    progress_->setFormat(tr("Starting BLEU …"));
    cancelButton_->setEnabled(true);
    showStatus(tr("BLEU of the Pareto front on %1").arg(device_));
    return bleuJob_;
}

void SearchPanel::onStarted(JobId job) {
    if (job != searchJob_) return;
    startedMs_ = nowMs();
    firstReportMs_ = 0;
    progress_->setRange(0, generations_);
    progress_->setValue(0);
    progress_->setFormat(tr("Generation 0 / %1").arg(generations_));
}

void SearchPanel::onGeneration(JobId job, const GenerationReport& r) {
    if (job != searchJob_) return;
    const int done = r.generation + 1;
    if (firstReportMs_ == 0) {
        // A warm or resumed run may start part-way: rates count from the first report.
        firstReportMs_ = startedMs_;
        firstReportDone_ = 0;
    }
    const double left = secondsLeft(firstReportMs_, firstReportDone_, nowMs(), done, generations_);
    progress_->setRange(0, generations_);
    progress_->setValue(done);
    progress_->setFormat(left >= 0 ? tr("Generation %1 / %2 — %3 left").arg(done).arg(generations_).arg(formatDuration(left))
                                   : tr("Generation %1 / %2").arg(done).arg(generations_));
    Q_EMIT message(tr("Generation %1: best loss %2 at %3 ms (%4 s)")
                       .arg(r.generation)
                       .arg(r.best.fitness, 0, 'f', 4)
                       .arg(r.best.latency.ms, 0, 'f', 1)
                       .arg(r.seconds, 0, 'f', 1));
    Q_EMIT generationArrived(r);
}

void SearchPanel::onFinished(JobId job, const SearchOutcome& out) {
    if (job != searchJob_) return;
    searchJob_ = 0;
    cancelButton_->setEnabled(false);
    progress_->setRange(0, 1);
    progress_->setValue(out.cancelled ? 0 : 1);
    progress_->setFormat(out.cancelled ? tr("Cancelled") : tr("Done in %1").arg(formatDuration(out.seconds)));
    const QString line = tr("Search %1: %2 generations, %3 evaluated, %4 reused, best loss %5 at %6 ms")
                             .arg(out.cancelled ? tr("cancelled") : tr("finished"))
                             .arg(out.generations)
                             .arg(out.computed)
                             .arg(out.reused)
                             .arg(out.best.fitness, 0, 'f', 4)
                             .arg(out.best.latency.ms, 0, 'f', 1);
    showStatus(line);
    Q_EMIT message(line);
    Q_EMIT searchEnded(out);
}

void SearchPanel::onBleuProgress(JobId job, int done, int total, double bleu) {
    if (job != bleuJob_) return;
    if (done == 0) {
        firstReportMs_ = nowMs();
        firstReportDone_ = 0;
        Q_EMIT message(tr("BLEU of the Pareto front on %1: %2 architecture(s) to translate").arg(device_).arg(total));
    } else {
        Q_EMIT message(tr("BLEU %1 / %2: %3").arg(done).arg(total).arg(bleu, 0, 'f', 2));
    }
    progress_->setRange(0, std::max(total, 1));
    progress_->setValue(done);
    const double left = secondsLeft(firstReportMs_, firstReportDone_, nowMs(), done, total);
    progress_->setFormat(left >= 0 ? tr("BLEU %1 / %2 — %3 left").arg(done).arg(total).arg(formatDuration(left))
                                   : tr("BLEU %1 / %2").arg(done).arg(total));
}

void SearchPanel::onBleuFinished(JobId job, int computed, bool cancelled) {
    if (job != bleuJob_) return;
    bleuJob_ = 0;
    cancelButton_->setEnabled(false);
    progress_->setRange(0, 1);
    progress_->setValue(cancelled ? 0 : 1);
    progress_->setFormat(cancelled ? tr("BLEU stopped") : tr("BLEU of %n architecture(s) done", nullptr, computed));
    Q_EMIT message(cancelled ? tr("BLEU evaluation stopped after %1 architecture(s)").arg(computed)
                             : tr("BLEU evaluation finished: %1 architecture(s)").arg(computed));
    Q_EMIT bleuEnded(computed);
}

void SearchPanel::onFailed(JobId job, const QString& text) {
    if (job == 0 || (job != searchJob_ && job != bleuJob_)) return;
    if (job == searchJob_) searchJob_ = 0;
    if (job == bleuJob_) bleuJob_ = 0;  // its bleuFinished that follows is then ignored
    cancelButton_->setEnabled(running());
    progress_->setRange(0, 1);
    progress_->setValue(0);
    progress_->setFormat(tr("Failed"));
    showStatus(text, true);
    Q_EMIT message(tr("Error: %1").arg(text));
}

void SearchPanel::showIdle(const QString& text) {
    progress_->setRange(0, 1);
    progress_->setValue(0);
    progress_->setFormat(text);
    cancelButton_->setEnabled(false);
}

void SearchPanel::showStatus(const QString& text, bool error) {
    status_->setText(text);
    status_->setStyleSheet(error ? "color: #b00000;" : QString());
}

QString SearchPanel::statusText() const { return status_->text(); }

}  // namespace hat::ui

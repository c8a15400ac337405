#include "ui/search_panel.h"

#include <QAction>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "ui/limit_model.h"
#include "ui/progress_display.h"
#include "ui/search_settings_form.h"

namespace hat::ui {

SearchPanel::SearchPanel(SearchController* controller, LimitModel* limit, QWidget* parent)
    : QWidget(parent), controller_(controller), limit_(limit) {
    setObjectName("searchPanel");
    buildForm();
    connect(controller_, &SearchController::searchStarted, this, &SearchPanel::onStarted);
    connect(controller_, &SearchController::generationFinished, this, &SearchPanel::onGeneration);
    connect(controller_, &SearchController::searchFinished, this, &SearchPanel::onFinished);
    connect(controller_, &SearchController::progressed, this, &SearchPanel::onProgress);
    connect(controller_, &SearchController::bleuFinished, this, &SearchPanel::onBleuFinished);
    connect(controller_, &SearchController::failed, this, &SearchPanel::onFailed);
    connect(limit_, &LimitModel::committed, this, [this] {
        if (autoResearch() && !device_.isEmpty()) start(true);
    });
    showIdle(tr("Idle"));
}

void SearchPanel::buildForm() {
    startButton_ = new QPushButton(tr("Search"), this);
    startButton_->setObjectName("searchButton");
    startButton_->setToolTip(tr("Search under the current limit (F5 or Ctrl+Enter)"));
    cancelButton_ = new QPushButton(tr("Cancel"), this);
    cancelButton_->setObjectName("cancelButton");
    cancelButton_->setToolTip(
        tr("Stop the running search or BLEU evaluation (Esc); what it evaluated is kept"));
    progress_ = new QProgressBar(this);
    progress_->setObjectName("searchProgress");
    progress_->setToolTip(
        tr("Generations scored and the time left, estimated from the generations so far"));
    status_ = new QLabel(this);
    status_->setObjectName("searchStatus");
    status_->setWordWrap(true);
    form_ = new SearchSettingsForm(limit_, this);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(startButton_);
    buttons->addWidget(cancelButton_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(buttons);
    layout->addWidget(progress_);
    layout->addWidget(status_);
    layout->addWidget(form_);
    layout->addStretch(1);
    connect(startButton_, &QPushButton::clicked, this, [this] { start(); });
    connect(cancelButton_, &QPushButton::clicked, this, &SearchPanel::cancel);
}

void SearchPanel::fillMenu(QMenu* menu) {
    QAction* go = menu->addAction(tr("&Start"), this, [this] { start(); });
    go->setObjectName("startSearchAction");
    go->setShortcuts({QKeySequence(Qt::Key_F5), QKeySequence(Qt::CTRL | Qt::Key_Return),
                      QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    go->setToolTip(tr("Search under the current limit with the Search panel's settings"));
    menu->addAction(tr("Start &Warm"), this, [this] { start(true); })
        ->setToolTip(tr("Generation 0 from the best stored architectures under the limit"));
    menu->addAction(tr("Start C&old"), this, [this] { start(false); })
        ->setToolTip(tr("Generation 0 from random architectures under the limit, as HAT does"));
    QAction* stop = menu->addAction(tr("&Cancel"), this, &SearchPanel::cancel);
    stop->setObjectName("cancelSearchAction");
    stop->setShortcut(QKeySequence(Qt::Key_Escape));
    stop->setToolTip(tr("Stop the running search or BLEU evaluation; what it evaluated is kept"));
    menu->addSeparator();
    QAction* bleu =
        menu->addAction(tr("Evaluate &BLEU of the Front"), this, [this] { evaluateFrontBleu(); });
    bleu->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    bleu->setToolTip(
        tr("Translate the fitness set with every Pareto-front architecture (beam 4) and "
           "store its sacreBLEU; then choose BLEU for the y axis"));
}

EvolutionSettings SearchPanel::settings() const { return form_->settings(); }
void SearchPanel::setSettings(const EvolutionSettings& s) { form_->setSettings(s); }

void SearchPanel::setDevice(const QString& device) {
    if (device != device_) showStatus(QString());
    device_ = device;
}

int SearchPanel::threads() const { return form_->threads(); }
bool SearchPanel::warm() const { return form_->warm(); }
bool SearchPanel::autoResearch() const { return form_->autoResearch(); }
void SearchPanel::setAutoResearch(bool on) { form_->setAutoResearch(on); }

JobId SearchPanel::start() { return start(warm()); }

JobId SearchPanel::start(bool warmStart) {
    if (!isEnabled()) return 0;  // a read-only workspace (the window says so in its banner)
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
    const QString line =
        tr("%1 search under %2%3 on %4")
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
    if (device_.isEmpty() || !isEnabled()) return 0;
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
    showFraction(progress_, 0.0);
    progress_->setFormat(tr("Generation 0 of %1").arg(generations_));
}

void SearchPanel::onProgress(JobId job, double fraction, double secondsLeft, const QString& text) {
    if (job == 0 || (job != searchJob_ && job != bleuJob_)) return;
    showFraction(progress_, fraction);
    // The bar's text is short; the log keeps every BLEU score.
    QString shown = text;
    if (job == searchJob_ && shown.contains(':')) shown = shown.section(':', 0, 0);
    progress_->setFormat(progressText(shown, secondsLeft).replace('%', QStringLiteral("%%")));
    if (job == bleuJob_) Q_EMIT message(text);
}

void SearchPanel::onGeneration(JobId job, const GenerationReport& r) {
    if (job != searchJob_) return;
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
    progress_->setFormat(out.cancelled ? tr("Cancelled")
                                       : tr("Done in %1").arg(formatDuration(out.seconds)));
    const QString raced = out.raced > 0 ? tr(", %1 stopped early").arg(out.raced) : QString();
    const QString line =
        tr("Search %1: %2 generations, %3 evaluated%4, %5 reused, best loss %6 at %7 ms")
            .arg(out.cancelled ? tr("cancelled") : tr("finished"))
            .arg(out.generations)
            .arg(out.computed)
            .arg(raced)
            .arg(out.reused)
            .arg(out.best.fitness, 0, 'f', 4)
            .arg(out.best.latency.ms, 0, 'f', 1);
    showStatus(line);
    Q_EMIT message(line);
    Q_EMIT searchEnded(out);
}

void SearchPanel::onBleuFinished(JobId job, int computed, bool cancelled) {
    if (job != bleuJob_) return;
    bleuJob_ = 0;
    cancelButton_->setEnabled(false);
    progress_->setRange(0, 1);
    progress_->setValue(cancelled ? 0 : 1);
    progress_->setFormat(cancelled ? tr("BLEU stopped")
                                   : tr("BLEU of %n architecture(s) done", nullptr, computed));
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

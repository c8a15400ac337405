#include "ui/jobs_panel.h"

#include "ui/progress_display.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

#include <cmath>

namespace hat::ui {

JobsPanel::JobsPanel(JobRunner* runner, QWidget* parent) : QWidget(parent), runner_(runner) {
    setObjectName("jobsPanel");
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(4, 4, 4, 4);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* inner = new QWidget(scroll);
    rows_ = new QVBoxLayout(inner);
    rows_->setContentsMargins(0, 0, 0, 0);
    empty_ = new QLabel(tr("No long jobs. Tools starts training and measurements; they run here "
                           "with progress, time left and Cancel."), inner);
    empty_->setWordWrap(true);
    empty_->setStyleSheet("color: gray");
    rows_->addWidget(empty_);
    rows_->addStretch(1);
    scroll->setWidget(inner);
    outer->addWidget(scroll, 1);
    auto* clear = new QPushButton(tr("Clear finished"), this);
    clear->setObjectName("clearFinishedJobs");
    connect(clear, &QPushButton::clicked, this, &JobsPanel::clearFinished);
    outer->addWidget(clear, 0, Qt::AlignRight);

    connect(runner_, &JobRunner::started, this, &JobsPanel::addRow);
    connect(runner_, &JobRunner::progressed, this, &JobsPanel::showProgress);
    connect(runner_, &JobRunner::finished, this, &JobsPanel::showFinished);
}

void JobsPanel::addRow(LongJobId id, const QString& title) {
    Row r;
    r.box = new QWidget(this);
    auto* grid = new QVBoxLayout(r.box);
    grid->setContentsMargins(0, 2, 0, 6);
    auto* top = new QHBoxLayout;
    r.title = new QLabel("<b>" + title.toHtmlEscaped() + "</b>", r.box);
    r.cancel = new QPushButton(tr("Cancel"), r.box);
    r.cancel->setToolTip(tr("Stop this job; finished work is kept (a training run saves a checkpoint)"));
    connect(r.cancel, &QPushButton::clicked, this, [this, id] {
        runner_->cancel(id);
        const auto it = jobs_.find(id);
        if (it != jobs_.end()) {
            it->second.cancel->setEnabled(false);
            it->second.status->setText(tr("Cancelling…"));
        }
    });
    top->addWidget(r.title, 1);
    top->addWidget(r.cancel);
    grid->addLayout(top);
    r.bar = new QProgressBar(r.box);
    r.bar->setRange(0, 0);  // busy until the first progress report
    grid->addWidget(r.bar);
    r.status = new QLabel(tr("Starting…"), r.box);
    r.status->setWordWrap(true);
    grid->addWidget(r.status);
    empty_->hide();
    rows_->insertWidget(rows_->count() - 1, r.box);
    jobs_[id] = r;
}

void JobsPanel::showProgress(LongJobId id, double fraction, double secondsLeft, const QString& text) {
    const auto it = jobs_.find(id);
    if (it == jobs_.end() || it->second.done) return;
    Row& r = it->second;
    showFraction(r.bar, fraction);
    if (r.cancel->isEnabled()) r.status->setText(progressText(text, secondsLeft));
}

void JobsPanel::showFinished(LongJobId id, bool ok, bool cancelled, const QString& message) {
    const auto it = jobs_.find(id);
    if (it == jobs_.end()) return;
    Row& r = it->second;
    r.done = true;
    r.cancel->hide();
    r.bar->setRange(0, 1000);
    if (ok) r.bar->setValue(1000);
    const QString how = ok ? tr("Done") : cancelled ? tr("Cancelled") : tr("Failed");
    r.status->setText(how + (message.isEmpty() ? QString() : ": " + message));
    if (!ok && !cancelled) r.status->setStyleSheet("color: #b02020");
}

void JobsPanel::clearFinished() {
    for (auto it = jobs_.begin(); it != jobs_.end();) {
        if (it->second.done) {
            delete it->second.box;
            it = jobs_.erase(it);
        } else {
            ++it;
        }
    }
    empty_->setVisible(jobs_.empty());
}

QProgressBar* JobsPanel::progressBar(LongJobId id) const {
    const auto it = jobs_.find(id);
    return it == jobs_.end() ? nullptr : it->second.bar;
}

QPushButton* JobsPanel::cancelButton(LongJobId id) const {
    const auto it = jobs_.find(id);
    return it == jobs_.end() ? nullptr : it->second.cancel;
}

QString JobsPanel::statusText(LongJobId id) const {
    const auto it = jobs_.find(id);
    return it == jobs_.end() ? QString() : it->second.status->text();
}

}  // namespace hat::ui

#include "ui/answer_line.h"

#include "core/space/gene.h"
#include "ui/limit_model.h"
#include "ui/selection_model.h"

namespace hat::ui {

AnswerLine::AnswerLine(SearchController* controller, LimitModel* limit, SelectionModel* selection,
                       QWidget* parent)
    : QLabel(parent), controller_(controller), limit_(limit), selection_(selection) {
    setObjectName("answerLabel");
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setWordWrap(true);
    setToolTip(
        tr("The most accurate architecture evaluated so far whose latency is under the limit on "
           "this device, from the workspace database; a search looks for better ones."));
    setText(tr("Open a workspace to see its architectures."));
    connect(controller_, &SearchController::instantAnswer, this, &AnswerLine::onAnswer);
    connect(controller_, &SearchController::failed, this, &AnswerLine::onFailed);
}

void AnswerLine::refresh() {
    if (!info_ || device_.isEmpty() || !limit_->hasCurrent()) return;
    if (limit_->infeasible()) {
        // Nothing can be under the limit: say why instead of asking.
        pending_ = 0;
        answer_.reset();
        setEnabled(true);
        setText(limit_->problem());
        return;
    }
    pending_ = controller_->requestInstantAnswer(device_, limit_->value(), limit_->useUpper());
    // Until the answer comes (tens of ms, longer while a search holds the database) the line
    // still describes the previous limit: dimmed, it does not pass for the new one.
    setEnabled(false);
}

void AnswerLine::showNote(const QString& text) {
    pending_ = 0;
    setEnabled(true);
    setText(text);
}

void AnswerLine::onAnswer(JobId job, const InstantAnswer& a) {
    if (job != pending_ || a.device != device_) return;
    pending_ = 0;
    setEnabled(true);
    answer_ = a.point;
    const QString bound = limit_->useUpper() ? tr(" (90% upper end)") : QString();
    QString text;
    if (!a.point) {
        text = tr("Nothing evaluated runs under %1%2 on %3 yet: press Search (F5).")
                   .arg(limit_->format(a.limitMs), bound, a.device);
    } else {
        const auto& p = *a.point;
        const QString arch =
            info_ ? QString::fromStdString(geneToConfig(p.gene, info_->space).trimmed().summary())
                  : QString();
        text = tr("Best known under %1%2: validation loss %3 at %4 ms — %5")
                   .arg(limit_->format(a.limitMs), bound)
                   .arg(p.validLoss, 0, 'f', 4)
                   .arg(p.latencyMs, 0, 'f', 1)
                   .arg(arch);
        selection_->offer(p.gene);
    }
    const QString problem = limit_->problem();
    setText(problem.isEmpty() ? text : text + "\n" + problem);
}

void AnswerLine::onFailed(JobId job, const QString& message) {
    if (job != pending_ || job == 0) return;
    pending_ = 0;
    setEnabled(true);
    setText(tr("Could not look up the best known answer: %1").arg(message));
}

}  // namespace hat::ui

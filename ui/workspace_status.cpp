#include "ui/workspace_status.h"

#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QStatusBar>

#include "ui/search_controller.h"

namespace hat::ui {

WorkspaceStatus::WorkspaceStatus(QStatusBar* bar) : QObject(bar) {
    workspace_ = new QLabel(bar);
    supernet_ = new QLabel(bar);
    supernet_->setObjectName("supernetLabel");
    fitness_ = new QLabel(bar);
    fitness_->setToolTip(tr("Quality is the validation loss on this set of sentences"));
    bar->addWidget(workspace_, 1);
    bar->addPermanentWidget(supernet_);
    bar->addPermanentWidget(fitness_);
    show(nullptr);
}

void WorkspaceStatus::showActivity(const QString& text) { workspace_->setText(text); }

void WorkspaceStatus::showSupernetProblem() {
    supernet_->setText(tr("SuperTransformer: not loaded"));
}

void WorkspaceStatus::show(const WorkspaceInfo* info) {
    if (!info) {
        workspace_->setText(tr("No workspace open"));
        supernet_->setText(tr("SuperTransformer: —"));
        fitness_->setText(tr("Fitness set: —"));
        return;
    }
    workspace_->setText(tr("Workspace %1").arg(QDir(info->dir).dirName()));
    workspace_->setToolTip(info->dir);
    QString text = tr("SuperTransformer: %1").arg(QFileInfo(info->checkpoint).fileName());
    QString tip = info->checkpoint;
    if (info->widthDivisor == 0) {
        text += tr(" (loading …)");
    } else if (info->widthDivisor > 1) {
        text += tr(" · quality from a 1/%1-width proxy").arg(info->widthDivisor);
        tip += tr("\nQuality (loss, BLEU) is measured on a SuperTransformer with every width "
                  "divided by %1; latency is predicted for the full-size SubTransformers.")
                   .arg(info->widthDivisor);
    }
    supernet_->setText(text);
    supernet_->setToolTip(tip);
    fitness_->setText(tr("Fitness: %1").arg(info->fitnessSet));
}

}  // namespace hat::ui

#include "ui/architecture_panel.h"

#include <QAction>
#include <QLabel>
#include <QVBoxLayout>

#include "core/space/gene.h"
#include "ui/architecture_view.h"

namespace hat::ui {

namespace {
QString summaryOf(const SubConfig& c) { return QString::fromStdString(c.trimmed().summary()); }
}  // namespace

ArchitecturePanel::ArchitecturePanel(SelectionModel* selection, QWidget* parent)
    : QWidget(parent), selection_(selection) {
    view_ = new ArchitectureView(this);
    view_->setToolTip(
        tr("The selected SubTransformer: encoder left, decoder right, each layer's FFN width and "
           "heads; curves show which encoder layers each decoder layer attends to"));
    differences_ = new QLabel(this);
    differences_->setObjectName("differencesLabel");
    differences_->setWordWrap(true);
    differences_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    differences_->setVisible(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view_, 1);
    layout->addWidget(differences_);

    pin_ = new QAction(tr("Compare: &Pin Selection as Reference"), this);
    pin_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    pin_->setToolTip(tr(
        "Later selections are drawn next to this architecture with the differences highlighted"));
    clear_ = new QAction(tr("Compare: &Clear Reference"), this);
    clear_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    clear_->setToolTip(tr("Back to one architecture (Ctrl+Z brings the reference back)"));
    clear_->setEnabled(false);
    connect(pin_, &QAction::triggered, this, [this] {
        if (!selection_->selected()) {
            Q_EMIT message(tr("Select an architecture first, then pin it as the reference."));
            return;
        }
        selection_->changeReference(selection_->selected());
    });
    connect(clear_, &QAction::triggered, this, [this] { selection_->changeReference(std::nullopt); });
    connect(selection_, &SelectionModel::selectionChanged, this, &ArchitecturePanel::show);
    connect(selection_, &SelectionModel::referenceChanged, this, &ArchitecturePanel::show);
}

void ArchitecturePanel::setSpace(const DesignSpace& space) {
    space_ = space;
    hasSpace_ = true;
    show();
}

void ArchitecturePanel::clearSpace() {
    hasSpace_ = false;
    show();
}

void ArchitecturePanel::show() {
    const auto& sel = selection_->selected();
    const auto& ref = selection_->reference();
    clear_->setEnabled(ref.has_value());
    const bool usable = sel && hasSpace_ && geneIsValid(*sel, space_);
    const bool refUsable = ref && hasSpace_ && geneIsValid(*ref, space_);
    if (!usable) {
        view_->setConfig(std::nullopt);
    } else {
        const SubConfig c = geneToConfig(*sel, space_);
        view_->setConfig(c, summaryOf(c));
    }
    if (!refUsable) {
        view_->setReference(std::nullopt);
        differences_->setVisible(false);
        return;
    }
    const SubConfig r = geneToConfig(*ref, space_);
    view_->setReference(r, tr("Reference: %1").arg(summaryOf(r)));
    if (!usable) {
        differences_->setVisible(false);
        return;
    }
    const QStringList diffs = ArchitectureView::differences(r, geneToConfig(*sel, space_));
    differences_->setText(diffs.isEmpty()
                              ? tr("Same architecture as the reference.")
                              : tr("Differences from the reference: %1").arg(diffs.join("; ")));
    differences_->setVisible(true);
}

}  // namespace hat::ui

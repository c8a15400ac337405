#include "ui/selection_model.h"

#include <QUndoCommand>
#include <QUndoStack>

namespace hat::ui {

namespace {
// One pin or clear of the reference; undo puts the previous reference back.
class ReferenceCommand : public QUndoCommand {
  public:
    ReferenceCommand(SelectionModel* model, std::optional<Gene> from, std::optional<Gene> to)
        : model_(model), from_(std::move(from)), to_(std::move(to)) {
        setText(to_ ? QObject::tr("Pin Reference") : QObject::tr("Clear Reference"));
    }
    void undo() override { model_->pin(from_); }
    void redo() override { model_->pin(to_); }

  private:
    SelectionModel* model_;
    std::optional<Gene> from_, to_;
};
}  // namespace

SelectionModel::SelectionModel(QObject* parent) : QObject(parent) {}

void SelectionModel::set(const std::optional<Gene>& gene, bool byUser) {
    byUser_ = byUser && gene.has_value();
    if (gene == selected_) return;
    selected_ = gene;
    Q_EMIT selectionChanged(selected_);
}

void SelectionModel::select(const std::optional<Gene>& gene) { set(gene, true); }

void SelectionModel::offer(const std::optional<Gene>& gene) {
    if (byUser_) return;
    set(gene, false);
}

void SelectionModel::pin(const std::optional<Gene>& reference) {
    if (reference == reference_) return;
    reference_ = reference;
    Q_EMIT referenceChanged(reference_);
}

void SelectionModel::changeReference(const std::optional<Gene>& reference) {
    if (reference == reference_) return;
    if (undo_)
        undo_->push(new ReferenceCommand(this, reference_, reference));  // redo() pins it
    else
        pin(reference);
}

void SelectionModel::mark(const std::optional<Gene>& best) {
    if (best == marked_) return;
    marked_ = best;
    Q_EMIT markedChanged(marked_);
}

void SelectionModel::reset() {
    set(std::nullopt, false);
    pin(std::nullopt);
    mark(std::nullopt);
}

}  // namespace hat::ui

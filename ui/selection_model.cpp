#include "ui/selection_model.h"

namespace hat::ui {

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

#pragma once
// Which architecture the views show, the one place it lives: the selected architecture (drawn
// in the plot, the table, the architecture view, exported), the pinned reference the
// architecture view diffs against, and the search's best (marked, never forced on the user).
// A selection the user made stays until the user changes it; an automatic one (the best known
// answer under the limit) only fills an empty or automatic selection.
#include <QObject>
#include <optional>

#include "core/space/gene.h"

class QUndoStack;

namespace hat::ui {

class SelectionModel : public QObject {
    Q_OBJECT
  public:
    explicit SelectionModel(QObject* parent = nullptr);

    // The user chose `gene` (a plot click, a table row); nullopt clears the selection.
    void select(const std::optional<Gene>& gene);
    // An automatic choice (the answer under the limit): taken unless the user chose one.
    void offer(const std::optional<Gene>& gene);
    const std::optional<Gene>& selected() const { return selected_; }
    bool chosenByUser() const { return byUser_; }

    void pin(const std::optional<Gene>& reference);
    // The user pinned or cleared the reference: as pin(), and Ctrl+Z puts the old one back.
    void changeReference(const std::optional<Gene>& reference);
    // Where changeReference() records its steps; null: no undo.
    void setUndoStack(QUndoStack* stack) { undo_ = stack; }
    const std::optional<Gene>& reference() const { return reference_; }

    void mark(const std::optional<Gene>& best);
    const std::optional<Gene>& marked() const { return marked_; }

    // A new workspace or device: nothing selected, pinned or marked.
    void reset();

  Q_SIGNALS:
    void selectionChanged(const std::optional<hat::Gene>& gene);
    void referenceChanged(const std::optional<hat::Gene>& gene);
    void markedChanged(const std::optional<hat::Gene>& gene);

  private:
    void set(const std::optional<Gene>& gene, bool byUser);

    std::optional<Gene> selected_, reference_, marked_;
    bool byUser_ = false;
    QUndoStack* undo_ = nullptr;
};

}  // namespace hat::ui

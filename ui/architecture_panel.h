#pragma once
// The Architecture dock: the selected SubTransformer drawn layer by layer and, with a pinned
// reference (Ctrl+D), drawn beside it with every difference highlighted and listed as text
// below. Follows the SelectionModel; owns the pin and clear actions.
#include <QWidget>

#include "core/space/design_space.h"
#include "ui/selection_model.h"

class QAction;
class QLabel;

namespace hat::ui {

class ArchitectureView;

class ArchitecturePanel : public QWidget {
    Q_OBJECT
  public:
    explicit ArchitecturePanel(SelectionModel* selection, QWidget* parent = nullptr);

    void setSpace(const DesignSpace& space);
    void clearSpace();
    ArchitectureView* view() const { return view_; }
    QLabel* differencesLabel() const { return differences_; }
    QAction* pinAction() const { return pin_; }
    QAction* clearAction() const { return clear_; }

    QSize sizeHint() const override { return {460, 560}; }

  Q_SIGNALS:
    void message(const QString& text);

  private:
    void show();

    SelectionModel* selection_;
    DesignSpace space_;
    bool hasSpace_ = false;
    ArchitectureView* view_ = nullptr;
    QLabel* differences_ = nullptr;
    QAction* pin_ = nullptr;
    QAction* clear_ = nullptr;
};

}  // namespace hat::ui

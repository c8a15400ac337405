#pragma once
// The current search population as a filterable, sortable table that follows the shared
// SelectionModel: a row the user picks selects its architecture, and a selection made elsewhere
// (a plot click) highlights its row when it is in the population.
#include <QWidget>

#include "core/search/evolution.h"

class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace hat::ui {

class PopulationModel;
class SelectionModel;

class PopulationPanel : public QWidget {
    Q_OBJECT
  public:
    PopulationPanel(SelectionModel* selection, QWidget* parent = nullptr);

    void setSpace(const DesignSpace& space);
    void setPopulation(const std::vector<Candidate>& population, int generation);
    void clear();

    PopulationModel* model() const { return model_; }
    QTableView* table() const { return table_; }
    QSize sizeHint() const override { return {600, 200}; }

  private:
    void showSelection(const std::optional<Gene>& gene);

    SelectionModel* selection_;
    PopulationModel* model_ = nullptr;
    QSortFilterProxyModel* proxy_ = nullptr;
    QTableView* table_ = nullptr;
    QLineEdit* filter_ = nullptr;
};

}  // namespace hat::ui

#include "ui/population_panel.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/population_model.h"
#include "ui/selection_model.h"

namespace hat::ui {

PopulationPanel::PopulationPanel(SelectionModel* selection, QWidget* parent)
    : QWidget(parent), selection_(selection) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    filter_ = new QLineEdit(this);
    filter_->setObjectName("populationFilter");
    filter_->setPlaceholderText(tr("Filter architectures (e.g. dec 512)"));
    filter_->setToolTip(tr("Show only the rows whose architecture summary contains this text"));
    filter_->setClearButtonEnabled(true);
    layout->addWidget(filter_);
    model_ = new PopulationModel(this);
    proxy_ = new QSortFilterProxyModel(this);
    proxy_->setSourceModel(model_);
    proxy_->setSortRole(PopulationModel::SortRole);
    proxy_->setFilterKeyColumn(PopulationModel::Summary);
    proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
    table_ = new QTableView(this);
    table_->setObjectName("populationTable");
    table_->setToolTip(
        tr("The latest generation of the search, best first; click a row to select it"));
    table_->setModel(proxy_);
    table_->setSortingEnabled(true);
    table_->sortByColumn(PopulationModel::Rank, Qt::AscendingOrder);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setAlternatingRowColors(true);
    table_->setWordWrap(false);  // one line a row: the summary scrolls rather than breaking
    layout->addWidget(table_);

    connect(filter_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (!current.isValid()) return;
                selection_->select(model_->candidate(proxy_->mapToSource(current).row()).gene);
            });
    connect(selection_, &SelectionModel::selectionChanged, this, &PopulationPanel::showSelection);
}

void PopulationPanel::setSpace(const DesignSpace& space) { model_->setSpace(space); }

void PopulationPanel::setPopulation(const std::vector<Candidate>& population, int generation) {
    {
        // Resetting the model moves the current row: that is not the user choosing.
        const QSignalBlocker block(table_->selectionModel());
        model_->setPopulation(population, generation);
    }
    // Numbers as narrow as they are: the architecture summary gets the rest of the row.
    for (int c = PopulationModel::Rank; c < PopulationModel::Summary; ++c) table_->resizeColumnToContents(c);
    showSelection(selection_->selected());
}

void PopulationPanel::clear() {
    const QSignalBlocker block(table_->selectionModel());
    model_->clear();
}

void PopulationPanel::showSelection(const std::optional<Gene>& gene) {
    const QSignalBlocker block(table_->selectionModel());
    const int row = gene ? model_->rowOf(*gene) : -1;
    if (row < 0) {
        table_->clearSelection();
        table_->viewport()->update();
        return;
    }
    const QModelIndex idx = proxy_->mapFromSource(model_->index(row, 0));
    if (!idx.isValid()) return;
    table_->selectionModel()->setCurrentIndex(
        idx, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    table_->scrollTo(idx);
    table_->viewport()->update();
}

}  // namespace hat::ui

#pragma once
// The current search population as a table: rank, validation loss, latency, upper latency,
// parameters and the architecture summary. Display text is formatted; SortRole holds the raw
// number so a QSortFilterProxyModel sorts numerically.
#include <QAbstractTableModel>

#include <vector>

#include "core/search/evolution.h"

namespace hat::ui {

class PopulationModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Rank, ValidLoss, Latency, UpperLatency, Params, Summary, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit PopulationModel(QObject* parent = nullptr);

    void setSpace(const DesignSpace& space);
    // Replaces the rows (best first, as GenerationReport holds them).
    void setPopulation(const std::vector<Candidate>& population, int generation);
    void clear();

    const Candidate& candidate(int row) const { return rows_.at(static_cast<size_t>(row)); }
    int rowOf(const Gene& gene) const;  // -1 when absent
    int generation() const { return generation_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row {
        double paramsM = 0.0;
        QString summary;
    };
    DesignSpace space_;
    bool hasSpace_ = false;
    std::vector<Candidate> rows_;
    std::vector<Row> derived_;
    int generation_ = -1;
};

}  // namespace hat::ui

#include "ui/population_model.h"

#include "core/space/arch_metrics.h"
#include "core/space/gene.h"
#include "core/space/sub_config.h"

namespace hat::ui {

PopulationModel::PopulationModel(QObject* parent) : QAbstractTableModel(parent) {}

void PopulationModel::setSpace(const DesignSpace& space) {
    beginResetModel();
    space_ = space;
    hasSpace_ = true;
    rows_.clear();
    derived_.clear();
    generation_ = -1;
    endResetModel();
}

void PopulationModel::setPopulation(const std::vector<Candidate>& population, int generation) {
    beginResetModel();
    rows_ = population;
    generation_ = generation;
    derived_.clear();
    derived_.reserve(rows_.size());
    for (const auto& c : rows_) {
        Row r;
        if (hasSpace_ && geneIsValid(c.gene, space_)) {
            const SubConfig cfg = geneToConfig(c.gene, space_);
            r.paramsM = static_cast<double>(hatParameterCount(cfg, space_.qkvDim)) / 1e6;
            r.summary = QString::fromStdString(cfg.summary());
        }
        derived_.push_back(r);
    }
    endResetModel();
}

void PopulationModel::clear() {
    beginResetModel();
    rows_.clear();
    derived_.clear();
    generation_ = -1;
    endResetModel();
}

int PopulationModel::rowOf(const Gene& gene) const {
    for (size_t i = 0; i < rows_.size(); ++i) {
        if (rows_[i].gene == gene) return static_cast<int>(i);
    }
    return -1;
}

int PopulationModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int PopulationModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant PopulationModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= ColumnCount) return {};
    const Candidate& c = rows_[static_cast<size_t>(index.row())];
    const Row& r = derived_[static_cast<size_t>(index.row())];
    if (role == SortRole) {
        switch (index.column()) {
        case Rank: return index.row() + 1;
        case ValidLoss: return c.fitness;
        case Latency: return c.latency.ms;
        case UpperLatency: return c.latency.upperMs;
        case Params: return r.paramsM;
        case Summary: return r.summary;
        }
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Rank: return index.row() + 1;
        // A raced child's loss is only known to be above this bound.
        case ValidLoss: return (c.raced ? QStringLiteral("\u2265 ") : QString()) + QString::number(c.fitness, 'f', 4);
        case Latency: return QString::number(c.latency.ms, 'f', 1);
        case UpperLatency: return QString::number(c.latency.upperMs, 'f', 1);
        case Params: return QString::number(r.paramsM, 'f', 1);
        case Summary: return r.summary;
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() != Summary) {
        return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    }
    if (role == Qt::ToolTipRole && index.column() == Summary) return r.summary;
    if (role == Qt::ToolTipRole && index.column() == ValidLoss && c.raced) {
        return tr("Stopped early by racing: its loss is at least %1, worse than every parent's, so it "
                  "could not become a parent. Not stored as an evaluation.")
            .arg(c.fitness, 0, 'f', 4);
    }
    return {};
}

QVariant PopulationModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal) return {};
    // Short headers keep the numeric columns narrow, so the architecture gets the row; the
    // tooltip says the rest.
    if (role == Qt::DisplayRole) {
        switch (section) {
        case Rank: return tr("#");
        case ValidLoss: return tr("Loss");
        case Latency: return tr("ms");
        case UpperLatency: return tr("Upper ms");
        case Params: return tr("Params M");
        case Summary: return tr("Architecture");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Rank: return tr("Rank in the generation, best first");
        case ValidLoss: return tr("Validation loss on the fitness set (bits per token; lower is better)");
        case Latency: return tr("Predicted latency on the device (ms)");
        case UpperLatency: return tr("Upper end of the predictor's 90% interval (ms)");
        case Params: return tr("Parameters of the SubTransformer, in millions");
        case Summary: return tr("The SubTransformer: embedding width x layers, FFN, heads, "
                                "arbitrary encoder-decoder attention");
        }
    }
    return {};
}

}  // namespace hat::ui

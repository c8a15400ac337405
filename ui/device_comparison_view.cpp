#include "ui/device_comparison_view.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/space/arch_metrics.h"
#include "core/space/gene.h"
#include "ui/architecture_view.h"
#include "ui/limit_model.h"
#include "ui/limit_widget.h"
#include "ui/pareto_plot.h"

namespace hat::ui {

namespace {
enum Column { ColDevice, ColLimit, ColLatency, ColLoss, ColParams, ColArch, ColumnCount };
}  // namespace

DeviceComparisonView::DeviceComparisonView(SearchController* controller, QWidget* parent)
    : QWidget(parent), controller_(controller) {
    setObjectName("deviceComparison");

    deviceList_ = new QListWidget(this);
    deviceList_->setObjectName("comparisonDevices");
    deviceList_->setToolTip(tr("Devices to compare: tick two or more"));
    deviceList_->setMaximumWidth(260);
    deviceList_->setMaximumHeight(150);
    connect(deviceList_, &QListWidget::itemChanged, this, [this] { refresh(); });

    // The same limit widget as the main window's, over a relative limit in percent.
    relativeModel_ = new LimitModel(this);
    relativeModel_->setUnit(tr(" %"), 1);
    relativeModel_->setRange(QStringLiteral("relative"), {0.0, 100.0}, {0.0, 100.0});
    relativeModel_->setCurrent(QStringLiteral("relative"));
    limitWidget_ = new LimitWidget(relativeModel_, this);
    limitWidget_->slider()->setObjectName("relativeLimitSlider");
    limitWidget_->spinBox()->setObjectName("relativeLimitSpin");
    limitWidget_->setToolTip(tr("The same relative limit on every device: 0% is its smallest SubTransformer's "
                                "latency, 100% its largest's"));
    limitWidget_->slider()->setToolTip(limitWidget_->toolTip());
    limitWidget_->spinBox()->setToolTip(limitWidget_->toolTip());
    connect(relativeModel_, &LimitModel::valueChanged, this, [this](double percent) { applyRelative(percent / 100.0); });
    sameAxes_ = new QCheckBox(tr("Same axes"), this);
    sameAxes_->setObjectName("sameAxes");
    sameAxes_->setToolTip(tr("One latency and one loss range for every plot, to compare absolute speeds"));
    connect(sameAxes_, &QCheckBox::toggled, this, [this] { applyAxes(); });
    status_ = new QLabel(this);
    status_->setWordWrap(true);

    auto* controls = new QWidget(this);
    auto* form = new QFormLayout(controls);
    form->addRow(tr("Devices"), deviceList_);
    form->addRow(tr("Relative limit"), limitWidget_);
    form->addRow(QString(), sameAxes_);
    form->addRow(status_);
    auto* controlsColumn = new QVBoxLayout;
    controlsColumn->addWidget(controls);
    controlsColumn->addStretch(1);

    plotArea_ = new QWidget(this);
    plotLayout_ = new QHBoxLayout(plotArea_);
    plotLayout_->setContentsMargins(0, 0, 0, 0);

    table_ = new QTableWidget(0, ColumnCount, this);
    table_->setObjectName("comparisonTable");
    table_->setHorizontalHeaderLabels({tr("Device"), tr("Limit (ms)"), tr("Latency (ms)"), tr("Valid loss"),
                                       tr("Params (M)"), tr("Architecture")});
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->verticalHeader()->hide();
    table_->setToolTip(tr("The best evaluated architecture under each device's limit; select a row to "
                          "compare it with the first device's"));
    connect(table_, &QTableWidget::currentCellChanged, this, [this](int row) { selectRow(row); });

    archView_ = new ArchitectureView(this);
    archView_->setObjectName("comparisonArchitecture");
    archView_->setMinimumWidth(440);  // two stacks side by side; narrower elides the FFN widths

    auto* bottom = new QSplitter(Qt::Horizontal, this);
    bottom->addWidget(table_);
    bottom->addWidget(archView_);
    bottom->setStretchFactor(0, 3);
    bottom->setStretchFactor(1, 2);
    auto* right = new QSplitter(Qt::Vertical, this);
    right->addWidget(plotArea_);
    right->addWidget(bottom);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);

    auto* layout = new QHBoxLayout(this);
    layout->addLayout(controlsColumn);
    layout->addWidget(right, 1);

    connect(controller_, &SearchController::comparisonReady, this, &DeviceComparisonView::onComparison);
    relativeModel_->setValue(relative_ * 100.0);
}

void DeviceComparisonView::setWorkspace(const WorkspaceInfo& info) {
    space_ = info.space;
    hasSpace_ = true;
    {
        const QSignalBlocker block(deviceList_);
        deviceList_->clear();
        for (const DeviceRecord& d : info.devices) {
            auto* item = new QListWidgetItem(QString::fromStdString(d.name), deviceList_);
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(deviceList_->count() <= 2 ? Qt::Checked : Qt::Unchecked);
        }
    }
    comparison_ = {};
    rebuildPlots();
    fillTable();
    if (isVisible()) refresh();  // else when shown: a comparison loads every device's latencies
}

void DeviceComparisonView::setCheckedDevices(const QStringList& devices) {
    {
        const QSignalBlocker block(deviceList_);
        for (int i = 0; i < deviceList_->count(); ++i) {
            QListWidgetItem* item = deviceList_->item(i);
            item->setCheckState(devices.contains(item->text()) ? Qt::Checked : Qt::Unchecked);
        }
    }
    refresh();
}

QStringList DeviceComparisonView::checkedDevices() const {
    QStringList out;
    for (int i = 0; i < deviceList_->count(); ++i) {
        if (deviceList_->item(i)->checkState() == Qt::Checked) out << deviceList_->item(i)->text();
    }
    return out;
}

void DeviceComparisonView::refresh() {
    const QStringList devices = checkedDevices();
    if (!hasSpace_ || devices.isEmpty()) {
        comparison_ = {};
        rebuildPlots();
        fillTable();
        status_->setText(hasSpace_ ? tr("Tick the devices to compare.") : tr("No workspace open."));
        return;
    }
    status_->setText(tr("Loading…"));
    pending_ = controller_->requestComparison(devices, relative_);
}

void DeviceComparisonView::onComparison(JobId job, const DeviceComparison& c) {
    if (job != pending_) return;
    const bool sameDevices = [&] {
        if (c.rows.size() != comparison_.rows.size()) return false;
        for (size_t i = 0; i < c.rows.size(); ++i) {
            if (c.rows[i].device != comparison_.rows[i].device) return false;
        }
        return true;
    }();
    comparison_ = c;
    // The limit may have moved while the worker answered: answer for the current one.
    setRelativeLimit(relative_);
    if (!sameDevices) rebuildPlots();
    for (size_t i = 0; i < plots_.size(); ++i) {
        plots_[i]->setPoints(comparison_.rows[i].points);
        plots_[i]->setLimit(comparison_.rows[i].limitMs);
        plots_[i]->setSelected(comparison_.rows[i].best ? std::optional<Gene>(comparison_.rows[i].best->gene)
                                                        : std::nullopt);
    }
    applyAxes();
    fillTable();
    size_t evaluated = 0;
    for (const auto& r : comparison_.rows) evaluated = std::max(evaluated, r.points.size());
    status_->setText(evaluated == 0 ? tr("Nothing evaluated yet: run a search first.")
                                    : tr("%n architecture(s) evaluated.", nullptr, static_cast<int>(evaluated)));
    Q_EMIT comparisonShown();
}

void DeviceComparisonView::setRelativeLimit(double relative) {
    relativeModel_->setValue(std::clamp(relative, 0.0, 1.0) * 100.0);
    applyRelative(relative);
}

void DeviceComparisonView::applyRelative(double relative) {
    relative_ = std::clamp(relative, 0.0, 1.0);
    // Every row's front is at hand: the answers follow the limit without asking the worker.
    for (size_t i = 0; i < comparison_.rows.size(); ++i) {
        DeviceComparisonRow& r = comparison_.rows[i];
        r.limitMs = relativeLimitMs(r.smallestMs, r.largestMs, relative_);
        r.best = bestOnFront(r.front, r.limitMs, comparison_.useUpper);
        if (i < plots_.size()) {
            plots_[i]->setLimit(r.limitMs);
            plots_[i]->setSelected(r.best ? std::optional<Gene>(r.best->gene) : std::nullopt);
        }
    }
    comparison_.relative = relative_;
    fillTable();
}

void DeviceComparisonView::setSameAxes(bool same) { sameAxes_->setChecked(same); }

void DeviceComparisonView::rebuildPlots() {
    for (ParetoPlot* p : plots_) p->deleteLater();
    plots_.clear();
    for (size_t i = 0; i < comparison_.rows.size(); ++i) {
        auto* plot = new ParetoPlot(plotArea_);
        plot->setObjectName(QString("comparisonPlot%1").arg(i));
        if (hasSpace_) plot->setSpace(space_);
        plot->legend->setVisible(false);
        plot->setMinimumSize(220, 200);
        plot->plotLayout()->insertRow(0);
        plot->plotLayout()->addElement(
            0, 0, new QCPTextElement(plot, QString::fromStdString(comparison_.rows[i].device), QFont(font().family(), 9, QFont::Bold)));
        // Dragging one device's limit moves the relative limit of all of them.
        connect(plot, &ParetoPlot::limitChanged, this, [this, i](double ms) {
            if (i >= comparison_.rows.size()) return;
            const auto& r = comparison_.rows[i];
            const double span = r.largestMs - r.smallestMs;
            if (span > 0) setRelativeLimit((ms - r.smallestMs) / span);
        });
        connect(plot, &ParetoPlot::pointClicked, this, [this, i](const Gene& gene) {
            if (!hasSpace_) return;
            const SubConfig c = geneToConfig(gene, space_);
            archView_->setConfig(c, tr("%1: clicked").arg(QString::fromStdString(comparison_.rows[i].device)));
        });
        plotLayout_->addWidget(plot, 1);
        plots_.push_back(plot);
    }
}

void DeviceComparisonView::applyAxes() {
    if (plots_.empty()) return;
    for (ParetoPlot* p : plots_) p->rescaleToData();
    if (sameAxes_->isChecked()) {
        QCPRange x = plots_[0]->xAxis->range(), y = plots_[0]->yAxis->range();
        for (ParetoPlot* p : plots_) {
            x.expand(p->xAxis->range());
            y.expand(p->yAxis->range());
        }
        for (ParetoPlot* p : plots_) {
            p->xAxis->setRange(x);
            p->yAxis->setRange(y);
        }
    }
    for (ParetoPlot* p : plots_) p->replot(QCustomPlot::rpQueuedReplot);
}

void DeviceComparisonView::fillTable() {
    const int selected = table_->currentRow();
    table_->setRowCount(static_cast<int>(comparison_.rows.size()));
    for (int i = 0; i < table_->rowCount(); ++i) {
        const DeviceComparisonRow& r = comparison_.rows[static_cast<size_t>(i)];
        auto set = [&](int col, const QString& text, const QVariant& sortValue = {}) {
            auto* item = new QTableWidgetItem(text);
            if (sortValue.isValid()) item->setData(Qt::UserRole, sortValue);
            if (col != ColDevice && col != ColArch) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            table_->setItem(i, col, item);
        };
        set(ColDevice, QString::fromStdString(r.device));
        set(ColLimit, QString::number(r.limitMs, 'f', 1), r.limitMs);
        if (r.best && hasSpace_) {
            const SubConfig c = geneToConfig(r.best->gene, space_);
            set(ColLatency, QString::number(r.best->latencyMs, 'f', 1), r.best->latencyMs);
            set(ColLoss, QString::number(r.best->validLoss, 'f', 4), r.best->validLoss);
            set(ColParams, QString::number(hatParameterCount(c, space_.qkvDim) / 1e6, 'f', 1));
            set(ColArch, QString::fromStdString(c.summary()));
        } else {
            for (int col : {ColLatency, ColLoss, ColParams}) set(col, QStringLiteral("–"));
            set(ColArch, tr("nothing evaluated under the limit"));
        }
    }
    table_->resizeColumnsToContents();
    if (table_->rowCount() > 0) {
        const int row = std::clamp(selected, 0, table_->rowCount() - 1);
        table_->setCurrentCell(row, ColDevice);
        selectRow(row);
    } else {
        archView_->setReference(std::nullopt);
        archView_->setConfig(std::nullopt);
    }
}

void DeviceComparisonView::selectRow(int row) {
    if (!hasSpace_ || row < 0 || row >= static_cast<int>(comparison_.rows.size())) return;
    const DeviceComparisonRow& r = comparison_.rows[static_cast<size_t>(row)];
    const DeviceComparisonRow& first = comparison_.rows.front();
    const QString caption = QString::fromStdString(r.device);
    if (row > 0 && first.best) {
        archView_->setReference(geneToConfig(first.best->gene, space_), QString::fromStdString(first.device));
    } else {
        archView_->setReference(std::nullopt);
    }
    archView_->setConfig(r.best ? std::optional<SubConfig>(geneToConfig(r.best->gene, space_)) : std::nullopt,
                         caption);
}

}  // namespace hat::ui

#include "ui/pareto_plot.h"

#include <QFontMetrics>
#include <QToolTip>
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/workspace/workspace.h"
#include "core/space/arch_metrics.h"
#include "core/space/gene.h"
#include "ui/limit_model.h"
#include "ui/selection_model.h"

namespace hat::ui {

namespace {
// Early generations light, later ones dark (one hue, so the colour reads as time).
QColor generationColor(int generation, int last) {
    const double t = last > 0 ? static_cast<double>(generation) / last : 1.0;
    return QColor::fromHsvF(0.58 - 0.55 * t, 0.35 + 0.55 * t, 0.95 - 0.35 * t);
}
}  // namespace

ParetoPlot::ParetoPlot(QWidget* parent) : QCustomPlot(parent) {
    setObjectName("paretoPlot");
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    setMouseTracking(true);
    xAxis->setLabel(tr("Latency (ms)"));
    yAxis->setLabel(tr("Validation loss"));
    legend->setVisible(true);
    legend->setFont(QFont(font().family(), 8));
    // Bottom left: fast and accurate at once is where no architecture lives.
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);

    // Thousands of points: one graph, no line, a cheap scatter.
    pointGraph_ = addGraph();
    pointGraph_->setName(tr("Evaluated"));
    pointGraph_->setLineStyle(QCPGraph::lsNone);
    pointGraph_->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(150, 150, 150, 150), 4));
    pointGraph_->setAdaptiveSampling(true);
    pointGraph_->setAntialiasedScatters(false);  // the cloud is grey context: speed over smoothness

    frontGraph_ = addGraph();
    frontGraph_->setName(tr("Pareto front"));
    frontGraph_->setLineStyle(QCPGraph::lsStepLeft);
    frontGraph_->setPen(QPen(QColor(30, 140, 60), 2));
    frontGraph_->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssCircle, QColor(30, 140, 60), 5));

    // The selection ring sits on its own layer so later generation layers never cover it.
    addLayer("selection", layer("main"), QCustomPlot::limAbove);
    selectedGraph_ = addGraph();
    selectedGraph_->setLayer("selection");
    selectedGraph_->setName(tr("Selected"));
    selectedGraph_->setLineStyle(QCPGraph::lsNone);
    selectedGraph_->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::black, 2), Qt::NoBrush, 13));

    markedGraph_ = addGraph();
    markedGraph_->setLayer("selection");
    markedGraph_->setName(tr("Search's best"));
    markedGraph_->setLineStyle(QCPGraph::lsNone);
    markedGraph_->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssStar, QPen(QColor(220, 120, 0), 2), Qt::NoBrush, 15));

    limitLine_ = new QCPItemStraightLine(this);
    limitLine_->setPen(QPen(QColor(200, 30, 30), 2, Qt::DashLine));
    limitLine_->setSelectable(false);
    limitLabel_ = new QCPItemText(this);
    // Text to the left of the line, where the data usually is not; to its right when the line sits
    // too close to the plot's left edge for the text to fit (decided at every replot).
    limitLabel_->setPositionAlignment(Qt::AlignRight | Qt::AlignTop);
    connect(this, &QCustomPlot::beforeReplot, this, [this] {
        const QMargins pad = limitLabel_->padding();
        const int textWidth =
            QFontMetrics(limitLabel_->font()).horizontalAdvance(limitLabel_->text()) + pad.left() +
            pad.right();
        const bool fitsLeft = xAxis->coordToPixel(limit_) - axisRect()->left() > textWidth;
        limitLabel_->setPositionAlignment((fitsLeft ? Qt::AlignRight : Qt::AlignLeft) |
                                          Qt::AlignTop);
    });
    limitLabel_->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    limitLabel_->setColor(QColor(200, 30, 30));
    limitLabel_->setPadding(QMargins(4, 2, 4, 2));
    drawGene(selectedGraph_, std::nullopt);  // legend entries only once there is something to mark
    drawGene(markedGraph_, std::nullopt);
    setLimit(0.0);
    xAxis->setRange(0, 100);
    yAxis->setRange(0, 10);
}

void ParetoPlot::follow(LimitModel* limit, SelectionModel* selection) {
    connect(limit, &LimitModel::valueChanged, this, &ParetoPlot::setLimit);
    connect(limit, &LimitModel::rangeChanged, this, [this, limit] { setLimit(limit->value()); });
    connect(this, &ParetoPlot::limitChanged, limit, &LimitModel::setValue);
    connect(this, &ParetoPlot::limitDragFinished, limit, [limit] { limit->commit(); });
    connect(this, &ParetoPlot::pointClicked, selection,
            [selection](const Gene& g) { selection->select(g); });
    connect(selection, &SelectionModel::selectionChanged, this, &ParetoPlot::setSelected);
    connect(selection, &SelectionModel::markedChanged, this, &ParetoPlot::setMarked);
}

void ParetoPlot::setSpace(const DesignSpace& space) {
    space_ = space;
    hasSpace_ = true;
}

void ParetoPlot::setYMetric(YMetric metric) {
    metric_ = metric;
    static const char* labels[] = {"Validation loss (bits/token)", "BLEU",
                                   "Parameters (millions, HAT's count)",
                                   "FLOPs (billions, 30+30 tokens)"};
    yAxis->setLabel(tr(labels[static_cast<int>(metric)]));
    recomputeY();
    rebuildPointGraph();
    rebuildFront();
    clearGenerations();  // generation layers were drawn in the old metric
    setSelected(selected_);
    rescaleToData();
}

double ParetoPlot::computeY(const EvaluatedPoint& p) const {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    switch (metric_) {
        case YMetric::ValidLoss:
            return p.validLoss;
        case YMetric::Bleu:
            return p.bleu ? *p.bleu : nan;
        case YMetric::Parameters:
        case YMetric::Flops: {
            if (!hasSpace_ || !geneIsValid(p.gene, space_)) return nan;
            const SubConfig c = geneToConfig(p.gene, space_);
            return metric_ == YMetric::Parameters ? hatParameterCount(c, space_.qkvDim) / 1e6
                                                  : flops(c, space_.qkvDim, 30, 30, 0) / 1e9;
        }
    }
    return nan;
}

double ParetoPlot::yOf(const EvaluatedPoint& p) const {
    const auto it = index_.find(p.gene);
    return it != index_.end() && it->second < y_.size() ? y_[it->second] : computeY(p);
}

void ParetoPlot::recomputeY() {
    y_.resize(points_.size());
    for (size_t i = 0; i < points_.size(); ++i) y_[i] = computeY(points_[i]);
}

void ParetoPlot::setPoints(const std::vector<EvaluatedPoint>& points) {
    points_ = points;
    index_.clear();
    for (size_t i = 0; i < points_.size(); ++i) index_[points_[i].gene] = i;
    recomputeY();
    rebuildPointGraph();
    rebuildFront();
    drawGene(selectedGraph_, selected_);
    drawGene(markedGraph_, marked_);
    if (followsData_) fitAxes();
    replot(rpQueuedReplot);
}

void ParetoPlot::addGeneration(const GenerationReport& report) {
    for (const Candidate& c : report.population) {
        // A raced child's loss is only a bound: it is not a point (nor an evaluation).
        if (c.raced || index_.count(c.gene) || !std::isfinite(c.fitness)) continue;
        index_[c.gene] = points_.size();
        points_.push_back({c.gene, c.fitness, std::nullopt, c.latency.ms, c.latency.upperMs});
        y_.push_back(computeY(points_.back()));
    }
    QCPGraph* g = addGraph();
    g->setLineStyle(QCPGraph::lsNone);
    QVector<double> x, y;
    for (const Candidate& c : report.population) {
        const auto it = index_.find(c.gene);
        const double v =
            it != index_.end() ? y_[it->second] : std::numeric_limits<double>::quiet_NaN();
        if (!std::isfinite(v)) continue;
        x.push_back(c.latency.ms);
        y.push_back(v);
    }
    g->setData(x, y);
    generationGraphs_.push_back(g);
    // Recolour all layers so the newest is darkest; only the newest has a legend entry.
    const int last = static_cast<int>(generationGraphs_.size()) - 1;
    for (int i = 0; i <= last; ++i) {
        QCPGraph* gi = generationGraphs_[static_cast<size_t>(i)];
        const QColor col = generationColor(i, last);
        gi->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, col, i == last ? 7 : 6));
        gi->removeFromLegend();
    }
    g->setName(tr("Population, generation %1").arg(report.generation));
    g->addToLegend();
    rebuildPointGraph();
    rebuildFront();
    // A search's points may lie far from the axes' last range: follow them unless the user
    // zoomed or panned.
    if (followsData_) fitAxes();
    replot(rpQueuedReplot);
}

void ParetoPlot::clearGenerations() {
    for (QCPGraph* g : generationGraphs_) removeGraph(g);
    generationGraphs_.clear();
    replot(rpQueuedReplot);
}

void ParetoPlot::rebuildPointGraph() {
    QVector<double> x, y;
    x.reserve(static_cast<int>(points_.size()));
    y.reserve(static_cast<int>(points_.size()));
    for (size_t i = 0; i < points_.size(); ++i) {
        if (!std::isfinite(y_[i])) continue;
        x.push_back(points_[i].latencyMs);
        y.push_back(y_[i]);
    }
    pointGraph_->setData(x, y);
    pointGraph_->setName(tr("Evaluated (%1)").arg(points_.size()));
}

void ParetoPlot::rebuildFront() {
    front_.clear();
    if (metric_ == YMetric::ValidLoss) {
        front_ = paretoFront(points_);
    } else if (metric_ == YMetric::Bleu) {
        // By latency, each point with a higher BLEU than every faster one.
        std::vector<EvaluatedPoint> withBleu;
        for (const auto& p : points_) {
            if (p.bleu) withBleu.push_back(p);
        }
        std::sort(
            withBleu.begin(), withBleu.end(), [](const EvaluatedPoint& a, const EvaluatedPoint& b) {
                return a.latencyMs != b.latencyMs ? a.latencyMs < b.latencyMs : *a.bleu > *b.bleu;
            });
        for (auto& p : withBleu) {
            if (front_.empty() || *p.bleu > *front_.back().bleu) front_.push_back(std::move(p));
        }
    }
    const bool hasFront = metric_ == YMetric::ValidLoss || metric_ == YMetric::Bleu;
    frontGraph_->setVisible(hasFront);
    if (hasFront)
        frontGraph_->addToLegend();
    else
        frontGraph_->removeFromLegend();
    QVector<double> x, y;
    for (const auto& p : front_) {
        x.push_back(p.latencyMs);
        y.push_back(yOf(p));
    }
    frontGraph_->setData(x, y, true);
}

void ParetoPlot::rescaleToData() {
    followsData_ = true;
    fitAxes();
}

void ParetoPlot::fitAxes() {
    double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
    for (size_t i = 0; i < points_.size(); ++i) {
        if (!std::isfinite(y_[i])) continue;
        x0 = std::min(x0, points_[i].latencyMs);
        x1 = std::max(x1, points_[i].latencyMs);
        y0 = std::min(y0, y_[i]);
        y1 = std::max(y1, y_[i]);
    }
    if (!std::isfinite(x0)) {
        replot(rpQueuedReplot);
        return;
    }
    if (limit_ > 0) {
        x0 = std::min(x0, limit_);
        x1 = std::max(x1, limit_);
    }
    const double dx = std::max(1e-3, x1 - x0) * 0.06, dy = std::max(1e-3, y1 - y0) * 0.08;
    xAxis->setRange(std::max(0.0, x0 - dx), x1 + dx);
    yAxis->setRange(y0 - dy, y1 + dy);
    replot(rpQueuedReplot);
}

void ParetoPlot::setLimit(double ms) {
    limit_ = ms;
    limitLine_->point1->setCoords(ms, 0);
    limitLine_->point2->setCoords(ms, 1);
    limitLabel_->position->setCoords(ms, 0.0);
    limitLabel_->setText(tr("limit %1 ms").arg(ms, 0, 'f', 1));
    // No limit yet (no workspace, or a device without a range): no line claiming one of 0 ms.
    limitLine_->setVisible(ms > 0.0);
    limitLabel_->setVisible(ms > 0.0);
    replot(rpQueuedReplot);
}

void ParetoPlot::drawGene(QCPGraph* graph, const std::optional<Gene>& gene) {
    QVector<double> x, y;
    if (gene) {
        const auto it = index_.find(*gene);
        if (it != index_.end() && std::isfinite(y_[it->second])) {
            x.push_back(points_[it->second].latencyMs);
            y.push_back(y_[it->second]);
        }
    }
    graph->setData(x, y);
    if (x.isEmpty())
        graph->removeFromLegend();
    else
        graph->addToLegend();
}

void ParetoPlot::setSelected(const std::optional<Gene>& gene) {
    selected_ = gene;
    drawGene(selectedGraph_, gene);
    replot(rpQueuedReplot);
}

void ParetoPlot::setMarked(const std::optional<Gene>& gene) {
    marked_ = gene;
    drawGene(markedGraph_, gene);
    replot(rpQueuedReplot);
}

int ParetoPlot::pointNear(const QPointF& pixel, double radius) const {
    int best = -1;
    double bestD = radius * radius;
    for (size_t i = 0; i < points_.size(); ++i) {
        if (!std::isfinite(y_[i])) continue;
        const double dx = xAxis->coordToPixel(points_[i].latencyMs) - pixel.x();
        const double dy = yAxis->coordToPixel(y_[i]) - pixel.y();
        const double d = dx * dx + dy * dy;
        if (d <= bestD) {
            bestD = d;
            best = static_cast<int>(i);
        }
    }
    return best;
}

QString ParetoPlot::describe(const EvaluatedPoint& p) const {
    QString s = tr("loss %1 · %2 ms (upper %3 ms)")
                    .arg(p.validLoss, 0, 'f', 4)
                    .arg(p.latencyMs, 0, 'f', 1)
                    .arg(p.latencyUpperMs, 0, 'f', 1);
    if (p.bleu) s += tr(" · BLEU %1").arg(*p.bleu, 0, 'f', 2);
    if (hasSpace_ && geneIsValid(p.gene, space_)) {
        const SubConfig c = geneToConfig(p.gene, space_);
        s += tr("\n%1 M params\n%2")
                 .arg(static_cast<double>(hatParameterCount(c, space_.qkvDim)) / 1e6, 0, 'f', 1)
                 .arg(QString::fromStdString(c.summary()));
    }
    return s;
}

bool ParetoPlot::nearLimitLine(const QPointF& pixel) const {
    return std::abs(xAxis->coordToPixel(limit_) - pixel.x()) <= 6.0 &&
           axisRect()->rect().contains(pixel.toPoint());
}

void ParetoPlot::mousePressEvent(QMouseEvent* event) {
    pressPos_ = event->position();
    if (event->button() == Qt::LeftButton && nearLimitLine(event->position())) {
        dragging_ = true;
        // While the line moves, the axes must not pan.
        setInteraction(QCP::iRangeDrag, false);
        event->accept();
        return;
    }
    QCustomPlot::mousePressEvent(event);
}

void ParetoPlot::mouseMoveEvent(QMouseEvent* event) {
    if (dragging_) {
        const double ms = std::max(0.0, xAxis->pixelToCoord(event->position().x()));
        setLimit(ms);
        Q_EMIT limitChanged(ms);
        event->accept();
        return;
    }
    QCustomPlot::mouseMoveEvent(event);
    if (event->buttons() == Qt::NoButton) {
        setCursor(nearLimitLine(event->position()) ? Qt::SizeHorCursor : Qt::ArrowCursor);
        const int i = pointNear(event->position());
        if (i >= 0) {
            QToolTip::showText(event->globalPosition().toPoint(),
                               describe(points_[static_cast<size_t>(i)]), this);
        } else {
            QToolTip::hideText();
        }
    }
}

void ParetoPlot::mouseReleaseEvent(QMouseEvent* event) {
    if (dragging_) {
        dragging_ = false;
        setInteraction(QCP::iRangeDrag, true);
        Q_EMIT limitDragFinished(limit_);
        event->accept();
        return;
    }
    QCustomPlot::mouseReleaseEvent(event);
    const bool click = (event->position() - pressPos_).manhattanLength() < 4;
    if (event->button() == Qt::LeftButton && !click) followsData_ = false;  // the user panned
    // A click (not a pan) on a point selects it.
    if (event->button() == Qt::LeftButton && click) {
        const int i = pointNear(event->position());
        if (i >= 0) Q_EMIT pointClicked(points_[static_cast<size_t>(i)].gene);
    }
}

void ParetoPlot::wheelEvent(QWheelEvent* event) {
    followsData_ = false;  // the user zooms: new points no longer move the axes
    QCustomPlot::wheelEvent(event);
}

}  // namespace hat::ui

#include "ui/history_plot.h"

#include <QToolTip>

#include <algorithm>
#include <cmath>

#include "core/space/gene.h"
#include "core/space/sub_config.h"

namespace hat::ui {

namespace {
constexpr double kBarWidth = 0.7;  // in generations
}  // namespace

HistoryPlot::HistoryPlot(QWidget* parent) : QCustomPlot(parent) {
    setObjectName("historyPlot");
    setMouseTracking(true);
    xAxis->setLabel(tr("Generation"));
    yAxis->setLabel(tr("Loss (bits)"));  // short: the dock is low
    yAxis2->setVisible(true);
    yAxis2->setLabel(tr("New"));
    plotLayout()->insertRow(0);
    title_ = new QCPTextElement(this, tr("No search stored for this device"), QFont(font().family(), 9));
    plotLayout()->addElement(0, 0, title_);
    // Generations are whole numbers.
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    xAxis->setTicker(ticker);
    // The legend in one row under the title: a dock is short, and inside the plot it hides bars.
    legend->setVisible(true);
    legend->setFont(QFont(font().family(), 7));
    legend->setIconSize(14, 8);
    legend->setBorderPen(Qt::NoPen);
    legend->setFillOrder(QCPLegend::foColumnsFirst);
    plotLayout()->insertRow(1);
    plotLayout()->addElement(1, 0, legend);
    plotLayout()->setRowStretchFactor(1, 0.001);
    legend->setMargins(QMargins(4, 0, 4, 0));

    // Bars first, so the loss lines are drawn over them.
    scored_ = new QCPBars(xAxis, yAxis2);
    scored_->setName(tr("new, scored in full"));
    scored_->setPen(Qt::NoPen);
    scored_->setBrush(QColor(150, 175, 210, 150));
    scored_->setWidth(kBarWidth);
    raced_ = new QCPBars(xAxis, yAxis2);
    raced_->setName(tr("new, stopped early (racing)"));
    raced_->setPen(Qt::NoPen);
    raced_->setBrush(QColor(230, 180, 110, 170));
    raced_->setWidth(kBarWidth);
    raced_->moveAbove(scored_);
    best_ = addGraph();
    best_->setName(tr("best of the generation"));
    best_->setPen(QPen(QColor(40, 110, 190), 1.2));
    best_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(40, 110, 190), 5));
    bestSoFar_ = addGraph();
    bestSoFar_->setName(tr("best so far"));
    bestSoFar_->setLineStyle(QCPGraph::lsStepLeft);
    bestSoFar_->setPen(QPen(QColor(30, 140, 60), 2));

    connect(this, &QCustomPlot::mouseMove, this, [this](QMouseEvent* e) {
        const GenerationSummary* g = at(xAxis->pixelToCoord(e->pos().x()));
        if (g) {
            QToolTip::showText(e->globalPosition().toPoint(), describe(g->generation), this);
        } else {
            QToolTip::hideText();
        }
    });
    connect(this, &QCustomPlot::mousePress, this, [this](QMouseEvent* e) {
        if (const GenerationSummary* g = at(xAxis->pixelToCoord(e->pos().x()))) Q_EMIT generationClicked(g->generation);
    });
}

void HistoryPlot::setSpace(const DesignSpace& space) { space_ = space; }

void HistoryPlot::setHistory(int64_t runId, double limitMs, std::vector<GenerationSummary> history) {
    runId_ = runId;
    limitMs_ = limitMs;
    history_ = std::move(history);
    QVector<double> x, best, soFar, scored, raced;
    double low = INFINITY, high = -INFINITY, most = 1;
    for (const GenerationSummary& g : history_) {
        x.push_back(g.generation);
        best.push_back(g.best.fitness);
        soFar.push_back(g.bestSoFar);
        scored.push_back(g.newMembers - g.raced);
        raced.push_back(g.raced);
        low = std::min(low, g.bestSoFar);
        high = std::max(high, g.best.fitness);
        most = std::max(most, double(g.newMembers));
    }
    best_->setData(x, best, true);
    bestSoFar_->setData(x, soFar, true);
    scored_->setData(x, scored, true);
    raced_->setData(x, raced, true);
    title_->setText(title());
    if (!history_.empty()) {
        const double pad = std::max(1e-3, (high - low) * 0.08);
        xAxis->setRange(-0.6, history_.back().generation + 0.6);
        yAxis->setRange(low - pad, high + pad);
        yAxis2->setRange(0, most * 1.1);
    }
    replot(rpQueuedReplot);
}

QString HistoryPlot::title() const {
    if (history_.empty()) return tr("No search stored for this device");
    double seconds = 0;
    for (const GenerationSummary& g : history_) seconds += g.seconds;
    return tr("Run %1 under %2 ms: %3 generations, best %4 bits, %5 s")
        .arg(runId_)
        .arg(limitMs_, 0, 'f', 1)
        .arg(history_.size())
        .arg(history_.back().bestSoFar, 0, 'f', 4)
        .arg(seconds, 0, 'f', 0);
}

const GenerationSummary* HistoryPlot::at(double x) const {
    // Within a bar's width of a generation (the gaps between bars say nothing).
    const double g = std::round(x);
    return std::abs(x - g) <= kBarWidth / 2 ? generation(static_cast<int>(g)) : nullptr;
}

const GenerationSummary* HistoryPlot::generation(int generation) const {
    for (const GenerationSummary& g : history_) {
        if (g.generation == generation) return &g;
    }
    return nullptr;
}

QString HistoryPlot::describe(int number) const {
    if (const GenerationSummary* found = generation(number)) {
        const GenerationSummary& g = *found;
        QString text = tr("Generation %1: best %2 bits at %3 ms (best so far %4)\n%5\n%6 new members")
                           .arg(g.generation)
                           .arg(g.best.fitness, 0, 'f', 4)
                           .arg(g.best.latency.ms, 0, 'f', 1)
                           .arg(g.bestSoFar, 0, 'f', 4)
                           .arg(space_ ? QString::fromStdString(geneToConfig(g.best.gene, *space_).summary())
                                       : QString())
                           .arg(g.newMembers);
        if (g.raced > 0) text += tr(", %1 stopped early").arg(g.raced);
        return text + tr(", %1 s").arg(g.seconds, 0, 'f', 1);
    }
    return {};
}

}  // namespace hat::ui

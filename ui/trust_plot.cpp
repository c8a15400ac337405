#include "ui/trust_plot.h"

#include <algorithm>
#include <cmath>

namespace hat::ui {

TrustPlot::TrustPlot(QWidget* parent) : QCustomPlot(parent) {
    setObjectName("trustPlot");
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    xAxis->setLabel(tr("Measured latency (ms)"));
    yAxis->setLabel(tr("Predicted latency (ms)"));
    plotLayout()->insertRow(0);
    title_ = new QCPTextElement(this, tr("No predictor loaded"), QFont(font().family(), 9));
    plotLayout()->addElement(0, 0, title_);
    legend->setVisible(true);
    legend->setFont(QFont(font().family(), 7));
    legend->setBrush(QColor(255, 255, 255, 170));  // the points under it stay visible
    legend->setIconSize(14, 8);
    // Bottom right: the points crowd the diagonal from the bottom left upwards.
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);

    diagonal_ = addGraph();
    diagonal_->setName(tr("predicted = measured"));
    diagonal_->setPen(QPen(QColor(60, 60, 60), 1.2));
    bandHigh_ = addGraph();
    bandHigh_->setName(tr("±10%"));
    bandHigh_->setPen(QPen(QColor(200, 120, 30), 1, Qt::DashLine));
    bandLow_ = addGraph();
    bandLow_->setPen(QPen(QColor(200, 120, 30), 1, Qt::DashLine));
    bandLow_->removeFromLegend();
    inGraph_ = addGraph();
    inGraph_->setName(tr("within ±10%"));
    inGraph_->setLineStyle(QCPGraph::lsNone);
    inGraph_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(40, 120, 190, 170), 5));
    outGraph_ = addGraph();
    outGraph_->setName(tr("outside ±10%"));
    outGraph_->setLineStyle(QCPGraph::lsNone);
    outGraph_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(210, 50, 40, 200), 5));
    measuredGraph_ = addGraph();
    measuredGraph_->setName(tr("measured here (90% interval)"));
    measuredGraph_->setLineStyle(QCPGraph::lsNone);
    measuredGraph_->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssDiamond, QPen(QColor(20, 20, 20), 1.5), QColor(60, 190, 90), 11));
    measuredInterval_ = new QCPErrorBars(xAxis, yAxis);
    measuredInterval_->setDataPlottable(measuredGraph_);
    measuredInterval_->setErrorType(QCPErrorBars::etValueError);
    measuredInterval_->setPen(QPen(QColor(30, 130, 60), 1.5));
    measuredInterval_->removeFromLegend();
    frontMarks_ = addGraph();
    frontMarks_->setName(tr("Pareto front (predicted)"));
    frontMarks_->setLineStyle(QCPGraph::lsNone);
    frontMarks_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssTriangle, QPen(QColor(30, 140, 60), 1.5), QColor(30, 140, 60), 8));
    selectedLine_ = new QCPItemStraightLine(this);
    selectedLine_->setPen(QPen(QColor(20, 20, 20), 1.2, Qt::DotLine));
    selectedLine_->setVisible(false);
    // The ticks sit at the left edge of whatever range is shown.
    connect(xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, [this] { placeFrontMarks(); });
}

void TrustPlot::placeFrontMarks() {
    QVector<double> x, y;
    const double left = xAxis->range().lower + 0.01 * xAxis->range().size();
    for (double p : frontPredicted_) {
        x.push_back(left);
        y.push_back(p);
    }
    frontMarks_->setData(x, y);
}

void TrustPlot::setMarks(std::optional<double> selectedPredictedMs, const std::vector<double>& frontPredictedMs) {
    frontPredicted_ = frontPredictedMs;
    placeFrontMarks();
    selectedLine_->setVisible(selectedPredictedMs.has_value());
    if (selectedPredictedMs) {
        selectedLine_->point1->setCoords(0, *selectedPredictedMs);
        selectedLine_->point2->setCoords(1, *selectedPredictedMs);
    }
    replot(rpQueuedReplot);
}

QString TrustPlot::summary() const {
    const PredictionReport& r = trust_.report;
    QString s;
    if (trust_.rows.empty()) {
        s = tr("%1: no held-out rows (HAT's own predictor files carry none)").arg(trust_.device);
    } else {
        s = tr("%1 — %2 held-out rows\nRMSE %3 ms, mean error %4%\nwithin ±10% %5%")
                .arg(trust_.device)
                .arg(r.rows)
                .arg(r.rmseMs, 0, 'f', 1)
                .arg(r.mapePct, 0, 'f', 1)
                .arg(r.within10Pct, 0, 'f', 1);
        if (std::isfinite(r.coveragePct)) s += tr(", 90% interval covers %1%").arg(r.coveragePct, 0, 'f', 1);
    }
    if (!trust_.measured.empty()) {
        const MeasurementRecord& m = trust_.measured.back();
        s += tr("\nMeasured here: %1; last %2 ms,\npredicted %3 ms")
                 .arg(trust_.measured.size())
                 .arg(m.totalMs(), 0, 'f', 1)
                 .arg(m.predictedMs, 0, 'f', 1);
    }
    return s;
}

void TrustPlot::setTrust(const PredictorTrust& trust) {
    trust_ = trust;
    QVector<double> xin, yin, xout, yout;
    double lo = std::numeric_limits<double>::infinity(), hi = 0.0;
    for (const auto& row : trust_.rows) {
        const bool inside = std::abs(row.predictedMs - row.measuredMs) <= 0.1 * row.measuredMs;
        (inside ? xin : xout).push_back(row.measuredMs);
        (inside ? yin : yout).push_back(row.predictedMs);
        lo = std::min({lo, row.measuredMs, row.predictedMs});
        hi = std::max({hi, row.measuredMs, row.predictedMs});
    }
    inside_ = xin.size();
    outside_ = xout.size();
    inGraph_->setData(xin, yin);
    outGraph_->setData(xout, yout);
    QVector<double> xm, ym, below, above;
    for (const auto& m : trust_.measured) {
        xm.push_back(m.totalMs());
        ym.push_back(m.predictedMs);
        below.push_back(m.predictedMs - m.lowerMs);
        above.push_back(m.upperMs - m.predictedMs);
        lo = std::min({lo, m.totalMs(), m.lowerMs});
        hi = std::max({hi, m.totalMs(), m.upperMs});
    }
    measuredGraph_->setData(xm, ym);
    measuredInterval_->setData(below, above);
    if (!trust_.rows.empty() || !trust_.measured.empty()) {
        const double pad = (hi - lo) * 0.05;
        lo = std::max(0.0, lo - pad);
        hi += pad;
        diagonal_->setData(QVector<double>{lo, hi}, QVector<double>{lo, hi});
        bandHigh_->setData(QVector<double>{lo, hi}, QVector<double>{lo * 1.1, hi * 1.1});
        bandLow_->setData(QVector<double>{lo, hi}, QVector<double>{lo * 0.9, hi * 0.9});
        xAxis->setRange(lo, hi);
        yAxis->setRange(lo, hi);
    } else {
        for (QCPGraph* g : {diagonal_, bandHigh_, bandLow_}) g->data()->clear();
    }
    title_->setText(summary());
    setToolTip(trust_.description);
    replot(rpQueuedReplot);
}

}  // namespace hat::ui

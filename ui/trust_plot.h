#pragma once
#include <optional>
#include <vector>
// How far a device's latency predictor can be trusted: predicted against measured latency for
// the rows it was trained on (each predicted by a model that did not see it), the diagonal, the
// ±10% band, and the held-out figures (RMSE, mean error, share within ±10%, interval coverage).
// Architectures measured here from the explorer are drawn on top with their 90% interval.
#include "ui/qcustomplot_include.h"
#include "ui/search_controller.h"

namespace hat::ui {

class TrustPlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit TrustPlot(QWidget* parent = nullptr);

    void setTrust(const PredictorTrust& trust);
    const PredictorTrust& trust() const { return trust_; }
    // Rows drawn inside / outside the ±10% band (the band's share is report.within10Pct).
    int insideBand() const { return inside_; }
    int outsideBand() const { return outside_; }
    int measuredHere() const { return static_cast<int>(trust_.measured.size()); }
    // Where the architectures the user looks at fall on the predicted axis: the selected one as a
    // line across the plot, the Pareto front's as ticks along its left edge. Held-out rows near
    // them say how far those predictions can be trusted.
    void setMarks(std::optional<double> selectedPredictedMs, const std::vector<double>& frontPredictedMs);
    int frontMarks() const { return frontMarks_->dataCount(); }
    bool selectedMarked() const { return selectedLine_->visible(); }
    QString summary() const;

private:
    PredictorTrust trust_;
    QCPGraph* inGraph_ = nullptr;
    QCPGraph* outGraph_ = nullptr;
    QCPGraph* measuredGraph_ = nullptr;
    QCPErrorBars* measuredInterval_ = nullptr;
    QCPGraph* diagonal_ = nullptr;
    QCPGraph* bandLow_ = nullptr;
    QCPGraph* bandHigh_ = nullptr;
    QCPTextElement* title_ = nullptr;
    QCPGraph* frontMarks_ = nullptr;
    QCPItemStraightLine* selectedLine_ = nullptr;
    std::vector<double> frontPredicted_;
    void placeFrontMarks();
    int inside_ = 0, outside_ = 0;
};

}  // namespace hat::ui

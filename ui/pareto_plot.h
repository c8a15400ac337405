#pragma once
// Latency (x) against validation loss (y): every evaluated architecture, the current population
// coloured by generation, the Pareto front as a step line and the latency limit as a vertical line
// the user drags. Zoom and pan with the mouse; hover shows the architecture, a click selects it.
#include <map>
#include <optional>
#include <vector>

#include "core/search/evolution.h"
#include "core/store/workspace_db.h"
#include "ui/qcustomplot_include.h"

namespace hat::ui {

class LimitModel;
class SelectionModel;

class ParetoPlot : public QCustomPlot {
    Q_OBJECT
  public:
    // What the y axis shows. The front is drawn for loss (lower is better) and BLEU (higher is
    // better); parameters and FLOPs show the cloud only. Points without a BLEU are left out.
    enum class YMetric { ValidLoss, Bleu, Parameters, Flops };

    explicit ParetoPlot(QWidget* parent = nullptr);
    // Shows `limit` (and drags move it, a release commits it) and `selection` (a click selects,
    // the search's best is starred).
    void follow(LimitModel* limit, SelectionModel* selection);

    void setYMetric(YMetric metric);
    YMetric yMetric() const { return metric_; }
    // The y value of a point under the current metric (NaN when it has none).
    double yOf(const EvaluatedPoint& p) const;

    void setSpace(const DesignSpace& space);
    // Replaces every evaluated point (and recomputes the front).
    void setPoints(const std::vector<EvaluatedPoint>& points);
    // Adds the members of one scored generation (to the point cloud and the generation layers).
    void addGeneration(const GenerationReport& report);
    void clearGenerations();
    void setLimit(double ms);
    double limit() const { return limit_; }
    void setSelected(const std::optional<Gene>& gene);
    const std::optional<Gene>& selected() const { return selected_; }
    // The search's best, drawn as a star (the selection stays the user's).
    void setMarked(const std::optional<Gene>& gene);
    const std::optional<Gene>& marked() const { return marked_; }
    // Fits the axes to every point and the limit, and follows the data again from now on.
    void rescaleToData();
    // Whether new points rescale the axes: true until the user zooms or pans.
    bool followsData() const { return followsData_; }

    int pointCount() const { return static_cast<int>(points_.size()); }
    int frontCount() const { return static_cast<int>(front_.size()); }
    int generationLayers() const { return static_cast<int>(generationGraphs_.size()); }
    const std::vector<EvaluatedPoint>& points() const { return points_; }
    const std::vector<EvaluatedPoint>& front() const { return front_; }
    QCPItemStraightLine* limitLine() const { return limitLine_; }
    QCPItemText* limitLabel() const { return limitLabel_; }
    // Index into points() of the point nearest to `pixel` within `radius` pixels, or -1.
    int pointNear(const QPointF& pixel, double radius = 8.0) const;
    QString describe(const EvaluatedPoint& p) const;

  Q_SIGNALS:
    void limitChanged(double ms);  // while the user drags the limit line
    void limitDragFinished(double ms);
    void pointClicked(const hat::Gene& gene);

  protected:
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;

  private:
    void rebuildPointGraph();
    void fitAxes();
    void drawGene(QCPGraph* graph, const std::optional<Gene>& gene);
    void rebuildFront();
    bool nearLimitLine(const QPointF& pixel) const;

    double computeY(const EvaluatedPoint& p) const;
    void recomputeY();

    DesignSpace space_;
    bool hasSpace_ = false;
    YMetric metric_ = YMetric::ValidLoss;
    std::vector<double> y_;  // yOf(points_[i]), kept in step with points_
    std::vector<EvaluatedPoint> points_;
    std::map<Gene, size_t> index_;
    std::vector<EvaluatedPoint> front_;
    std::optional<Gene> selected_, marked_;
    double limit_ = 0.0;
    bool followsData_ = true;
    bool dragging_ = false;
    QPointF pressPos_;

    QCPGraph* pointGraph_ = nullptr;
    QCPGraph* frontGraph_ = nullptr;
    QCPGraph* selectedGraph_ = nullptr;
    QCPGraph* markedGraph_ = nullptr;
    std::vector<QCPGraph*> generationGraphs_;
    QCPItemStraightLine* limitLine_ = nullptr;
    QCPItemText* limitLabel_ = nullptr;
};

}  // namespace hat::ui

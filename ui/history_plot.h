#pragma once
// How a search converged (issue 17's history, first part): for the newest run on the device, the
// best loss of each generation and the best so far (left axis), and what each generation cost as
// bars of new members, those a race stopped early shown apart (right axis). Hovering a generation
// names its best architecture, its loss and the generation's time; clicking selects it.
#include <optional>
#include <vector>

#include "core/workspace/workspace.h"
#include "ui/qcustomplot_include.h"

namespace hat::ui {

class HistoryPlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit HistoryPlot(QWidget* parent = nullptr);

    void setSpace(const DesignSpace& space);  // names the architectures on hover
    // A run's generations, oldest first (empty: no run yet).
    void setHistory(int64_t runId, double limitMs, std::vector<GenerationSummary> history);
    const std::vector<GenerationSummary>& history() const { return history_; }
    int64_t runId() const { return runId_; }
    QString title() const;
    // What hovering generation `g` says (empty when it is not in the history).
    QString describe(int generation) const;
    const GenerationSummary* generation(int generation) const;

Q_SIGNALS:
    void generationClicked(int generation);

private:
    const GenerationSummary* at(double x) const;

    std::optional<DesignSpace> space_;
    int64_t runId_ = 0;
    double limitMs_ = 0.0;
    std::vector<GenerationSummary> history_;
    QCPTextElement* title_ = nullptr;
    QCPGraph* best_ = nullptr;
    QCPGraph* bestSoFar_ = nullptr;
    QCPBars* scored_ = nullptr;
    QCPBars* raced_ = nullptr;
};

}  // namespace hat::ui

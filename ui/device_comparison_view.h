#pragma once
// Devices side by side: one Pareto plot per chosen device, each with the limit at the same
// relative position between the device's smallest and largest SubTransformer; a table of the
// architecture each device gets there; and the architecture view diffing the chosen row against
// the first device's answer. Dragging a limit line moves the relative limit for every device.
#include <QWidget>

#include <vector>

#include "ui/search_controller.h"

class QCheckBox;
class QHBoxLayout;
class QLabel;
class QListWidget;
class QTableWidget;

namespace hat::ui {

class ArchitectureView;
class LimitModel;
class LimitWidget;
class ParetoPlot;

class DeviceComparisonView : public QWidget {
    Q_OBJECT
public:
    explicit DeviceComparisonView(SearchController* controller, QWidget* parent = nullptr);

    // A workspace opened: lists its devices, the first two checked.
    void setWorkspace(const WorkspaceInfo& info);
    void setCheckedDevices(const QStringList& devices);
    QStringList checkedDevices() const;
    // 0 = every device's smallest SubTransformer latency, 1 = its largest's.
    void setRelativeLimit(double relative);
    double relativeLimit() const { return relative_; }
    void setSameAxes(bool same);
    // Asks the worker for the comparison (debounced by job ids, not by time).
    void refresh();

    const DeviceComparison& comparison() const { return comparison_; }
    const std::vector<ParetoPlot*>& plots() const { return plots_; }
    QTableWidget* table() const { return table_; }
    ArchitectureView* architectureView() const { return archView_; }
    // Selects a table row: the architecture view shows it against row 0's answer.
    void selectRow(int row);

Q_SIGNALS:
    void comparisonShown();

private:
    void onComparison(JobId job, const DeviceComparison& c);
    void rebuildPlots();
    void fillTable();
    void applyAxes();
    // The relative limit moved (from the widget or setRelativeLimit): every device follows.
    void applyRelative(double relative);

    SearchController* controller_;
    DesignSpace space_;
    bool hasSpace_ = false;
    double relative_ = 0.5;
    DeviceComparison comparison_;
    JobId pending_ = 0;

    QListWidget* deviceList_ = nullptr;
    LimitModel* relativeModel_ = nullptr;
    LimitWidget* limitWidget_ = nullptr;
    QCheckBox* sameAxes_ = nullptr;
    QWidget* plotArea_ = nullptr;
    QHBoxLayout* plotLayout_ = nullptr;
    std::vector<ParetoPlot*> plots_;
    QTableWidget* table_ = nullptr;
    ArchitectureView* archView_ = nullptr;
    QLabel* status_ = nullptr;
};

}  // namespace hat::ui

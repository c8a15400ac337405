#pragma once
// The row above the plot: the device, what the y axis shows and the latency limit. One row on a
// wide screen; on a narrow one it wraps (FlowLayout) instead of widening the window.
#include <QWidget>
#include <vector>

class QComboBox;

namespace hat {
struct DeviceRecord;
}

namespace hat::ui {

class LimitModel;
class LimitWidget;

class ControlBar : public QWidget {
    Q_OBJECT
  public:
    ControlBar(LimitModel* limit, QWidget* parent = nullptr);

    QComboBox* deviceCombo() const { return device_; }
    QComboBox* yMetricCombo() const { return yMetric_; }
    LimitWidget* limitWidget() const { return limitWidget_; }

    // A workspace's devices, each with where its data came from as the tooltip. Quietly: no
    // change signal.
    void setDevices(const std::vector<DeviceRecord>& devices);
    // Chooses the device (the first when it is not in the list) and the y axis, quietly; returns
    // the y axis index actually chosen.
    int choose(const QString& device, int yMetric);

  private:
    QComboBox* device_ = nullptr;
    QComboBox* yMetric_ = nullptr;
    LimitWidget* limitWidget_ = nullptr;
};

}  // namespace hat::ui

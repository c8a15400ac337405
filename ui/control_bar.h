#pragma once
// The row above the plot: the device, what the y axis shows and the latency limit. One row on a
// wide screen; on a narrow one it wraps (FlowLayout) instead of widening the window.
#include <QWidget>

class QComboBox;

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

  private:
    QComboBox* device_ = nullptr;
    QComboBox* yMetric_ = nullptr;
    LimitWidget* limitWidget_ = nullptr;
};

}  // namespace hat::ui

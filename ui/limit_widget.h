#pragma once
// A slider and a spin box showing one LimitModel. The slider spans the model's range in 1000
// steps (so a limit of seconds and one of milliseconds move equally well); the spin box takes any
// value, so a typed 5000 is never cut to the slider's end: the model says when it lies outside
// the range. A drag commits when released, the spin box when Enter is pressed or it loses focus;
// key presses and track clicks on the slider only move the value.
#include <QWidget>

class QDoubleSpinBox;
class QSlider;

namespace hat::ui {

class LimitModel;

class LimitWidget : public QWidget {
    Q_OBJECT
  public:
    explicit LimitWidget(LimitModel* model, QWidget* parent = nullptr);

    QSlider* slider() const { return slider_; }
    QDoubleSpinBox* spinBox() const { return spin_; }

  private:
    void showRange();
    void showValue(double v);
    void sliderMoved(int step);
    double valueAt(int step) const;
    int stepOf(double v) const;

    LimitModel* model_;
    QSlider* slider_ = nullptr;
    QDoubleSpinBox* spin_ = nullptr;
    bool showing_ = false;  // widgets being set from the model: their signals are not the user's
};

}  // namespace hat::ui

#include "ui/limit_widget.h"

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QSlider>
#include <algorithm>
#include <cmath>

#include "ui/limit_model.h"

namespace hat::ui {

namespace {
constexpr int kSteps = 1000;
}  // namespace

LimitWidget::LimitWidget(LimitModel* model, QWidget* parent) : QWidget(parent), model_(model) {
    slider_ = new QSlider(Qt::Horizontal, this);
    slider_->setObjectName("limitSlider");
    slider_->setRange(0, kSteps);
    slider_->setPageStep(kSteps / 20);
    slider_->setMinimumWidth(140);
    slider_->setToolTip(
        tr("The latency limit, from the smallest SubTransformer's predicted latency (left) to "
           "the largest's (right). Releasing a drag re-searches when auto re-search is on."));
    spin_ = new QDoubleSpinBox(this);
    spin_->setObjectName("limitSpin");
    spin_->setRange(0.0, 1e7);  // any typed value is kept; the model reports one out of range
    spin_->setKeyboardTracking(false);
    spin_->setAccelerated(true);
    spin_->setToolTip(
        tr("Type a limit and press Enter. Values outside the device's range are kept and "
           "explained below the controls."));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(slider_, 1);
    layout->addWidget(spin_);

    connect(slider_, &QSlider::valueChanged, this, &LimitWidget::sliderMoved);
    connect(slider_, &QSlider::sliderReleased, model_, &LimitModel::commit);
    connect(spin_, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        if (!showing_) model_->setValue(v);
    });
    connect(spin_, &QDoubleSpinBox::editingFinished, this, [this] {
        model_->setValue(spin_->value());
        model_->commit();
    });
    connect(model_, &LimitModel::rangeChanged, this, &LimitWidget::showRange);
    connect(model_, &LimitModel::valueChanged, this, &LimitWidget::showValue);
    showRange();
}

double LimitWidget::valueAt(int step) const {
    const LimitModel::Range r = model_->range();
    return r.lo + (r.hi - r.lo) * step / kSteps;
}

int LimitWidget::stepOf(double v) const {
    const LimitModel::Range r = model_->range();
    if (!r.valid()) return 0;
    return std::clamp(static_cast<int>(std::lround((v - r.lo) / (r.hi - r.lo) * kSteps)), 0,
                      kSteps);
}

void LimitWidget::sliderMoved(int step) {
    if (showing_ || !model_->range().valid()) return;
    // Rounded to what the spin box shows, so the two never disagree by a fraction.
    const double scale = std::pow(10.0, model_->decimals());
    model_->setValue(std::round(valueAt(step) * scale) / scale);
}

void LimitWidget::showRange() {
    const bool valid = model_->range().valid();
    slider_->setEnabled(valid);
    spin_->setEnabled(model_->hasCurrent());
    spin_->setSuffix(model_->suffix());
    spin_->setDecimals(model_->decimals());
    // A step of about a hundredth of the range: arrow keys move visibly on any device.
    if (valid) {
        const double span = model_->range().hi - model_->range().lo;
        const double step = std::pow(10.0, std::floor(std::log10(span / 100.0)));
        spin_->setSingleStep(std::max(step, std::pow(10.0, -model_->decimals())));
    }
    showValue(model_->value());
}

void LimitWidget::showValue(double v) {
    showing_ = true;
    if (!slider_->isSliderDown()) slider_->setValue(stepOf(v));
    if (spin_->value() != v) spin_->setValue(v);
    const bool outside = model_->range().valid() && !model_->problem().isEmpty();
    spin_->setStyleSheet(outside && model_->infeasible() ? "QDoubleSpinBox { color: #b00000; }"
                                                         : QString());
    showing_ = false;
}

}  // namespace hat::ui

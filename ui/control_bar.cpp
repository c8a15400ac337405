#include "ui/control_bar.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <algorithm>

#include "core/store/workspace_db.h"

#include "ui/flow_layout.h"
#include "ui/limit_widget.h"

namespace hat::ui {

namespace {
// A label and its field, kept together when the row wraps.
QWidget* labelled(QWidget* parent, const QString& label, QWidget* field) {
    auto* box = new QWidget(parent);
    auto* row = new QHBoxLayout(box);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(new QLabel(label, box));
    field->setParent(box);
    row->addWidget(field, 1);
    return box;
}
}  // namespace

ControlBar::ControlBar(LimitModel* limit, QWidget* parent) : QWidget(parent) {
    auto* flow = new FlowLayout(this);
    device_ = new QComboBox;
    device_->setObjectName("deviceCombo");
    device_->setMinimumContentsLength(22);
    device_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    device_->setToolTip(
        tr("The hardware, runtime and threads whose latency the limit is about; "
           "each device keeps its own limit"));
    flow->addWidget(labelled(this, tr("Device:"), device_));

    yMetric_ = new QComboBox;
    yMetric_->setObjectName("yMetricCombo");
    yMetric_->addItems({tr("Validation loss"), tr("BLEU"), tr("Parameters"), tr("FLOPs")});
    yMetric_->setToolTip(
        tr("What the plot's y axis shows (BLEU only where it has been computed, Ctrl+B)"));
    flow->addWidget(labelled(this, tr("Y:"), yMetric_));

    limitWidget_ = new LimitWidget(limit);
    flow->addStretchedWidget(labelled(this, tr("Latency limit:"), limitWidget_), 360);
}

void ControlBar::setDevices(const std::vector<DeviceRecord>& devices) {
    const QSignalBlocker block(device_);
    device_->clear();
    for (const DeviceRecord& d : devices) {
        device_->addItem(QString::fromStdString(d.name));
        device_->setItemData(device_->count() - 1, QString::fromStdString(d.source),
                             Qt::ToolTipRole);
    }
}

int ControlBar::choose(const QString& device, int yMetric) {
    const QSignalBlocker blockDevice(device_);
    const QSignalBlocker blockMetric(yMetric_);
    device_->setCurrentIndex(std::max(0, device_->findText(device)));
    yMetric_->setCurrentIndex(std::clamp(yMetric, 0, yMetric_->count() - 1));
    return yMetric_->currentIndex();
}

}  // namespace hat::ui

#include "ui/device_data.h"

namespace hat::ui {

DeviceData::DeviceData(SearchController* controller, QObject* parent)
    : QObject(parent), controller_(controller) {
    connect(controller_, &SearchController::pointsReady, this, [this](JobId job, const PointSet& s) {
        if (job == pointsJob_ && s.device == device_) Q_EMIT pointsReady(s);
    });
    connect(controller_, &SearchController::populationReady, this,
            [this](JobId job, const StoredPopulation& p) {
                if (job == populationJob_ && p.device == device_) Q_EMIT populationReady(p);
            });
    connect(controller_, &SearchController::trustReady, this,
            [this](JobId job, const PredictorTrust& t) {
                if (job == trustJob_ && t.device == device_) Q_EMIT trustReady(t);
            });
    connect(controller_, &SearchController::failed, this, [this](JobId job, const QString& m) {
        if (job == pointsJob_ || job == populationJob_ || job == trustJob_) Q_EMIT problem(m);
    });
}

void DeviceData::fetch(const QString& device) {
    fetchPoints(device);
    fetchPopulation(device);
    fetchTrust(device);
}

void DeviceData::fetchPopulation(const QString& device) {
    device_ = device;
    populationJob_ = controller_->requestLastPopulation(device);
}

void DeviceData::fetchPoints(const QString& device) {
    device_ = device;
    pointsJob_ = controller_->requestPoints(device);
}

void DeviceData::fetchTrust(const QString& device) {
    device_ = device;
    trustJob_ = controller_->requestTrust(device);
}

}  // namespace hat::ui

#pragma once
// What the workspace has stored for the current device, fetched on the worker: its evaluated
// architectures (the plot's points), the last generation of its newest search (the population
// table) and how far its predictor can be trusted. Only answers to the newest request of each
// kind, for the device asked about, come out; a failure of one of them comes out as `problem`.
#include <QObject>

#include "ui/search_controller.h"

namespace hat::ui {

class DeviceData : public QObject {
    Q_OBJECT
  public:
    DeviceData(SearchController* controller, QObject* parent = nullptr);

    // All three, for `device`.
    void fetch(const QString& device);
    void fetchPoints(const QString& device);
    void fetchTrust(const QString& device);
    void fetchPopulation(const QString& device);  // the newest run's last generation and history

  Q_SIGNALS:
    void pointsReady(const PointSet& set);
    void populationReady(const StoredPopulation& population);
    void trustReady(const PredictorTrust& trust);
    void problem(const QString& message);

  private:
    SearchController* controller_;
    QString device_;
    JobId pointsJob_ = 0, populationJob_ = 0, trustJob_ = 0;
};

}  // namespace hat::ui

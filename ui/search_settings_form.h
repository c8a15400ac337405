#pragma once
// The search's settings as a form: population and how it is bred, generations, seed, threads,
// warm or cold start, whether the limit bounds the 90% upper end (shown from and written to the
// LimitModel), whether a quality model screens the children (the surrogate), whether children
// race (stopped once clearly worse than every parent), and auto re-search;
// one line under each field says what it does. Remembered in
// QSettings as they change.
#include <QWidget>

#include "core/search/evolution.h"

class QCheckBox;
class QComboBox;
class QFormLayout;
class QSpinBox;

namespace hat::ui {

class LimitModel;

class SearchSettingsForm : public QWidget {
    Q_OBJECT
  public:
    SearchSettingsForm(LimitModel* limit, QWidget* parent = nullptr);

    // The settings as the form shows them; maxLatencyMs and the bound come from the limit model.
    EvolutionSettings settings() const;
    void setSettings(const EvolutionSettings& s);
    int threads() const;
    bool warm() const;
    bool autoResearch() const;
    void setAutoResearch(bool on);

  private:
    void remember() const;
    void rebalance();  // population = parents + mutations + crossovers
    void restore();

    LimitModel* limit_;
    QSpinBox* population_ = nullptr;
    QSpinBox* parents_ = nullptr;
    QSpinBox* mutations_ = nullptr;
    QSpinBox* crossovers_ = nullptr;
    QSpinBox* generations_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QSpinBox* threads_ = nullptr;
    QComboBox* start_ = nullptr;
    QCheckBox* upper_ = nullptr;
    QCheckBox* auto_ = nullptr;
    QCheckBox* surrogate_ = nullptr;
    QCheckBox* racing_ = nullptr;
};

}  // namespace hat::ui

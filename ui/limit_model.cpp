#include "ui/limit_model.h"

#include <QSettings>
#include <QUndoCommand>
#include <QUndoStack>
#include <QUrl>
#include <cmath>

namespace hat::ui {

// One committed move of the limit on one key; undo puts the previous committed value back.
class LimitMoveCommand : public QUndoCommand {
  public:
    LimitMoveCommand(LimitModel* model, QString key, double from, double to)
        : model_(model), key_(std::move(key)), from_(from), to_(to) {
        setText(QObject::tr("Limit %1 → %2").arg(model->format(from), model->format(to)));
    }
    void undo() override { model_->restore(key_, from_); }
    void redo() override {
        if (!first_) model_->restore(key_, to_);
        first_ = false;  // the first redo() is the push: the move already happened
    }

  private:
    LimitModel* model_;
    QString key_;
    double from_, to_;
    bool first_ = true;
};

LimitModel::LimitModel(QObject* parent) : QObject(parent) {}

void LimitModel::setUnit(const QString& suffix, int decimals) {
    suffix_ = suffix;
    decimals_ = decimals;
}

QString LimitModel::format(double v) const { return QString::number(v, 'f', decimals_) + suffix_; }

void LimitModel::setSettingsGroup(const QString& group) { group_ = group; }

void LimitModel::clear() {
    states_.clear();
    current_.clear();
    if (undo_) undo_->clear();
    Q_EMIT rangeChanged();
}

LimitModel::State* LimitModel::state() {
    const auto it = states_.find(current_);
    return it == states_.end() ? nullptr : &it->second;
}

const LimitModel::State* LimitModel::state() const {
    const auto it = states_.find(current_);
    return it == states_.end() ? nullptr : &it->second;
}

namespace {
// Device names hold '/', which QSettings reads as a group separator.
QString settingsKey(const QString& group, const QString& key) {
    return group + "/" + QString::fromLatin1(QUrl::toPercentEncoding(key));
}
}  // namespace

double LimitModel::remembered(const QString& key, double fallback) const {
    if (group_.isEmpty()) return fallback;
    bool ok = false;
    const double v = QSettings().value(settingsKey(group_, key)).toDouble(&ok);
    return ok && std::isfinite(v) && v > 0.0 ? v : fallback;
}

void LimitModel::remember(const QString& key, double v) const {
    if (!group_.isEmpty()) QSettings().setValue(settingsKey(group_, key), v);
}

void LimitModel::setRange(const QString& key, Range mean, Range upper) {
    auto it = states_.find(key);
    if (it == states_.end()) {
        State s;
        s.mean = mean;
        s.upper = upper;
        const Range r = useUpper_ ? upper : mean;
        const double scale = std::pow(10.0, decimals_);
        s.value = s.committed = remembered(key, std::round(r.middle() * scale) / scale);
        states_.emplace(key, s);
    } else {
        it->second.mean = mean;
        it->second.upper = upper;
    }
    if (key == current_) Q_EMIT rangeChanged();
}

void LimitModel::setCurrent(const QString& key) {
    current_ = key;
    Q_EMIT rangeChanged();
    if (const State* s = state()) Q_EMIT valueChanged(s->value);
}

LimitModel::Range LimitModel::range() const {
    const State* s = state();
    if (!s) return {};
    return useUpper_ ? s->upper : s->mean;
}

double LimitModel::value() const {
    const State* s = state();
    return s ? s->value : 0.0;
}

double LimitModel::committedValue() const {
    const State* s = state();
    return s ? s->committed : 0.0;
}

void LimitModel::setUseUpper(bool upper) {
    if (upper == useUpper_) return;
    useUpper_ = upper;
    Q_EMIT useUpperChanged(upper);
    Q_EMIT rangeChanged();
}

void LimitModel::setValue(double v) {
    State* s = state();
    if (!s || !std::isfinite(v) || v < 0.0) return;
    if (v == s->value) return;
    s->value = v;
    Q_EMIT valueChanged(v);
}

void LimitModel::commit() {
    State* s = state();
    if (!s || s->value == s->committed) return;
    const double from = s->committed;
    s->committed = s->value;
    remember(current_, s->value);
    if (undo_) undo_->push(new LimitMoveCommand(this, current_, from, s->value));
    Q_EMIT committed(s->value);
}

void LimitModel::restore(const QString& key, double v) {
    const auto it = states_.find(key);
    if (it == states_.end()) return;
    it->second.value = it->second.committed = v;
    remember(key, v);
    if (key != current_) return;  // another device's limit: it shows when that device is chosen
    Q_EMIT valueChanged(v);
    Q_EMIT committed(v);
}

bool LimitModel::infeasible() const {
    const Range r = range();
    return r.valid() && value() < r.lo;
}

QString LimitModel::problem() const {
    const Range r = range();
    if (!r.valid()) return {};
    const QString what =
        useUpper_ ? tr("the upper end of its 90% interval") : tr("its predicted latency");
    if (value() < r.lo) {
        return tr("Nothing fits under %1: the fastest SubTransformer here (the smallest) has %2 of "
                  "%3.")
            .arg(format(value()), what, format(r.lo));
    }
    if (value() > r.hi) {
        return tr("Every architecture fits under %1: the largest SubTransformer has %2 of %3.")
            .arg(format(value()), what, format(r.hi));
    }
    return {};
}

}  // namespace hat::ui

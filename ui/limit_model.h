#pragma once
// The latency limit, the one place it lives (hotspot's FilterAndZoomStack is the model): per
// device its sensible range (predicted latency of the smallest to the largest SubTransformer),
// its value, and whether it bounds the prediction or the upper end of its 90% interval. Widgets
// show it and ask it to change; everyone else listens. Moving the value (a drag, a key press)
// and committing it (the drag ends, Enter) are separate: only a commit re-searches. Committed
// values are remembered per device across restarts and can be undone.
#include <QObject>
#include <QString>
#include <map>

class QUndoStack;

namespace hat::ui {

class LimitModel : public QObject {
    Q_OBJECT
  public:
    struct Range {
        double lo = 0.0, hi = 0.0;
        bool valid() const { return hi > lo && lo >= 0.0; }
        double middle() const { return 0.5 * (lo + hi); }
    };

    explicit LimitModel(QObject* parent = nullptr);

    // Values shown as "<value><suffix>" with `decimals` decimals (" ms", 1 by default).
    void setUnit(const QString& suffix, int decimals);
    QString suffix() const { return suffix_; }
    int decimals() const { return decimals_; }
    QString format(double v) const;

    // Where committed values are remembered (a QSettings group); empty: nowhere.
    void setSettingsGroup(const QString& group);
    // Ctrl+Z for committed moves; null: no undo.
    void setUndoStack(QUndoStack* stack) { undo_ = stack; }

    // Forgets every key (a new workspace).
    void clear();
    // The range of `key` for the prediction and for its upper end.
    void setRange(const QString& key, Range mean, Range upper);
    // Switches to `key`: its value is what it had, else what was remembered, else its middle.
    void setCurrent(const QString& key);
    const QString& current() const { return current_; }
    bool hasCurrent() const { return states_.count(current_) > 0; }

    Range range() const;
    double value() const;
    double committedValue() const;
    bool useUpper() const { return useUpper_; }
    void setUseUpper(bool upper);

    // Moves the limit (the slider is dragged, a key is pressed): valueChanged, no re-search.
    void setValue(double v);
    // The move is finished (drag released, Enter): committed, once per new value.
    void commit();
    void setAndCommit(double v) {
        setValue(v);
        commit();
    }

    // Whether the value is outside the range: below it nothing fits (infeasible); above it every
    // architecture fits. Empty text when inside.
    bool infeasible() const;
    QString problem() const;

  Q_SIGNALS:
    void valueChanged(double v);
    void committed(double v);
    // The current key changed or its range did (widgets rescale).
    void rangeChanged();
    void useUpperChanged(bool upper);

  private:
    friend class LimitMoveCommand;
    struct State {
        Range mean, upper;
        double value = 0.0;
        double committed = 0.0;
    };
    State* state();
    const State* state() const;
    double remembered(const QString& key, double fallback) const;
    void remember(const QString& key, double v) const;
    // Undo/redo land here: the value of `key` becomes `v`, committed, without a new undo step.
    void restore(const QString& key, double v);

    std::map<QString, State> states_;
    QString current_;
    QString group_;
    QString suffix_ = QStringLiteral(" ms");
    int decimals_ = 1;
    bool useUpper_ = false;
    QUndoStack* undo_ = nullptr;
};

}  // namespace hat::ui

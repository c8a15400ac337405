#pragma once
// The Jobs dock: one row per long job from a JobRunner (title, progress bar, time left, Cancel),
// kept after the job ends with how it ended until "Clear finished".
#include <QWidget>

#include <map>

#include "ui/job_runner.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QVBoxLayout;

namespace hat::ui {

class JobsPanel : public QWidget {
    Q_OBJECT
public:
    explicit JobsPanel(JobRunner* runner, QWidget* parent = nullptr);
    // Small: it shares the bottom dock area with the population table and must not push the
    // plot up; rows scroll.
    QSize sizeHint() const override { return {480, 160}; }

    // For tests: the row widgets of a job.
    QProgressBar* progressBar(LongJobId id) const;
    QPushButton* cancelButton(LongJobId id) const;
    QString statusText(LongJobId id) const;
    void clearFinished();

private:
    struct Row {
        QWidget* box = nullptr;
        QLabel* title = nullptr;
        QProgressBar* bar = nullptr;
        QLabel* status = nullptr;
        QPushButton* cancel = nullptr;
        bool done = false;
    };
    void addRow(LongJobId id, const QString& title);
    void showProgress(LongJobId id, double fraction, double secondsLeft, const QString& text);
    void showFinished(LongJobId id, bool ok, bool cancelled, const QString& message);

    JobRunner* runner_;
    QVBoxLayout* rows_ = nullptr;
    QLabel* empty_ = nullptr;
    std::map<LongJobId, Row> jobs_;
};

}  // namespace hat::ui

#pragma once
// The line under the controls that answers the headline question: the best architecture known
// under the current limit on the current device, straight from the database. It asks the worker
// for every new limit, keeps only the answer to its newest question (failures included), is
// dimmed while that answer is on its way, says when the limit lies outside the device's range,
// and offers the answer to the SelectionModel (which keeps a selection the user made).
#include <QLabel>
#include <optional>

#include "ui/search_controller.h"

namespace hat::ui {

class LimitModel;
class SelectionModel;

class AnswerLine : public QLabel {
    Q_OBJECT
  public:
    AnswerLine(SearchController* controller, LimitModel* limit, SelectionModel* selection,
               QWidget* parent = nullptr);

    void setWorkspace(const WorkspaceInfo* info) { info_ = info; }
    void setDevice(const QString& device) { device_ = device; }
    // Asks for the answer at the model's current limit.
    void refresh();
    // Shown instead of an answer (e.g. "Nothing evaluated yet").
    void showNote(const QString& text);
    const std::optional<EvaluatedPoint>& answer() const { return answer_; }
    JobId pending() const { return pending_; }

  private:
    void onAnswer(JobId job, const InstantAnswer& a);
    void onFailed(JobId job, const QString& message);

    SearchController* controller_;
    LimitModel* limit_;
    SelectionModel* selection_;
    const WorkspaceInfo* info_ = nullptr;
    QString device_;
    JobId pending_ = 0;
    std::optional<EvaluatedPoint> answer_;
};

}  // namespace hat::ui

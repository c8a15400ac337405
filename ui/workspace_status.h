#pragma once
// The status bar's permanent part: which workspace is open, its SuperTransformer (and whether
// quality comes from a width-divided proxy while latency is predicted at full size), and the
// fitness set quality is measured on.
#include <QObject>

class QLabel;
class QStatusBar;

namespace hat::ui {

struct WorkspaceInfo;

class WorkspaceStatus : public QObject {
    Q_OBJECT
  public:
    explicit WorkspaceStatus(QStatusBar* bar);

    // nullptr: no workspace.
    void show(const WorkspaceInfo* info);
    // A passing state ("Opening …") in place of the workspace's name.
    void showActivity(const QString& text);
    // The SuperTransformer did not load.
    void showSupernetProblem();
    QLabel* supernetLabel() const { return supernet_; }

  private:
    QLabel* workspace_ = nullptr;
    QLabel* supernet_ = nullptr;
    QLabel* fitness_ = nullptr;
};

}  // namespace hat::ui

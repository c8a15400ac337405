#pragma once
// File > Export: the selected architecture (HAT's YAML with a header comment, or JSON, named the
// way HAT names its configs), its inherited weights, the plot, and the evaluated points or the
// front as the one points CSV dialect. Files are written by core/export (the CLI writes the same
// bytes); weights and CSV on the worker thread. Save dialogs open in the workspace.
#include <QObject>
#include <QString>

#include "ui/search_controller.h"

class QAction;
class QMenu;
class QWidget;

namespace hat {
struct SubTransformerExportInfo;
}

namespace hat::ui {

class LimitModel;
class ParetoPlot;
class SelectionModel;

class ExportActions : public QObject {
    Q_OBJECT
  public:
    ExportActions(SearchController* controller, SelectionModel* selection, LimitModel* limit,
                  ParetoPlot* plot, QWidget* dialogParent);

    void setWorkspace(const WorkspaceInfo* info) {
        info_ = info;
        updateEnabled();
    }
    void setDevice(const QString& device) { device_ = device; }
    void addTo(QMenu* menu);

    // Each returns false with `error` set (naming the file) when it cannot write.
    bool exportArchitecture(const QString& path, QString* error = nullptr);
    bool exportPlot(const QString& path, QString* error = nullptr);
    // On the worker thread: 0 when nothing can be exported; the answer is a signal.
    JobId exportWeights(const QString& path);
    JobId exportPointsCsv(const QString& path, bool frontOnly);

    // HAT's name for the selected architecture's file, e.g.
    // HAT_wmt14ende_raspberrypi@4.1s_loss@5.45.yml.
    QString suggestedName(const QString& extension) const;
    // The header the exported architecture carries.
    SubTransformerExportInfo exportInfo() const;

  Q_SIGNALS:
    void logged(const QString& line);
    void exported(const QString& path);
    void failed(const QString& title, const QString& message);

  private:
    void updateEnabled();
    QString startDir() const;
    void chooseArchitecture();
    void chooseWeights();
    void choosePlot();
    void choosePoints(bool frontOnly);

    SearchController* controller_;
    SelectionModel* selection_;
    LimitModel* limit_;
    ParetoPlot* plot_;
    QWidget* parent_;
    const WorkspaceInfo* info_ = nullptr;
    QString device_;
    std::map<JobId, QString> pending_;  // worker exports in flight and their files
    QAction* architecture_ = nullptr;
    QAction* weights_ = nullptr;
    QAction* plotAction_ = nullptr;
    QAction* all_ = nullptr;
    QAction* front_ = nullptr;
};

// The task a workspace's devices were measured for ("wmt14ende" from "hat/wmt14ende_cpu_xeon"),
// else the design space's name.
QString workspaceTask(const WorkspaceInfo& info);

}  // namespace hat::ui

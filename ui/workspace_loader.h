#pragma once
// Opens, creates and repairs workspaces for the window: the requests to the worker, the answers
// to the newest of them (older ones are dropped), and the dialogs on the way — File > Open,
// File > New Workspace, "SuperTransformer not found … Locate…", and the error dialogs.
#include <QObject>
#include <QString>

#include "ui/search_controller.h"

class QWidget;

namespace hat::ui {

class WorkspaceLoader : public QObject {
    Q_OBJECT
  public:
    // `window` parents the dialogs.
    WorkspaceLoader(SearchController* controller, QWidget* window);

    // The repository's data/ directory: the New Workspace dialog's defaults.
    void setDataDir(const QString& dir) { dataDir_ = dir; }
    // The directory of the open workspace: where file dialogs start.
    void setCurrentDir(const QString& dir) { currentDir_ = dir; }

    void open(const QString& dir);
    void chooseAndOpen();
    void newWorkspace();
    void create(const WorkspaceInit& init);
    // The open workspace's SuperTransformer is at `path`: checked by checksum on the worker,
    // then the workspace opens again with it.
    void locateCheckpoint(const QString& path);

  Q_SIGNALS:
    void opened(const WorkspaceInfo& info);
    // The open workspace's SuperTransformer loaded; 1 is full width.
    void supernetLoaded(int widthDivisor);
    // It did not (the user has been asked to locate it, in a dialog showing `message`).
    void supernetMissing(const QString& message);
    // Opening or creating failed (the error dialog is shown).
    void openFailed();
    void activity(const QString& text);
    void logged(const QString& line);

  private:
    void askForCheckpoint(const QString& message);
    void onFailed(JobId job, const QString& dir, const QString& message);

    SearchController* controller_;
    QWidget* window_;
    QString dataDir_, currentDir_;
    QString checkpoint_;  // the open workspace's SuperTransformer file
    JobId openJob_ = 0, createJob_ = 0, relocateJob_ = 0;
};

}  // namespace hat::ui

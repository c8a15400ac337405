#include "ui/workspace_loader.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>

#include "ui/error_dialog.h"
#include "ui/new_workspace_dialog.h"

namespace hat::ui {

WorkspaceLoader::WorkspaceLoader(SearchController* controller, QWidget* window)
    : QObject(window), controller_(controller), window_(window) {
    connect(controller_, &SearchController::workspaceOpened, this,
            [this](JobId job, const WorkspaceInfo& info) {
                if (job != openJob_) return;
                currentDir_ = info.dir;
                checkpoint_ = info.checkpoint;
                Q_EMIT opened(info);
            });
    connect(controller_, &SearchController::workspaceFailed, this, &WorkspaceLoader::onFailed);
    connect(controller_, &SearchController::workspaceCreated, this,
            [this](JobId job, const QString& dir) {
                if (job != createJob_) return;
                Q_EMIT logged(tr("Created workspace %1").arg(dir));
                open(dir);
            });
    connect(controller_, &SearchController::supernetLoaded, this, [this](JobId job, int divisor) {
        if (job == openJob_) Q_EMIT supernetLoaded(divisor);
    });
    connect(controller_, &SearchController::checkpointRelocated, this,
            [this](JobId job, const QString& path) {
                if (job != relocateJob_) return;
                Q_EMIT logged(tr("SuperTransformer found at %1").arg(path));
                open(currentDir_);  // again, with it
            });
    connect(controller_, &SearchController::failed, this, [this](JobId job, const QString& message) {
        if (job == openJob_) {  // the workspace opened, but its SuperTransformer did not load
            Q_EMIT supernetMissing(message);
            askForCheckpoint(message);
        } else if (job == relocateJob_) {
            showErrorDialog(window_, tr("Not this SuperTransformer"), message);
        }
    });
}

void WorkspaceLoader::open(const QString& dir) {
    Q_EMIT activity(tr("Opening %1 …").arg(dir));
    Q_EMIT logged(tr("Opening workspace %1").arg(dir));
    openJob_ = controller_->openWorkspace(QDir(dir).absolutePath());
}

void WorkspaceLoader::chooseAndOpen() {
    const QString start = currentDir_.isEmpty() ? QDir::homePath() : currentDir_;
    const QString dir = QFileDialog::getExistingDirectory(window_, tr("Open Workspace"), start);
    if (!dir.isEmpty()) open(dir);
}

void WorkspaceLoader::newWorkspace() {
    NewWorkspaceDialog dialog(dataDir_, window_);
    if (dialog.exec() == QDialog::Accepted) create(dialog.init());
}

void WorkspaceLoader::create(const WorkspaceInit& init) {
    Q_EMIT activity(tr("Creating workspace %1 …").arg(QString::fromStdString(init.dir)));
    createJob_ = controller_->createWorkspace(init);
}

void WorkspaceLoader::locateCheckpoint(const QString& path) {
    relocateJob_ = controller_->relocateCheckpoint(path);
}

void WorkspaceLoader::askForCheckpoint(const QString& message) {
    // A moved workspace whose SuperTransformer is not where it was: the user may point at it. A
    // file that is there but does not load (damaged, or not a SuperTransformer) is said so: the
    // user may still point at the right one.
    const bool present = !checkpoint_.isEmpty() && QFileInfo(checkpoint_).isFile();
    auto* box = new QMessageBox(
        QMessageBox::Warning,
        present ? tr("SuperTransformer did not load") : tr("SuperTransformer not found"),
        tr("%1\n\nSearches need the SuperTransformer this workspace was made for. "
           "Locate the file (it is checked against the workspace's records)?")
            .arg(message),
        QMessageBox::Cancel, window_);
    box->setObjectName("locateCheckpointDialog");
    QPushButton* locate = box->addButton(tr("Locate…"), QMessageBox::AcceptRole);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(locate, &QPushButton::clicked, this, [this] {
        const QString start = currentDir_.isEmpty() ? QDir::homePath() : currentDir_;
        const QString path = QFileDialog::getOpenFileName(
            window_, tr("Locate the SuperTransformer"), start, tr("SuperTransformers (*.pt)"));
        if (!path.isEmpty()) locateCheckpoint(path);
    });
    box->open();
}

void WorkspaceLoader::onFailed(JobId job, const QString& dir, const QString& message) {
    if (job != openJob_ && job != createJob_) return;
    const bool creating = job == createJob_;
    Q_EMIT logged(tr("Cannot open workspace %1: %2").arg(dir, message));
    showErrorDialog(window_, creating ? tr("Cannot create workspace") : tr("Cannot open workspace"),
              tr("%1\n%2\n\n%3")
                  .arg(creating ? tr("Cannot create the workspace in")
                                : tr("Cannot open the workspace in"),
                       dir, message));
    Q_EMIT openFailed();
}
}  // namespace hat::ui

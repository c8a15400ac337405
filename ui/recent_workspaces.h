#pragma once
// The workspaces opened before (File > Open Recent, the one opened at start-up) and the first
// start: the demo workspace that ships in the repository is copied into the user's data folder
// and opened there, so the window never writes into the checkout.
#include <QObject>
#include <QStringList>

class QMenu;

namespace hat::ui {

class RecentWorkspaces : public QObject {
    Q_OBJECT
  public:
    explicit RecentWorkspaces(QObject* parent = nullptr);

    // Most recent first; only directories that still hold a workspace.db.
    QStringList list() const;
    void remember(const QString& dir);
    // Fills `menu` now and whenever the list changes; a click asks for that directory to open.
    void attach(QMenu* menu);

    // The workspace to open when none is named: the last one used, else the user's copy of
    // `demoSource` (made on first use in QStandardPaths::AppDataLocation), else empty. `error`
    // says why the copy could not be made.
    QString startupWorkspace(const QString& demoSource, QString* error = nullptr) const;
    // Where the user's copy of the demo lives.
    static QString demoCopyDir();

  Q_SIGNALS:
    void openRequested(const QString& dir);
    void changed();

  private:
    void fill();
    QMenu* menu_ = nullptr;
};

}  // namespace hat::ui

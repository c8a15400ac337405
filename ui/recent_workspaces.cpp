#include "ui/recent_workspaces.h"

#include <QDir>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>
#include <QStandardPaths>
#include <exception>

#include "core/workspace/workspace_copy.h"

namespace hat::ui {

namespace {
constexpr int kMaxRecent = 8;
bool holdsWorkspace(const QString& dir) { return QFileInfo::exists(dir + "/workspace.db"); }
}  // namespace

RecentWorkspaces::RecentWorkspaces(QObject* parent) : QObject(parent) {}

QStringList RecentWorkspaces::list() const {
    QStringList out;
    for (const QString& d : QSettings().value("recentWorkspaces").toStringList()) {
        if (holdsWorkspace(d)) out << d;
    }
    return out;
}

void RecentWorkspaces::remember(const QString& dir) {
    QStringList all = QSettings().value("recentWorkspaces").toStringList();
    all.removeAll(dir);
    all.prepend(dir);
    while (all.size() > kMaxRecent) all.removeLast();
    QSettings().setValue("recentWorkspaces", all);
    fill();
    Q_EMIT changed();
}

void RecentWorkspaces::attach(QMenu* menu) {
    menu_ = menu;
    fill();
}

void RecentWorkspaces::fill() {
    if (!menu_) return;
    menu_->clear();
    const QStringList dirs = list();
    for (const QString& d : dirs) {
        menu_->addAction(d, this, [this, d] { Q_EMIT openRequested(d); });
    }
    menu_->setEnabled(!dirs.isEmpty());
}

QString RecentWorkspaces::demoCopyDir() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath("demo-workspace");
}

QString RecentWorkspaces::startupWorkspace(const QString& demoSource, QString* error) const {
    const QStringList dirs = list();
    if (!dirs.isEmpty()) return dirs.front();
    QString copy = demoCopyDir();  // not const: returned by move
    if (holdsWorkspace(copy)) return copy;
    if (!holdsWorkspace(demoSource)) return {};
    try {
        QDir().mkpath(QFileInfo(copy).path());
        // 5.5 MB, a SQLite backup: a fraction of a second before the window's first paint.
        copyWorkspace(QDir(demoSource).absolutePath().toStdString(), copy.toStdString());
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return {};
    }
    return copy;
}

}  // namespace hat::ui

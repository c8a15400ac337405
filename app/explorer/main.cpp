// hat-explorer [WORKSPACE_DIR]: the window.
#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QStringList>

#include "core/util/allocator.h"
#include "core/util/blas_check.h"
#include "ui/main_window.h"
#include "ui/recent_workspaces.h"

namespace {
// An installed program finds its data next to it (PREFIX/bin/../share/hat-explorer/data); one run
// from the build tree uses the checkout's.
QString dataDir() {
    const QString installed = QDir(QCoreApplication::applicationDirPath()).filePath("../" HAT_INSTALLED_DATA_DIR);
    if (QFileInfo::exists(installed + "/spaces/space0.yml")) return QDir(installed).canonicalPath();
    return QStringLiteral(HAT_DATA_DIR);
}
}  // namespace

int main(int argc, char** argv) {
    hat::keepFreedMemory();
    QApplication app(argc, argv);
    QApplication::setOrganizationName("HAT Explorer");
    QApplication::setApplicationName("hat-explorer");
    hat::ui::MainWindow window;
    const QString data = dataDir();
    window.setDataDir(data);
    if (const std::string w = hat::blasWarning(); !w.empty()) {
        window.showWarning(QString::fromStdString(w));
    }
    window.show();
    // The workspace named on the command line, else the last one used, else the user's own copy
    // of the demo (made now on first start: the window never writes into the checkout).
    const QStringList args = QApplication::arguments();
    QString error;
    const QString dir = args.size() > 1 ? args.at(1)
                                        : window.recent()->startupWorkspace(data + "/demo/workspace", &error);
    if (!error.isEmpty()) window.showWarning(QObject::tr("Could not copy the demo workspace: %1").arg(error));
    if (!dir.isEmpty()) window.openWorkspace(dir);
    return app.exec();
}

// hat-explorer [WORKSPACE_DIR]: the window.
#include <QApplication>
#include <QStringList>

#include "core/util/allocator.h"
#include "core/util/blas_check.h"
#include "ui/main_window.h"

int main(int argc, char** argv) {
    hat::keepFreedMemory();
    QApplication app(argc, argv);
    QApplication::setOrganizationName("HAT Explorer");
    QApplication::setApplicationName("hat-explorer");
    hat::ui::MainWindow window;
    window.setDataDir(HAT_SOURCE_DIR "/data");
    if (const std::string w = hat::blasWarning(); !w.empty()) {
        window.showWarning(QString::fromStdString(w));
    }
    window.show();
    // The workspace named on the command line, else the last one used, else the demo's.
    const QStringList args = QApplication::arguments();
    const QString dir = args.size() > 1 ? args.at(1)
                                        : hat::ui::MainWindow::defaultWorkspace(HAT_SOURCE_DIR "/data/demo/workspace");
    if (!dir.isEmpty()) window.openWorkspace(dir);
    return app.exec();
}

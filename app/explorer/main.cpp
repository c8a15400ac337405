// hat-explorer: the window.
#include <QApplication>

#include "core/util/blas_check.h"
#include "ui/main_window.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName("HAT Explorer");
    QApplication::setApplicationName("hat-explorer");
    hat::ui::MainWindow window;
    if (const std::string w = hat::blasWarning(); !w.empty()) {
        window.showWarning(QString::fromStdString(w));
    }
    window.show();
    return app.exec();
}

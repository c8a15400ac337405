#pragma once
// The explorer's main window: menus, dock layout and remembered geometry.
#include <QMainWindow>

class QLabel;

namespace hat::ui {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    // Shown in the status bar (e.g. the BLAS warning at start-up).
    void showWarning(const QString& text);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createMenus();
    void restoreState();
    void about();

    QLabel* statusLabel_ = nullptr;
};

}  // namespace hat::ui

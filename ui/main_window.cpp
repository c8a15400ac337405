#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>

namespace hat::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("HAT Explorer"));
    setObjectName("MainWindow");
    resize(1280, 800);
    createMenus();
    statusLabel_ = new QLabel(tr("No workspace open"), this);
    statusBar()->addWidget(statusLabel_, 1);
    restoreState();
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open Workspace..."));
    open->setShortcut(QKeySequence::Open);
    open->setEnabled(false);
    QAction* create = file->addAction(tr("&New Workspace..."));
    create->setShortcut(QKeySequence::New);
    create->setEnabled(false);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    menuBar()->addMenu(tr("&Search"));
    menuBar()->addMenu(tr("&View"));
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About HAT Explorer"), this, &MainWindow::about);
}

void MainWindow::showWarning(const QString& text) {
    statusBar()->showMessage(text);
    statusLabel_->setToolTip(text);
}

void MainWindow::restoreState() {
    QSettings s;
    restoreGeometry(s.value("mainWindow/geometry").toByteArray());
    QMainWindow::restoreState(s.value("mainWindow/state").toByteArray());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings s;
    s.setValue("mainWindow/geometry", saveGeometry());
    s.setValue("mainWindow/state", saveState());
    event->accept();
}

void MainWindow::about() {
    QMessageBox::about(this, tr("About HAT Explorer"),
                       tr("<b>HAT Explorer</b><br>Hardware-aware Transformer design: search a "
                          "weight-sharing SuperTransformer for the most accurate SubTransformer "
                          "under a latency limit on your device.<br><br>Re-implements HAT (Wang et "
                          "al., ACL 2020)."));
}

}  // namespace hat::ui

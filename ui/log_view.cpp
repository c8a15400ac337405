#include "ui/log_view.h"

#include <QTime>

namespace hat::ui {

LogView::LogView(QWidget* parent) : QPlainTextEdit(parent) {
    setObjectName("logView");
    setReadOnly(true);
    setMaximumBlockCount(2000);  // a long session's log stays cheap
    setToolTip(tr("What the window, the searches and the long jobs did, newest last"));
}

void LogView::add(const QString& line) {
    appendPlainText(QTime::currentTime().toString("HH:mm:ss  ") + line);
}

}  // namespace hat::ui

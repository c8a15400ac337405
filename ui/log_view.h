#pragma once
// The Log dock: every line the window, the search and the long jobs report, with the time.
#include <QPlainTextEdit>

namespace hat::ui {

class LogView : public QPlainTextEdit {
    Q_OBJECT
  public:
    explicit LogView(QWidget* parent = nullptr);
    void add(const QString& line);
};

}  // namespace hat::ui

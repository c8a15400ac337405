#pragma once
// The window's error dialog: window-modal and non-blocking, so the worker keeps delivering and
// tests can find it (object name "errorDialog") and close it.
class QString;
class QWidget;

namespace hat::ui {

void showErrorDialog(QWidget* parent, const QString& title, const QString& text);

}  // namespace hat::ui

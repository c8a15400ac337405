#pragma once
// Makes a shown window the active one. Offscreen, Qt activates every new window; on an X server
// without a window manager (xvfb-run, as scripts/screenshots.sh runs the widget tests) nothing
// does, and then the window's shortcuts (F5, Ctrl+Z, Esc) never fire.
#include <QTest>
#include <QWidget>

namespace hat::test {

inline bool activate(QWidget* window) {
    window->activateWindow();
    return QTest::qWaitForWindowActive(window);
}

}  // namespace hat::test

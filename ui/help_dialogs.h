#pragma once
// Help > User Guide (what a SuperTransformer, a latency limit, the 90% upper end and a warm or
// cold search mean, in a page or two) and Help > Keyboard Shortcuts (listed from the window's own
// actions, so the list cannot drift from what the keys do).
#include <QString>

class QMenu;
class QWidget;

namespace hat::ui {

QString userGuideHtml();
// Every action under `window` with a shortcut: "<shortcut>  <what it does>" rows as HTML.
QString shortcutsHtml(QWidget* window);
// Non-modal dialogs showing them; the returned widget is deleted when closed.
QWidget* showUserGuide(QWidget* parent);
QWidget* showShortcuts(QWidget* parent);
// Help > User Guide (F1), Keyboard Shortcuts, About.
void fillHelpMenu(QMenu* menu, QWidget* window);

}  // namespace hat::ui

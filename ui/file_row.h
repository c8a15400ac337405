#pragma once
// A form row with a path field and a Browse button (an existing file, a file to write, or a
// directory); the label's mnemonic focuses the field. Shared by the dialogs.
#include <QString>

class QFormLayout;
class QLineEdit;
class QWidget;

namespace hat::ui {

enum class PathKind { OpenFile, SaveFile, Directory };

// `startDir` is where Browse opens when the field is empty.
QLineEdit* addFileRow(QWidget* owner, QFormLayout* form, const QString& label, PathKind kind,
                      const QString& filter = {}, const QString& startDir = {});

}  // namespace hat::ui

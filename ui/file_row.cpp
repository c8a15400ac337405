#include "ui/file_row.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace hat::ui {

QLineEdit* addFileRow(QWidget* owner, QFormLayout* form, const QString& label, PathKind kind,
                      const QString& filter, const QString& startDir) {
    auto* row = new QHBoxLayout;
    auto* edit = new QLineEdit(owner);
    auto* browse = new QPushButton(QObject::tr("Browse..."), owner);
    row->addWidget(edit, 1);
    row->addWidget(browse);
    auto* text = new QLabel(label, owner);
    text->setBuddy(edit);
    form->addRow(text, row);
    QObject::connect(browse, &QPushButton::clicked, owner, [owner, edit, kind, filter, startDir] {
        const QString start = edit->text().isEmpty() ? startDir : QFileInfo(edit->text()).absoluteFilePath();
        QString path;
        switch (kind) {
            case PathKind::OpenFile: path = QFileDialog::getOpenFileName(owner, QObject::tr("Choose a file"), start, filter); break;
            case PathKind::SaveFile: path = QFileDialog::getSaveFileName(owner, QObject::tr("Save as"), start, filter); break;
            case PathKind::Directory: path = QFileDialog::getExistingDirectory(owner, QObject::tr("Choose a directory"), start); break;
        }
        if (!path.isEmpty()) edit->setText(path);
    });
    return edit;
}

}  // namespace hat::ui

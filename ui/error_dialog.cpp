#include "ui/error_dialog.h"

#include <QMessageBox>

namespace hat::ui {

void showErrorDialog(QWidget* parent, const QString& title, const QString& text) {
    auto* box = new QMessageBox(QMessageBox::Critical, title, text, QMessageBox::Ok, parent);
    box->setObjectName("errorDialog");
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

}  // namespace hat::ui

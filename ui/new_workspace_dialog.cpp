#include "ui/new_workspace_dialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "core/latency/device.h"
#include "ui/file_row.h"

namespace hat::ui {

NewWorkspaceDialog::NewWorkspaceDialog(const QString& dataDir, QWidget* parent)
    : QDialog(parent), dataDir_(dataDir) {
    setWindowTitle(tr("New Workspace"));
    setObjectName("newWorkspaceDialog");
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    dir_ = addFileRow(this, form, tr("&Directory:"), PathKind::Directory, {}, dataDir_);
    dir_->setToolTip(tr("A new or empty directory; the workspace database is created inside it"));
    space_ = addFileRow(this, form, tr("Design &space:"), PathKind::OpenFile, tr("Design spaces (*.yml *.yaml)"), dataDir_);
    checkpoint_ = addFileRow(this, form, tr("Super&Transformer:"), PathKind::OpenFile, tr("Checkpoints (*.pt)"), dataDir_);
    checkpoint_->setToolTip(tr("A checkpoint written by `hat train`; its corpus, tokenizer and dictionary "
                               "are read from the train_options.json next to it"));
    sentences_ = new QSpinBox(this);
    sentences_->setObjectName("fitnessSentences");
    sentences_->setRange(8, 5000);
    sentences_->setValue(64);
    sentences_->setToolTip(tr("Valid-split sentences the search scores architectures on, spread over the "
                              "split. 64 rank architectures like the whole split (Spearman 0.97) at a "
                              "twentieth of the cost."));
    form->addRow(tr("&Fitness sentences:"), sentences_);
    devices_ = new QListWidget(this);
    devices_->setObjectName("deviceList");
    for (const Device& d : builtinDevices()) {
        const bool hasPredictor = !d.predictorPath.empty() &&
                                  QFileInfo::exists(QString::fromStdString(d.resolve(dataDir_.toStdString(), d.predictorPath)));
        if (!hasPredictor) continue;  // nothing to search with
        auto* item = new QListWidgetItem(QString::fromStdString(d.id), devices_);
        item->setToolTip(QString::fromStdString(d.name + " — " + d.provenance));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
    }
    devices_->setMinimumHeight(120);
    form->addRow(tr("De&vices:"), devices_);
    layout->addLayout(form);
    problemLabel_ = new QLabel(this);
    problemLabel_->setObjectName("problemLabel");
    problemLabel_->setStyleSheet("color: #b02020");
    problemLabel_->setWordWrap(true);
    layout->addWidget(problemLabel_);
    buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons_->button(QDialogButtonBox::Ok)->setText(tr("Create"));
    layout->addWidget(buttons_);
    connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (QLineEdit* e : {dir_, space_, checkpoint_}) connect(e, &QLineEdit::textChanged, this, &NewWorkspaceDialog::validate);
    connect(devices_, &QListWidget::itemChanged, this, &NewWorkspaceDialog::validate);

    // Sensible defaults: the demo's space and SuperTransformer, HAT's En-De devices.
    setSpace(dataDir_ + "/spaces/space0.yml");
    setCheckpoint(dataDir_ + "/demo/checkpoint_last.pt");
    setDevices({"hat/wmt14ende_cpu_raspberrypi", "hat/wmt14ende_cpu_xeon", "hat/wmt14ende_gpu_titanxp"});
    resize(620, 420);
    validate();
}

void NewWorkspaceDialog::setDirectory(const QString& dir) { dir_->setText(dir); }
void NewWorkspaceDialog::setSpace(const QString& path) { space_->setText(path); }
void NewWorkspaceDialog::setCheckpoint(const QString& path) { checkpoint_->setText(path); }
void NewWorkspaceDialog::setFitnessSentences(int n) { sentences_->setValue(n); }

void NewWorkspaceDialog::setDevices(const QStringList& ids) {
    for (int i = 0; i < devices_->count(); ++i) {
        QListWidgetItem* item = devices_->item(i);
        item->setCheckState(ids.contains(item->text()) ? Qt::Checked : Qt::Unchecked);
    }
}

QStringList NewWorkspaceDialog::checkedDevices() const {
    QStringList out;
    for (int i = 0; i < devices_->count(); ++i) {
        if (devices_->item(i)->checkState() == Qt::Checked) out << devices_->item(i)->text();
    }
    return out;
}

WorkspaceInit NewWorkspaceDialog::init() const {
    WorkspaceInit in;
    in.dir = dir_->text().trimmed().toStdString();
    in.spacePath = space_->text().trimmed().toStdString();
    in.checkpoint = checkpoint_->text().trimmed().toStdString();
    in.fitness.sentences = sentences_->value();
    for (const QString& id : checkedDevices()) in.deviceIds.push_back(id.toStdString());
    in.dataDir = dataDir_.toStdString();
    return in;
}

QString NewWorkspaceDialog::problem() const {
    if (dir_->text().trimmed().isEmpty()) return tr("Choose a directory for the workspace.");
    if (QFileInfo::exists(dir_->text().trimmed() + "/workspace.db")) return tr("That directory already holds a workspace.");
    if (!QFileInfo(space_->text().trimmed()).isFile()) return tr("The design space file does not exist.");
    if (!QFileInfo(checkpoint_->text().trimmed()).isFile()) return tr("The SuperTransformer checkpoint does not exist.");
    if (checkedDevices().isEmpty()) return tr("Choose at least one device.");
    return {};
}

void NewWorkspaceDialog::validate() {
    const QString p = problem();
    problemLabel_->setText(p);
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(p.isEmpty());
}

}  // namespace hat::ui

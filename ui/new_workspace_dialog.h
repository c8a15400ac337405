#pragma once
// File > New Workspace: a directory, a design space, a trained SuperTransformer (its corpus,
// tokenizer and dictionary come from the train_options.json next to it), the fitness-set size and
// the devices to search for. Produces a WorkspaceInit; the worker thread creates it.
#include <QDialog>

#include "core/workspace/workspace.h"

class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QSpinBox;

namespace hat::ui {

class NewWorkspaceDialog : public QDialog {
    Q_OBJECT
public:
    // `dataDir`: the repository's data/ (design spaces, device predictors, the demo).
    explicit NewWorkspaceDialog(const QString& dataDir, QWidget* parent = nullptr);

    void setDirectory(const QString& dir);
    void setSpace(const QString& path);
    void setCheckpoint(const QString& path);
    void setFitnessSentences(int n);
    // Checks exactly the devices with these ids (others unchecked).
    void setDevices(const QStringList& ids);
    QStringList checkedDevices() const;

    // What the form says; empty `problem()` means it can be created.
    WorkspaceInit init() const;
    QString problem() const;

private:
    void validate();

    QString dataDir_;
    QLineEdit* dir_ = nullptr;
    QLineEdit* space_ = nullptr;
    QLineEdit* checkpoint_ = nullptr;
    QSpinBox* sentences_ = nullptr;
    QListWidget* devices_ = nullptr;
    QLabel* problemLabel_ = nullptr;
    QDialogButtonBox* buttons_ = nullptr;
};

}  // namespace hat::ui

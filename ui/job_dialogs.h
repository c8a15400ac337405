#pragma once
// Tools > Train SuperTransformer and Tools > Measure Latency Dataset: forms that produce the
// options of a long job (ui/long_jobs.h), check them as the user types, and say what is wrong.
#include <QDialog>

#include "ui/long_jobs.h"

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace hat::ui {

class TrainDialog : public QDialog {
    Q_OBJECT
public:
    explicit TrainDialog(QWidget* parent = nullptr);

    // Fills the form from a checkpoint's train_options.json (paths relative to it), keeping the
    // output directory; false when there is none.
    bool loadTrainingRecord(const QString& checkpoint);
    void setOutputDirectory(const QString& dir);
    void setSpace(const QString& path);

    TrainOptions options() const;  // throws hat::Error naming a file that cannot be read
    QString problem() const;       // empty: ready to start

private:
    void validate();

    QLineEdit* corpus_ = nullptr;
    QLineEdit* spm_ = nullptr;
    QLineEdit* dict_ = nullptr;
    QLineEdit* space_ = nullptr;
    QLineEdit* out_ = nullptr;
    QSpinBox* divisor_ = nullptr;
    QSpinBox* updates_ = nullptr;
    QSpinBox* tokens_ = nullptr;
    QDoubleSpinBox* lr_ = nullptr;
    QSpinBox* warmup_ = nullptr;
    QComboBox* sampling_ = nullptr;
    QLabel* problemLabel_ = nullptr;
    QDialogButtonBox* buttons_ = nullptr;
};

class MeasureDatasetDialog : public QDialog {
    Q_OBJECT
public:
    // `space`: the workspace's design space; `dir`: where the files go by default.
    MeasureDatasetDialog(const DesignSpace& space, const QString& dir, QWidget* parent = nullptr);

    DatasetJob job() const;
    QString problem() const;

private:
    void validate();
    void suggestPaths();

    DesignSpace space_;
    QString dir_;
    QSpinBox* threads_ = nullptr;
    QSpinBox* samples_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QSpinBox* warmups_ = nullptr;
    QSpinBox* runs_ = nullptr;
    QLineEdit* csv_ = nullptr;
    QCheckBox* trainPredictor_ = nullptr;
    QLineEdit* predictor_ = nullptr;
    QLabel* problemLabel_ = nullptr;
    QDialogButtonBox* buttons_ = nullptr;
};

}  // namespace hat::ui

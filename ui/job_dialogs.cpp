#include "ui/job_dialogs.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

#include "ui/file_row.h"

namespace hat::ui {

namespace {
QSpinBox* spin(QWidget* owner, int lo, int hi, int value, const QString& tip) {
    auto* s = new QSpinBox(owner);
    s->setRange(lo, hi);
    s->setValue(value);
    s->setToolTip(tip);
    return s;
}

QLabel* problemLabel(QWidget* owner) {
    auto* l = new QLabel(owner);
    l->setObjectName("problemLabel");
    l->setStyleSheet("color: #b02020");
    l->setWordWrap(true);
    return l;
}

QDialogButtonBox* okCancel(QDialog* d, const QString& ok) {
    auto* b = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, d);
    b->button(QDialogButtonBox::Ok)->setText(ok);
    QObject::connect(b, &QDialogButtonBox::accepted, d, &QDialog::accept);
    QObject::connect(b, &QDialogButtonBox::rejected, d, &QDialog::reject);
    return b;
}
}  // namespace

// ---------------------------------------------------------------------------------------------

TrainDialog::TrainDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Train SuperTransformer"));
    setObjectName("trainDialog");
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Trains a weight-sharing SuperTransformer (HAT_SPEC §3). An output "
                                "directory that already holds checkpoint_last.pt is resumed."), this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* form = new QFormLayout;
    corpus_ = addFileRow(this, form, tr("&Corpus directory:"), PathKind::Directory);
    corpus_->setToolTip(tr("Holds train.en / train.de and valid.en / valid.de (optionally .gz)"));
    spm_ = addFileRow(this, form, tr("Sub&word model:"), PathKind::OpenFile, tr("SentencePiece models (*.model)"));
    spm_->setToolTip(tr("Empty: the corpus is already split into dictionary symbols (HAT's BPE'd text)"));
    dict_ = addFileRow(this, form, tr("&Dictionary:"), PathKind::OpenFile, tr("fairseq dictionaries (*.txt)"));
    space_ = addFileRow(this, form, tr("Design &space:"), PathKind::OpenFile, tr("Design spaces (*.yml *.yaml)"));
    out_ = addFileRow(this, form, tr("&Output directory:"), PathKind::Directory);
    divisor_ = spin(this, 1, 64, 8, tr("Every width of the space divided by this (8: the demo's 1/8-width proxy)"));
    form->addRow(tr("&Width divisor:"), divisor_);
    updates_ = spin(this, 1, 10'000'000, 12000, tr("Updates to train up to (a resumed run continues to this)"));
    form->addRow(tr("&Max updates:"), updates_);
    tokens_ = spin(this, 64, 1'000'000, 8192, tr("Batch budget in tokens (source or target, padded)"));
    form->addRow(tr("Max &tokens per batch:"), tokens_);
    lr_ = new QDoubleSpinBox(this);
    lr_->setDecimals(5);
    lr_->setRange(1e-5, 1.0);
    lr_->setSingleStep(1e-4);
    lr_->setValue(7e-4);
    lr_->setToolTip(tr("Peak learning rate after the linear warm-up (then cosine decay)"));
    form->addRow(tr("Peak &learning rate:"), lr_);
    warmup_ = spin(this, 0, 1'000'000, 1000, tr("Warm-up updates"));
    form->addRow(tr("W&arm-up:"), warmup_);
    sampling_ = new QComboBox(this);
    sampling_->addItems({"sandwich", "hat", "largest"});
    sampling_->setToolTip(tr("sandwich: the largest, the smallest and a random SubTransformer every update; "
                             "hat: one random SubTransformer (HAT's rule); largest: the largest only"));
    form->addRow(tr("Sam&pling:"), sampling_);
    layout->addLayout(form);
    problemLabel_ = problemLabel(this);
    layout->addWidget(problemLabel_);
    buttons_ = okCancel(this, tr("Start training"));
    layout->addWidget(buttons_);
    for (QLineEdit* e : {corpus_, spm_, dict_, space_, out_}) connect(e, &QLineEdit::textChanged, this, &TrainDialog::validate);
    resize(640, 460);
    validate();
}

bool TrainDialog::loadTrainingRecord(const QString& checkpoint) {
    const QDir dir = QFileInfo(checkpoint).absoluteDir();
    QFile f(dir.filePath("train_options.json"));
    if (!f.open(QIODevice::ReadOnly)) return false;
    const QJsonObject r = QJsonDocument::fromJson(f.readAll()).object();
    if (r.isEmpty()) return false;
    auto path = [&](const char* key, QLineEdit* edit) {
        if (r.contains(key)) edit->setText(QDir::cleanPath(dir.filePath(r.value(key).toString())));
    };
    path("corpus", corpus_);
    path("spm", spm_);
    path("dict", dict_);
    path("space", space_);
    if (r.contains("width_divisor")) divisor_->setValue(r.value("width_divisor").toInt());
    if (r.contains("max_updates")) updates_->setValue(r.value("max_updates").toInt());
    if (r.contains("max_tokens")) tokens_->setValue(r.value("max_tokens").toInt());
    if (r.contains("lr")) lr_->setValue(r.value("lr").toDouble());
    if (r.contains("warmup")) warmup_->setValue(r.value("warmup").toInt());
    if (r.contains("sampling")) sampling_->setCurrentText(r.value("sampling").toString());
    return true;
}

void TrainDialog::setOutputDirectory(const QString& dir) { out_->setText(dir); }
void TrainDialog::setSpace(const QString& path) { space_->setText(path); }

QString TrainDialog::problem() const {
    if (!QFileInfo(corpus_->text()).isDir()) return tr("The corpus directory does not exist.");
    const QDir c(corpus_->text());
    if (c.entryList({"train.*"}, QDir::Files).isEmpty()) return tr("%1 holds no train.* files.").arg(corpus_->text());
    if (!spm_->text().isEmpty() && !QFileInfo::exists(spm_->text())) return tr("The subword model does not exist.");
    if (!QFileInfo::exists(dict_->text())) return tr("The dictionary does not exist.");
    if (!QFileInfo::exists(space_->text())) return tr("The design space file does not exist.");
    if (out_->text().isEmpty()) return tr("Choose an output directory.");
    return {};
}

void TrainDialog::validate() {
    const QString p = problem();
    problemLabel_->setText(p);
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(p.isEmpty());
}

TrainOptions TrainDialog::options() const {
    TrainOptions o;
    o.corpusDir = corpus_->text().toStdString();
    o.subwordModel = spm_->text().toStdString();
    o.dictionary = dict_->text().toStdString();
    o.spacePath = space_->text().toStdString();
    o.space = DesignSpace::loadYaml(o.spacePath);
    o.outDir = out_->text().toStdString();
    o.widthDivisor = divisor_->value();
    o.maxUpdates = updates_->value();
    o.maxTokens = tokens_->value();
    o.peakLr = lr_->value();
    o.warmupUpdates = warmup_->value();
    o.sampling = parseSampling(sampling_->currentText().toStdString());
    o.checkpointEvery = 50;
    o.maxValidBatches = 20;
    return o;
}

// ---------------------------------------------------------------------------------------------

MeasureDatasetDialog::MeasureDatasetDialog(const DesignSpace& space, const QString& dir, QWidget* parent)
    : QDialog(parent), space_(space), dir_(dir) {
    setWindowTitle(tr("Measure Latency Dataset"));
    setObjectName("measureDatasetDialog");
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Measures SubTransformers sampled from the design space on this machine "
                                "(HAT's protocol: batch 1, 30 source tokens, 30 decoder steps at beam 5) "
                                "into a CSV HAT's tools can read, then trains a predictor on it. A file "
                                "that holds the first rows of the same run is resumed. Close other "
                                "programs first: a busy machine gives slow, drifting numbers."), this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* form = new QFormLayout;
    const int cores = std::max(1, QThread::idealThreadCount());
    threads_ = spin(this, 1, cores, 1, tr("LibTorch threads: 1 and all cores are two different devices"));
    form->addRow(tr("&Threads:"), threads_);
    samples_ = spin(this, 1, 100'000, 300, tr("SubTransformers to measure (sample i is HAT's sample_configs with seed + i)"));
    form->addRow(tr("&Samples:"), samples_);
    seed_ = spin(this, 0, 1'000'000, 1, tr("First sampling seed"));
    form->addRow(tr("S&eed:"), seed_);
    warmups_ = spin(this, 0, 100, 1, tr("Untimed runs before the timed ones, per part"));
    form->addRow(tr("&Warm-ups:"), warmups_);
    runs_ = spin(this, 1, 1000, 5, tr("Timed runs per part; a trimmed mean is kept"));
    form->addRow(tr("Timed &runs:"), runs_);
    csv_ = addFileRow(this, form, tr("&Dataset (CSV):"), PathKind::SaveFile, tr("Latency datasets (*.csv)"), dir_);
    trainPredictor_ = new QCheckBox(tr("Train a latency &predictor on it afterwards"), this);
    trainPredictor_->setChecked(true);
    form->addRow(QString(), trainPredictor_);
    predictor_ = addFileRow(this, form, tr("Pre&dictor file:"), PathKind::SaveFile, tr("Predictors (*.pt)"), dir_);
    layout->addLayout(form);
    problemLabel_ = problemLabel(this);
    layout->addWidget(problemLabel_);
    buttons_ = okCancel(this, tr("Start measuring"));
    layout->addWidget(buttons_);
    connect(threads_, &QSpinBox::valueChanged, this, &MeasureDatasetDialog::suggestPaths);
    connect(trainPredictor_, &QCheckBox::toggled, predictor_, &QWidget::setEnabled);
    for (QLineEdit* e : {csv_, predictor_}) connect(e, &QLineEdit::textChanged, this, &MeasureDatasetDialog::validate);
    connect(trainPredictor_, &QCheckBox::toggled, this, &MeasureDatasetDialog::validate);
    suggestPaths();
    resize(600, 420);
    validate();
}

void MeasureDatasetDialog::suggestPaths() {
    const QString base = QDir(dir_).filePath(QString("latency/%1_%2t").arg(QString::fromStdString(space_.name)).arg(threads_->value()));
    csv_->setText(base + ".csv");
    predictor_->setText(base + ".pt");
}

QString MeasureDatasetDialog::problem() const {
    if (csv_->text().isEmpty()) return tr("Choose the dataset file.");
    if (trainPredictor_->isChecked() && predictor_->text().isEmpty()) return tr("Choose the predictor file.");
    return {};
}

void MeasureDatasetDialog::validate() {
    const QString p = problem();
    problemLabel_->setText(p);
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(p.isEmpty());
}

DatasetJob MeasureDatasetDialog::job() const {
    DatasetJob j;
    j.space = space_;
    j.options.threads = threads_->value();
    j.options.warmups = warmups_->value();
    j.options.runs = runs_->value();
    j.samples = samples_->value();
    j.seed = static_cast<uint64_t>(seed_->value());
    j.csvPath = csv_->text();
    if (trainPredictor_->isChecked()) j.predictorPath = predictor_->text();
    return j;
}

}  // namespace hat::ui

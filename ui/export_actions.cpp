#include "ui/export_actions.h"

#include <QAction>
#include <QDate>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>

#include "core/export/subtransformer_file.h"
#include "core/space/gene.h"
#include "ui/limit_model.h"
#include "ui/pareto_plot.h"
#include "ui/selection_model.h"

namespace hat::ui {

QString workspaceTask(const WorkspaceInfo& info) {
    for (const DeviceRecord& d : info.devices) {
        const QString id = QString::fromStdString(d.name);
        if (id.startsWith("hat/")) return id.mid(4).section('_', 0, 0);
    }
    return QString::fromStdString(info.space.name);
}

ExportActions::ExportActions(SearchController* controller, SelectionModel* selection,
                             LimitModel* limit, ParetoPlot* plot, QWidget* dialogParent)
    : QObject(dialogParent),
      controller_(controller),
      selection_(selection),
      limit_(limit),
      plot_(plot),
      parent_(dialogParent) {
    architecture_ = new QAction(tr("Export &Architecture (YAML/JSON)..."), this);
    architecture_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    architecture_->setToolTip(
        tr("The selected SubTransformer as HAT's YAML (or JSON) with a header naming the "
           "device, its predicted latency and quality"));
    weights_ = new QAction(tr("Export Inherited &Weights..."), this);
    weights_->setToolTip(
        tr("The selected SubTransformer's weights cut from the SuperTransformer, as a dict of "
           "tensors under fairseq's names"));
    plotAction_ = new QAction(tr("Export &Plot (PNG/PDF)..."), this);
    plotAction_->setToolTip(tr("The Pareto plot as it is shown"));
    all_ = new QAction(tr("Export All &Evaluations (CSV)..."), this);
    all_->setToolTip(
        tr("Every evaluated architecture with its latency on every device, loss, BLEU, size and "
           "genes"));
    front_ = new QAction(tr("Export Pareto &Front (CSV)..."), this);
    front_->setToolTip(tr("The Pareto front on the current device, in the same CSV columns"));
    connect(architecture_, &QAction::triggered, this, &ExportActions::chooseArchitecture);
    connect(weights_, &QAction::triggered, this, &ExportActions::chooseWeights);
    connect(plotAction_, &QAction::triggered, this, &ExportActions::choosePlot);
    connect(all_, &QAction::triggered, this, [this] { choosePoints(false); });
    connect(front_, &QAction::triggered, this, [this] { choosePoints(true); });
    connect(selection_, &SelectionModel::selectionChanged, this, &ExportActions::updateEnabled);

    connect(controller_, &SearchController::weightsExported, this,
            [this](JobId job, const QString& path, qint64 n) {
                if (!pending_.erase(job)) return;
                QString line = tr("Wrote %1: %2 parameters").arg(path).arg(n);
                if (info_ && info_->widthDivisor > 1) {
                    line += tr(" (from a 1/%1-width proxy SuperTransformer: every width is the "
                               "architecture's divided by %1)")
                                .arg(info_->widthDivisor);
                }
                Q_EMIT logged(line);
                Q_EMIT exported(path);
            });
    connect(controller_, &SearchController::fileExported, this,
            [this](JobId job, const QString& path) {
                if (!pending_.erase(job)) return;
                Q_EMIT logged(tr("Wrote %1").arg(path));
                Q_EMIT exported(path);
            });
    connect(
        controller_, &SearchController::failed, this, [this](JobId job, const QString& message) {
            const auto it = pending_.find(job);
            if (it == pending_.end()) return;
            const QString path = it->second;
            pending_.erase(it);
            Q_EMIT failed(tr("Export failed"), tr("Could not write %1:\n%2").arg(path, message));
        });
    updateEnabled();
}

void ExportActions::addTo(QMenu* menu) {
    for (QAction* a : {architecture_, weights_, plotAction_, all_, front_}) menu->addAction(a);
}

void ExportActions::updateEnabled() {
    const bool selected = selection_->selected().has_value() && info_;
    architecture_->setEnabled(selected);
    weights_->setEnabled(selected);
}

QString ExportActions::startDir() const { return info_ ? info_->dir : QDir::homePath(); }

SubTransformerExportInfo ExportActions::exportInfo() const {
    SubTransformerExportInfo e;
    e.device = device_.toStdString();
    if (info_) {
        e.supernet = QFileInfo(info_->checkpoint).fileName().toStdString();
        e.widthDivisor = info_->widthDivisor;
    }
    e.date = QDate::currentDate().toString(Qt::ISODate).toStdString();
    if (const auto& g = selection_->selected()) {
        for (const EvaluatedPoint& p : plot_->points()) {
            if (p.gene != *g) continue;
            e.latencyMs = p.latencyMs;
            e.latencyUpperMs = p.latencyUpperMs;
            e.validLoss = p.validLoss;
            e.bleu = p.bleu;
            break;
        }
    }
    return e;
}

QString ExportActions::suggestedName(const QString& extension) const {
    if (!info_) return "subtransformer." + extension;
    return QString::fromStdString(
        hatFileName(workspaceTask(*info_).toStdString(), exportInfo(), extension.toStdString()));
}

bool ExportActions::exportArchitecture(const QString& path, QString* error) {
    if (!selection_->selected() || !info_) {
        if (error) *error = tr("No architecture is selected");
        return false;
    }
    const SubConfig c = geneToConfig(*selection_->selected(), info_->space).trimmed();
    const bool json = QFileInfo(path).suffix().compare("json", Qt::CaseInsensitive) == 0;
    try {
        const SubTransformerExportInfo e = exportInfo();
        writeFileAtomically(path.toStdString(),
                            json ? subTransformerJson(c, e) : subTransformerYaml(c, e));
    } catch (const std::exception& ex) {
        if (error) *error = QString::fromStdString(ex.what());
        return false;
    }
    Q_EMIT logged(tr("Exported architecture to %1").arg(path));
    Q_EMIT exported(path);
    return true;
}

bool ExportActions::exportPlot(const QString& path, QString* error) {
    const bool pdf = QFileInfo(path).suffix().compare("pdf", Qt::CaseInsensitive) == 0;
    const bool ok = pdf ? plot_->savePdf(path) : plot_->savePng(path, 0, 0, 2.0);
    if (!ok) {
        if (error) *error = tr("%1: could not write the plot").arg(path);
        return false;
    }
    Q_EMIT logged(tr("Exported plot to %1").arg(path));
    Q_EMIT exported(path);
    return true;
}

JobId ExportActions::exportWeights(const QString& path) {
    if (!selection_->selected() || !info_) return 0;
    const JobId id = controller_->exportWeights(*selection_->selected(), path);
    pending_[id] = path;
    Q_EMIT logged(tr("Exporting inherited weights to %1 …").arg(path));
    return id;
}

JobId ExportActions::exportPointsCsv(const QString& path, bool frontOnly) {
    if (!info_ || device_.isEmpty()) return 0;
    const JobId id = controller_->exportPointsCsv(device_, frontOnly, limit_->useUpper(), path);
    pending_[id] = path;
    return id;
}

void ExportActions::chooseArchitecture() {
    const QString path = QFileDialog::getSaveFileName(
        parent_, tr("Export Architecture"), QDir(startDir()).filePath(suggestedName("yml")),
        tr("HAT YAML (*.yml *.yaml);;JSON (*.json)"));
    if (path.isEmpty()) return;
    QString err;
    if (!exportArchitecture(path, &err)) Q_EMIT failed(tr("Export failed"), err);
}

void ExportActions::chooseWeights() {
    const QString path = QFileDialog::getSaveFileName(
        parent_, tr("Export Inherited Weights"), QDir(startDir()).filePath(suggestedName("pt")),
        tr("Tensor dicts (*.pt)"));
    if (!path.isEmpty()) exportWeights(path);
}

void ExportActions::choosePlot() {
    const QString path = QFileDialog::getSaveFileName(parent_, tr("Export Plot"),
                                                      QDir(startDir()).filePath("pareto.png"),
                                                      tr("PNG image (*.png);;PDF (*.pdf)"));
    if (path.isEmpty()) return;
    QString err;
    if (!exportPlot(path, &err)) Q_EMIT failed(tr("Export failed"), err);
}

void ExportActions::choosePoints(bool frontOnly) {
    const QString name = frontOnly ? "pareto_front.csv" : "evaluations.csv";
    const QString path = QFileDialog::getSaveFileName(
        parent_, frontOnly ? tr("Export Pareto Front") : tr("Export Evaluations"),
        QDir(startDir()).filePath(name), tr("CSV (*.csv)"));
    if (!path.isEmpty()) exportPointsCsv(path, frontOnly);
}

}  // namespace hat::ui

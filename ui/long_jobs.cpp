#include "ui/long_jobs.h"

#include "core/latency/dataset_tail.h"
#include "core/latency/latency_dataset.h"
#include "core/latency/latency_predictor.h"
#include "core/workspace/workspace.h"
#include "core/train/training_record.h"
#include "core/util/error.h"

namespace hat::ui {

namespace {
QString q(const std::string& s) { return QString::fromStdString(s); }
}  // namespace

QString measurementSummary(const QString& device, const MeasurementRecord& m) {
    const double measured = m.totalMs();
    const bool inside = m.lowerMs <= measured && measured <= m.upperMs;
    const double errPct = measured > 0 ? (m.predictedMs - measured) / measured * 100.0 : 0.0;
    return QObject::tr("%1: measured %2 ms (encoder %3 + decoder %4), predicted %5 ms (%6%7%), "
                       "90% interval %8–%9 ms: %10")
        .arg(device)
        .arg(measured, 0, 'f', 1)
        .arg(m.encoderMs, 0, 'f', 1)
        .arg(m.decoderMs, 0, 'f', 1)
        .arg(m.predictedMs, 0, 'f', 1)
        .arg(errPct >= 0 ? "+" : "")
        .arg(errPct, 0, 'f', 1)
        .arg(m.lowerMs, 0, 'f', 1)
        .arg(m.upperMs, 0, 'f', 1)
        .arg(inside ? QObject::tr("inside") : QObject::tr("outside"));
}

JobRunner::Work measureHereWork(const QString& workspaceDir, const QString& device, const Gene& gene) {
    return [dir = workspaceDir.toStdString(), device, gene](JobContext& ctx) {
        ctx.progress(-1, QObject::tr("building the full-size SubTransformer and timing it"));
        Workspace ws = Workspace::open(dir);
        const MeasurementRecord m = ws.measureHere(device.toStdString(), gene, ctx.cancelToken());
        ctx.progress(1.0, QString());
        return measurementSummary(device, m);
    };
}

JobRunner::Work measureDatasetWork(const DatasetJob& job) {
    return [job](JobContext& ctx) {
        const std::string csv = job.csvPath.toStdString();
        ctx.log(QObject::tr("protocol: %1").arg(q(protocolFor(job.options).summary())));
        const double measureShare = job.predictorPath.isEmpty() ? 1.0 : 0.85;
        const int rows = measureDataset(job.space, job.options, job.samples, job.seed, csv,
                                        ctx.cancelToken(), ctx.sink().step(0.0, measureShare));
        if (ctx.cancelled()) return QObject::tr("%1 rows kept in %2; start again to resume").arg(rows).arg(job.csvPath);
        QString message = QObject::tr("%1 rows in %2").arg(rows).arg(job.csvPath);
        // measureDataset replaces an unfinished last row only when it measures more, and a
        // second writer on the same file may be mid-row now: parse leaves that one line out, and
        // the job says so. A malformed row anywhere else is refused by parse, naming its line.
        const std::string text = readDatasetText(csv);
        const TornRow torn = findTornRow(text);
        if (torn) {
            ctx.log(q(tornRowNote(csv, torn)));
            message += QObject::tr(" (an unfinished row at line %1 left out)").arg(torn.line);
        }
        if (job.predictorPath.isEmpty()) return message;

        const LatencyDataset data = LatencyDataset::parse(text, csv);
        PredictorTrainOptions po;
        po.progress = ctx.sink().step(measureShare, 1.0);
        po.cancel = ctx.cancelToken();
        LatencyPredictor p = LatencyPredictor::train(data, po);
        p.setSpace(job.space);
        p.save(job.predictorPath.toStdString());
        const PredictionReport r = p.heldOutReport();
        message += QObject::tr("; predictor %1: held-out RMSE %2 ms, within ±10% %3%, 90% interval covers %4%")
                       .arg(job.predictorPath)
                       .arg(r.rmseMs, 0, 'f', 1)
                       .arg(r.within10Pct, 0, 'f', 1)
                       .arg(r.coveragePct, 0, 'f', 1);
        return message;
    };
}

namespace {
struct JobTrainObserver : TrainObserver {
    JobContext* ctx;
    void onValidation(const TrainValidation& v) override {
        ctx->log(QObject::tr("validation at update %1: largest %2, smallest %3 bits/token")
                     .arg(v.update)
                     .arg(v.largestLoss, 0, 'f', 3)
                     .arg(v.smallestLoss, 0, 'f', 3));
    }
    void onMessage(const std::string& m) override { ctx->log(q(m)); }
};
}  // namespace

JobRunner::Work trainWork(const TrainOptions& options) {
    return [options](JobContext& ctx) {
        // The record a workspace reads to find the corpus and dictionary (File > New Workspace).
        writeTrainingRecord(options);
        JobTrainObserver obs;
        obs.ctx = &ctx;
        const TrainResult r = trainSuperTransformer(options, &obs, ctx.cancelToken(), ctx.sink());
        const QString where = q(options.outDir + "/checkpoint_last.pt");
        if (r.cancelled) return QObject::tr("stopped at update %1; checkpoint saved in %2").arg(r.updates).arg(where);
        return QObject::tr("%1 updates; valid loss largest %2, smallest %3 bits; checkpoint %4")
            .arg(r.updates)
            .arg(r.lastValidation.largestLoss, 0, 'f', 3)
            .arg(r.lastValidation.smallestLoss, 0, 'f', 3)
            .arg(where);
    };
}

}  // namespace hat::ui

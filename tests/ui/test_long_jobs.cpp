// Tools in the real window: "measure this architecture here" lands in Predictor Trust and the
// workspace; a latency dataset and a SuperTransformer training run as long jobs with progress,
// a working Cancel and resume; a job that fails shows a dialog naming the file; the dialogs check
// their forms. Screenshots of the Jobs dock, the trust plot and both dialogs.
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStatusBar>
#include <QStandardPaths>
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "core/latency/latency_dataset.h"
#include "core/workspace/workspace.h"
#include "core/space/gene.h"
#include "ui/active_window.h"
#include "ui/job_dialogs.h"
#include "ui/jobs_controller.h"
#include "ui/jobs_panel.h"
#include "ui/main_window.h"
#include "ui/selection_model.h"
#include "ui/trust_plot.h"
#include "screenshots.h"
#include "ui_fixture.h"

using namespace hat;
using namespace hat::ui;

namespace {

// The finished signal of job `id` as (ok, cancelled, message), waiting up to `ms`.
struct Ending {
    bool ok = false, cancelled = false;
    QString message;
};
Ending waitForJob(QSignalSpy& finished, LongJobId id, int ms) {
    Ending e;
    QDeadlineTimer deadline(ms);
    while (!deadline.hasExpired()) {
        for (const auto& args : finished) {
            if (args.at(0).value<LongJobId>() == id) {
                e.ok = args.at(1).toBool();
                e.cancelled = args.at(2).toBool();
                e.message = args.at(3).toString();
                return e;
            }
        }
        QTest::qWait(50);
    }
    e.message = "timed out";
    return e;
}

// A measurement protocol small enough for a test: the full-size space0 model, but 4 source
// tokens, 3 decoder steps at beam 1 and a 64-symbol output layer.
MeasureOptions tinyProtocol() {
    MeasureOptions o;
    o.threads = 1;
    o.warmups = 0;
    o.runs = 1;
    o.srcLen = 4;
    o.tgtLen = 3;
    o.beam = 1;
    o.vocab = 64;
    return o;
}
}  // namespace

class TestLongJobs : public QObject {
    Q_OBJECT
private:
    QTemporaryDir tmp;
    hat::test::UiWorkspace fixture;
    std::unique_ptr<MainWindow> w;
    std::unique_ptr<QSignalSpy> finished;
    std::string corpus;  // the fixture's 60 pairs as train and valid split

    TrainOptions tinyTraining(const QString& out) const {
        TrainOptions o;
        o.corpusDir = corpus;
        o.dictionary = corpus + "/dict.txt";
        o.space = fixture.space;
        o.widthDivisor = 16;
        o.outDir = out.toStdString();
        o.maxUpdates = 2;
        o.maxTokens = 256;
        o.warmupUpdates = 1;
        o.validateEvery = 1000;
        o.checkpointEvery = 1000;
        o.maxValidBatches = 1;
        o.threads = 1;
        return o;
    }

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(tmp.isValid());
        fixture.build(tmp);
        corpus = tmp.filePath("corpus").toStdString();
        for (const char* lang : {"en", "de"}) {
            std::filesystem::copy_file(corpus + "/valid." + lang, corpus + "/train." + lang);
        }
        w = std::make_unique<MainWindow>();
        w->resize(1400, 900);
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w.get()));
        QVERIFY(hat::test::activate(w.get()));
        finished = std::make_unique<QSignalSpy>(w->jobs()->runner(), &JobRunner::finished);
        w->openWorkspace(QString::fromStdString(fixture.workspaceDir));
        QTRY_VERIFY_WITH_TIMEOUT(w->workspaceOpen(), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(w->trustPlot()->trust().device, QString("local/1t"), 30000);
    }

    void timeLeftOfAResumedJobCountsFromWhereItResumed() {
        // A job that starts half done (a resumed training run) and then does 5% in 3.2 s has
        // about 29 s left, not the 3 s that timing from zero would claim.
        JobRunner runner;
        QSignalSpy progressed(&runner, &JobRunner::progressed);
        QSignalSpy done(&runner, &JobRunner::finished);
        runner.start("resumed", [](JobContext& ctx) {
            ctx.progress(0.5, "resumed");
            QThread::msleep(3200);
            ctx.progress(0.55, "later");
            return QString("ok");
        });
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 20000);
        QCOMPARE(progressed.count(), 2);
        QCOMPARE(progressed.at(0).at(2).toDouble(), -1.0);  // no estimate from one report
        const double left = progressed.at(1).at(2).toDouble();
        QVERIFY2(left >= 3.2 / 0.05 * 0.45 * 0.99, qPrintable(QString::number(left)));
        QCOMPARE(done.at(0).at(3).toString(), QString("ok"));
        QVERIFY(done.at(0).at(1).toBool());
    }

    void measureHereNeedsASelection() {
        w->selection()->select(std::nullopt);
        QCOMPARE(w->jobs()->measureSelectedHere(), LongJobId(0));
        QVERIFY(w->statusBar()->currentMessage().contains("Select an architecture first"));
    }

    void measureHereFromTheKeyboardLandsInPredictorTrust() {
        const Gene gene = configToGene(SubConfig::smallest(fixture.space), fixture.space);
        w->selection()->select(gene);
        QCOMPARE(w->trustPlot()->measuredHere(), 0);
        QSignalSpy started(w->jobs()->runner(), &JobRunner::started);
        w->activateWindow();
        QTest::keyClick(w.get(), Qt::Key_M, Qt::ControlModifier);  // Tools > Measure Selected Architecture Here
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 5000);
        const LongJobId id = started.at(0).at(0).value<LongJobId>();
        QVERIFY(w->jobs()->dock()->isVisible());
        QVERIFY(w->jobs()->panel()->cancelButton(id) != nullptr);
        const Ending e = waitForJob(*finished, id, 120000);
        QVERIFY2(e.ok, qPrintable(e.message));
        QVERIFY2(e.message.startsWith("local/1t: measured "), qPrintable(e.message));

        // Stored in the workspace, against what the predictor says about the same gene.
        Workspace ws = Workspace::open(fixture.workspaceDir);
        const auto stored = ws.measurements("local/1t");
        QCOMPARE(static_cast<int>(stored.size()), 1);
        QCOMPARE(stored[0].gene, canonicalGene(gene, fixture.space));
        QCOMPARE(stored[0].predictedMs, ws.latency("local/1t", stored[0].gene).ms);
        QVERIFY(e.message.contains(QString::number(stored[0].totalMs(), 'f', 1) + " ms"));
        // The trust plot asks again and draws it.
        QTRY_COMPARE_WITH_TIMEOUT(w->trustPlot()->measuredHere(), 1, 30000);
        QVERIFY(w->trustPlot()->summary().contains("Measured here: 1"));
        QVERIFY(w->jobs()->panel()->statusText(id).startsWith("Done"));
        QVERIFY(w->trustPlot()->grab().save(screenshotDir() + "/trust_plot_measured_here.png"));
    }

    void datasetMeasurementResumesAndCancels() {
        DatasetJob job;
        job.space = fixture.space;
        job.options = tinyProtocol();
        job.samples = 3;
        job.csvPath = tmp.filePath("latency/tiny.csv");  // the folder does not exist yet
        LongJobId id = w->jobs()->measureLatencyDataset(job);
        Ending e = waitForJob(*finished, id, 120000);
        QVERIFY2(e.ok, qPrintable(e.message));
        QCOMPARE(static_cast<int>(LatencyDataset::load(job.csvPath.toStdString()).size()), 3);

        // Longer run of the same file: resumes after row 3, then is cancelled from the Jobs dock.
        job.samples = 100000;
        id = w->jobs()->measureLatencyDataset(job);
        QProgressBar* bar = w->jobs()->panel()->progressBar(id);
        QVERIFY(bar != nullptr);
        QTRY_VERIFY_WITH_TIMEOUT(bar->maximum() == 1000 && bar->value() >= 0 &&
                                     w->jobs()->panel()->statusText(id).contains("measured"), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(LatencyDataset::load(job.csvPath.toStdString()).size() >= 5, 60000);
        QVERIFY(w->jobs()->dock()->grab().save(screenshotDir() + "/jobs_dock.png"));
        QTest::mouseClick(w->jobs()->panel()->cancelButton(id), Qt::LeftButton);
        e = waitForJob(*finished, id, 60000);
        QVERIFY(!e.ok);
        QVERIFY(e.cancelled);
        QVERIFY2(e.message.contains("start again to resume"), qPrintable(e.message));
        const auto rows = LatencyDataset::load(job.csvPath.toStdString());
        QVERIFY(rows.size() >= 5 && rows.size() < 100000);
        QVERIFY(w->jobs()->panel()->statusText(id).startsWith("Cancelled"));
        QVERIFY(!w->jobs()->panel()->cancelButton(id)->isVisible());
    }

    void anUnfinishedLastRowIsLeftOutAndSaidSo() {
        // A dataset already complete but for a torn last row (a kill, or a second writer mid-row):
        // the job measures nothing more, leaves exactly that line out, names it, and leaves the
        // file alone; a malformed row before the end fails the job naming its line.
        DatasetJob job;
        job.space = fixture.space;
        job.options = tinyProtocol();
        job.samples = 2;
        job.csvPath = tmp.filePath("latency/torn.csv");
        const std::string csv = job.csvPath.toStdString();
        Ending e = waitForJob(*finished, w->jobs()->measureLatencyDataset(job), 120000);
        QVERIFY2(e.ok, qPrintable(e.message));
        QCOMPARE(e.message, QString("2 rows in %1").arg(job.csvPath));
        const std::string whole = hat::test::readText(csv);
        const size_t lastRow = whole.rfind('\n', whole.size() - 2) + 1;
        const std::string torn = whole + whole.substr(lastRow, 9);  // 9 bytes of a third row
        { std::ofstream(csv, std::ios::binary | std::ios::trunc) << torn; }

        QSignalSpy logged(w->jobs()->runner(), &JobRunner::logged);
        const LongJobId id = w->jobs()->measureLatencyDataset(job);
        e = waitForJob(*finished, id, 120000);
        QVERIFY2(e.ok, qPrintable(e.message));
        QCOMPARE(e.message, QString("2 rows in %1 (an unfinished row at line 4 left out)").arg(job.csvPath));
        QStringList notes;
        for (const auto& args : logged) {
            if (args.at(0).value<LongJobId>() == id && args.at(1).toString().contains("unfinished")) {
                notes << args.at(1).toString();
            }
        }
        QCOMPARE(notes.size(), 1);
        QVERIFY2(notes[0].startsWith(job.csvPath + ":4: left out an unfinished last row (9 bytes"), qPrintable(notes[0]));
        QCOMPARE(hat::test::readText(csv), torn);

        // Row 2 of 2 broken (line 3), the file ending cleanly: refused, not skipped.
        std::string broken = whole;
        const size_t comma = broken.find(',', lastRow);
        broken.replace(lastRow, comma - lastRow, "x");
        { std::ofstream(csv, std::ios::binary | std::ios::trunc) << broken; }
        e = waitForJob(*finished, w->jobs()->measureLatencyDataset(job), 60000);
        QVERIFY(!e.ok && !e.cancelled);
        QVERIFY2(e.message.contains(job.csvPath + ":3: "), qPrintable(e.message));
        QVERIFY2(e.message.contains("not a finite number"), qPrintable(e.message));
        QCOMPARE(hat::test::readText(csv), broken);
        QMessageBox* box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((box = w->findChild<QMessageBox*>("errorDialog")) != nullptr, 10000);
        box->accept();
        QTRY_VERIFY(w->findChild<QMessageBox*>("errorDialog") == nullptr);
    }

    void trainingRunsAndStopsWithACheckpoint() {
        const QString out = tmp.filePath("train-a");
        LongJobId id = w->jobs()->trainSupernet(tinyTraining(out));
        Ending e = waitForJob(*finished, id, 120000);
        QVERIFY2(e.ok, qPrintable(e.message));
        QVERIFY2(e.message.startsWith("2 updates; valid loss largest "), qPrintable(e.message));
        QVERIFY(QFileInfo::exists(out + "/checkpoint_last.pt"));
        // The window's training leaves the record New Workspace reads to find the data.
        const auto record = hat::test::readJson((out + "/train_options.json").toStdString());
        QCOMPARE(record["width_divisor"].get<int>(), tinyTraining(out).widthDivisor);
        WorkspaceInit init;
        init.checkpoint = (out + "/checkpoint_last.pt").toStdString();
        fillFromTrainingRecord(init);
        QVERIFY(std::filesystem::equivalent(init.fitness.corpusDir, corpus));
        QVERIFY(std::filesystem::exists(init.fitness.dictionary));

        // A long run cancelled after its first updates keeps a checkpoint to resume from.
        TrainOptions longer = tinyTraining(tmp.filePath("train-b"));
        longer.maxUpdates = 1'000'000;
        id = w->jobs()->trainSupernet(longer);
        QTRY_VERIFY_WITH_TIMEOUT(w->jobs()->panel()->statusText(id).contains("update "), 60000);
        QTest::mouseClick(w->jobs()->panel()->cancelButton(id), Qt::LeftButton);
        e = waitForJob(*finished, id, 60000);
        QVERIFY(e.cancelled);
        QVERIFY2(e.message.contains("checkpoint saved"), qPrintable(e.message));
        QVERIFY(QFileInfo::exists(tmp.filePath("train-b/checkpoint_last.pt")));
    }

    void aFailingJobShowsADialogNamingTheFile() {
        TrainOptions bad = tinyTraining(tmp.filePath("train-c"));
        bad.dictionary = tmp.filePath("missing/dict.txt").toStdString();
        const LongJobId id = w->jobs()->trainSupernet(bad);
        const Ending e = waitForJob(*finished, id, 60000);
        QVERIFY(!e.ok && !e.cancelled);
        QMessageBox* box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((box = w->findChild<QMessageBox*>("errorDialog")) != nullptr, 10000);
        QVERIFY2(box->text().contains("missing/dict.txt"), qPrintable(box->text()));
        box->accept();
        QTRY_VERIFY(w->findChild<QMessageBox*>("errorDialog") == nullptr);
        QVERIFY(w->jobs()->panel()->statusText(id).startsWith("Failed"));
    }

    void trainDialogReadsTheTrainingRecordAndChecksItsForm() {
        TrainDialog dialog(w.get());
        QVERIFY(dialog.problem().contains("corpus directory does not exist"));
        QVERIFY(dialog.loadTrainingRecord(QStringLiteral(HAT_SOURCE_DIR "/data/demo/checkpoint_last.pt")));
        dialog.setOutputDirectory(tmp.filePath("from-dialog"));
        QCOMPARE(dialog.problem(), QString());
        const TrainOptions o = dialog.options();
        QCOMPARE(QDir::cleanPath(QString::fromStdString(o.corpusDir)),
                 QDir::cleanPath(QStringLiteral(HAT_SOURCE_DIR "/data/corpus/en-de")));
        QCOMPARE(o.widthDivisor, 8);
        QCOMPARE(o.space.name, std::string("space0"));
        QCOMPARE(samplingName(o.sampling), std::string("sandwich"));
        dialog.show();
        QVERIFY(dialog.grab().save(screenshotDir() + "/train_dialog.png"));
    }

    void datasetDialogSuggestsFilesPerThreadCount() {
        MeasureDatasetDialog dialog(fixture.space, tmp.path(), w.get());
        DatasetJob j = dialog.job();
        QCOMPARE(j.options.threads, 1);
        QCOMPARE(j.samples, 300);
        QCOMPARE(j.csvPath, tmp.filePath("latency/space0_1t.csv"));
        QCOMPARE(j.predictorPath, tmp.filePath("latency/space0_1t.pt"));
        dialog.show();
        QVERIFY(dialog.grab().save(screenshotDir() + "/measure_dataset_dialog.png"));
    }

    void cleanupTestCase() {
        QVERIFY(w->jobs()->runner()->waitForAll(60000));
        w.reset();
    }
};

QTEST_MAIN(TestLongJobs)
#include "test_long_jobs.moc"

// `hat search` with HAT's population of 125, killed with SIGKILL while generation 0 is being scored
// (some of its evaluations in the database, no generation yet), continues with `hat search
// --resume RUN` and ends with exactly the final population of an uninterrupted run with the same
// seed on a copy of the workspace, recomputing none of the evaluations stored before the kill. Of
// two `--resume` of that run started together, one runs it and the other is refused with one line
// naming the run, the host and the process that has it.
#include <QElapsedTimer>
#include <QProcess>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include "core/store/workspace_db.h"
#include "core/workspace/workspace.h"
#include "support/fixtures.h"
#include "support/hat_process.h"
#include "support/tiny_supernet.h"
#include "support/tiny_workspace.h"

using namespace hat;
using namespace hat::test;

namespace {
constexpr int kPopulation = 125;  // HAT's: generation 0 is the longest step of a search
constexpr int kGenerations = 2;   // three populations are scored

using Run = HatRun;

QStringList searchArgs(const QString& ws) {
    return {"search", "--workspace", ws, "--device", "raspberrypi", "--max-latency-ms", "6000",
            "--seed", "3", "--generations", QString::number(kGenerations),
            "--population", QString::number(kPopulation), "--parents", "25", "--mutations", "50",
            "--crossovers", "50", "--cold", "--threads", "1", "--json"};
}
QStringList resumeArgs(const QString& ws) { return {"search", "--workspace", ws, "--resume", "1", "--json"}; }

std::string database(const QString& ws) { return (ws + "/workspace.db").toStdString(); }
}  // namespace

class TestKillResume : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir;
    QString killed, whole;

private Q_SLOTS:
    void initTestCase() {
        const TinySupernet tiny = makeTinySupernet(dir.path().toStdString(), 60, 8);
        WorkspaceInit in = tinyWorkspaceInit(tiny, dir.filePath("killed").toStdString());
        in.deviceIds = {"hat/wmt14ende_cpu_raspberrypi"};
        in.fitness.sentences = 10;  // a few tens of ms per evaluation: the test stays near half a minute
        Workspace::init(in);
        killed = dir.filePath("killed");
        whole = dir.filePath("whole");
        Workspace::copy(killed.toStdString(), whole.toStdString());
    }

    void killedInGenerationZeroResumesToTheSamePopulation() {
        QElapsedTimer clock;
        clock.start();
        const Run ref = runHat(searchArgs(whole));
        QVERIFY2(ref.code == 0, qPrintable(ref.err));
        const auto want = nlohmann::json::parse(ref.out.toStdString());
        QCOMPARE(want["generations"].get<int>(), kGenerations + 1);
        const qint64 refMs = clock.elapsed();

        // The same search, killed once a tenth of generation 0 is stored.
        QProcess p;
        startHat(p, searchArgs(killed));
        QVERIFY(p.waitForStarted());
        const qint64 killedPid = p.processId();
        int64_t seen = 0;
        {
            WorkspaceDb db = WorkspaceDb::open(database(killed));
            QElapsedTimer t;
            t.start();
            // The first SuperTransformer and fitness set of a new workspace are ids 1 and 1.
            while (seen < kPopulation / 10 && t.elapsed() < 120000 && p.state() == QProcess::Running) {
                QTest::qWait(5);
                seen = db.evaluationCount(1, 1);
            }
        }
        QVERIFY2(p.state() == QProcess::Running, "the search ended before it could be killed");
        p.kill();  // SIGKILL: no handler, no cleanup
        QVERIFY(p.waitForFinished());
        QCOMPARE(p.exitStatus(), QProcess::CrashExit);
        int64_t stored = 0;
        {
            WorkspaceDb db = WorkspaceDb::open(database(killed));
            stored = db.evaluationCount(1, 1);
            QCOMPARE(db.generationCount(1), 0);
            const auto run = db.run(1);
            QVERIFY(run.has_value());
            QCOMPARE(run->status, std::string("running"));  // as the kill left it; shown as interrupted
            QVERIFY(run->owner.has_value());
            QCOMPARE(run->owner->pid, int64_t(killedPid));
        }
        QVERIFY2(stored >= kPopulation / 10 && stored < kPopulation, qPrintable(QString::number(stored)));
        qInfo("evaluations of generation 0 stored before the kill: %lld of %d", static_cast<long long>(stored),
              kPopulation);

        // Two resumes at once: one takes the run over from the dead process, the other is refused.
        QProcess a, b;
        startHat(a, resumeArgs(killed));
        startHat(b, resumeArgs(killed));
        QVERIFY(a.waitForStarted() && b.waitForStarted());
        const qint64 pidA = a.processId(), pidB = b.processId();
        const Run ra = finishHat(a), rb = finishHat(b);
        QVERIFY2((ra.code == 0) != (rb.code == 0), qPrintable(ra.err + "\n---\n" + rb.err));
        const Run& won = ra.code == 0 ? ra : rb;
        const Run& lost = ra.code == 0 ? rb : ra;
        const qint64 winner = ra.code == 0 ? pidA : pidB;
        QCOMPARE(lost.code, 2);
        QCOMPARE(lost.err.count('\n'), 1);
        const QString refusal = QString("%1: search run 1 is already running (process %2 on host %3, heartbeat ")
                                    .arg(killed + "/workspace.db").arg(winner).arg(QSysInfo::machineHostName());
        QVERIFY2(lost.err.contains(refusal), qPrintable(lost.err + "\nwanted: " + refusal));
        QVERIFY(lost.out.isEmpty());

        // The resumed run ends as the uninterrupted one, reusing what was stored before the kill.
        const auto got = nlohmann::json::parse(won.out.toStdString());
        QCOMPARE(got["run_id"].get<int>(), 1);
        QCOMPARE(got["generations"].get<int>(), kGenerations + 1);
        QCOMPARE(got["gene"], want["gene"]);
        QCOMPARE(got["valid_loss"].get<double>(), want["valid_loss"].get<double>());
        QCOMPARE(got["evaluations_computed"].get<int64_t>() + stored, want["evaluations_computed"].get<int64_t>());
        WorkspaceDb wdb = WorkspaceDb::open(database(whole)), kdb = WorkspaceDb::open(database(killed));
        QCOMPARE(kdb.generationCount(1), kGenerations + 1);
        const auto mine = kdb.generationMembers(1, kGenerations), theirs = wdb.generationMembers(1, kGenerations);
        QCOMPARE(mine.size(), size_t(kPopulation));
        QCOMPARE(mine.size(), theirs.size());
        for (size_t i = 0; i < theirs.size(); ++i) {
            QCOMPARE(mine[i].gene, theirs[i].gene);
            QCOMPARE(mine[i].fitness, theirs[i].fitness);
            QCOMPARE(mine[i].latency.ms, theirs[i].latency.ms);
        }
        QCOMPARE(kdb.evaluationCount(1, 1), wdb.evaluationCount(1, 1));
        QCOMPARE(kdb.run(1)->status, std::string("finished"));
        QVERIFY(!kdb.run(1)->owner);
        qInfo("uninterrupted run %.1f s, whole test %.1f s", refMs / 1000.0, clock.elapsed() / 1000.0);
    }
};

QTEST_GUILESS_MAIN(TestKillResume)
#include "test_kill_resume.moc"

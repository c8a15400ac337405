// Who runs a search run: this process as an owner, when an owner counts as dead (gone from this
// host, or silent past the stale limit anywhere), the status a run is shown with, and the
// heartbeat thread that keeps a live owner fresh and notices a takeover.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <thread>

#include "core/store/workspace_db.h"
#include "core/workspace/run_owner.h"
#include "support/fixtures.h"

using namespace hat;
using namespace hat::test;

class TestRunOwner : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir;

private Q_SLOTS:
    void thisProcessIsAliveAndNamed() {
        const RunOwner me = thisProcess();
        QCOMPARE(me.pid, int64_t(getpid()));
        char host[256] = {};
        QCOMPARE(gethostname(host, sizeof host - 1), 0);
        QCOMPARE(me.host, std::string(host));
        QVERIFY(std::abs(me.heartbeat - double(std::time(nullptr))) < 2.0);
        QVERIFY(processAlive(me.pid));
        QVERIFY(processAlive(1));  // init: another user's process counts as alive
        QVERIFY(!processAlive(0));
        QVERIFY(!processAlive(-3));
        // A process that was killed (and reaped) is gone.
        QProcess child;
        child.start("sleep", {"30"});
        QVERIFY(child.waitForStarted());
        const int64_t pid = child.processId();
        QVERIFY(pid > 0 && processAlive(pid));
        child.kill();
        QVERIFY(child.waitForFinished());
        QVERIFY(!processAlive(pid));
    }
    void anOwnerIsDeadWhenGoneHereOrSilentAnywhere() {
        const RunOwner me{getpid(), "here", 10000.0};
        const int64_t gone = 0x7ffffff0;
        QVERIFY(!processAlive(gone));
        // On this host: the process decides while the heartbeat is fresh.
        QVERIFY(!ownerIsDead({me.pid, "here", 9990.0}, me));
        QVERIFY(ownerIsDead({gone, "here", 9999.0}, me));
        // Elsewhere the process cannot be asked: only the heartbeat says.
        QVERIFY(!ownerIsDead({gone, "there", 10000.0 - kStaleSeconds}, me));
        QVERIFY(ownerIsDead({gone, "there", 10000.0 - kStaleSeconds - 0.5}, me));
        // A live pid whose heartbeat stopped long ago is another program (a reused pid) or a
        // copied workspace: dead too.
        QVERIFY(ownerIsDead({me.pid, "here", 10000.0 - kStaleSeconds - 1}, me));
        QVERIFY(!ownerIsDead({gone, "there", 9000.0}, me, 2000.0));  // the limit is a parameter
    }
    void describesOwnersAndShowsInterruptedRuns() {
        QCOMPARE(describeOwner({77, "lab-3", 100.0}, 104.4), std::string("process 77 on host lab-3, heartbeat 4 s ago"));
        QCOMPARE(describeOwner({77, "lab-3", 100.0}, 99.0), std::string("process 77 on host lab-3, heartbeat 0 s ago"));
        const RunOwner me = thisProcess();
        RunRecord r;
        r.status = "running";
        QCOMPARE(shownStatus(r, me), std::string("interrupted"));  // no owner: from before schema 4
        r.owner = RunOwner{me.pid, me.host, me.heartbeat};
        QCOMPARE(shownStatus(r, me), std::string("running"));
        r.owner->pid = 0x7ffffff0;
        QCOMPARE(shownStatus(r, me), std::string("interrupted"));
        for (const char* s : {"finished", "cancelled", "failed"}) {
            r.status = s;
            QCOMPARE(shownStatus(r, me), std::string(s));
        }
    }
    void theHeartbeatBeatsUntilTheRunIsTakenOver() {
        const std::string path = dir.filePath("beat.db").toStdString();
        WorkspaceDb db = WorkspaceDb::open(path, true);
        const int64_t dev = db.addDevice({0, "d", "local", "test", ""});
        RunOwner me = thisProcess();
        me.heartbeat = 1000.0;  // long ago: every beat moves it to now
        const int64_t run = db.createRun({0, dev, 20.0, 1, "{}", "running", me});
        {
            RunHeartbeat beat(path, run, me, 0.02);
            QTRY_VERIFY_WITH_TIMEOUT(beat.beats() >= 3, 10000);
            const double seen = db.run(run)->owner->heartbeat;
            QVERIFY(std::abs(seen - unixSeconds()) < 5.0);
            QVERIFY(!beat.lost());
            // Another process takes the run over: the next beat notices and stops.
            QVERIFY(db.claimRun(run, {4242, "elsewhere", 2000.0}, [](const RunOwner&) { return true; }).claimed);
            QTRY_VERIFY_WITH_TIMEOUT(beat.lost(), 10000);
            const int beats = beat.beats();
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            QCOMPARE(beat.beats(), beats);
        }
        QCOMPARE(db.run(run)->owner->pid, int64_t(4242));
        QCOMPARE(db.run(run)->owner->heartbeat, 2000.0);  // never touched by the old owner
        // Stopping is prompt however long the interval.
        const auto start = std::chrono::steady_clock::now();
        { RunHeartbeat slow(path, run, me, 3600.0); }
        QVERIFY(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    }
};

QTEST_GUILESS_MAIN(TestRunOwner)
#include "test_run_owner.moc"

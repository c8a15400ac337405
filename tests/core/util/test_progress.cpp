// The progress and cancel protocol every long job uses: time left from the rate since the first
// report (a resumed job starts part-way), steps of a job sharing one estimate, Cancelled.
#include <QtTest>

#include "core/util/progress.h"

using namespace hat;

class TestProgress : public QObject {
    Q_OBJECT
  private Q_SLOTS:
    void timeLeftCountsFromTheFirstReport() {
        double now = 100.0;
        std::vector<ProgressUpdate> seen;
        const ProgressSink sink([&](const ProgressUpdate& u) { seen.push_back(u); }, [&] { return now; });
        sink.report(0.5, "resumed");  // half done already: no rate from one report
        now += 2.0;
        sink.report(0.52, "too early");  // under kSettleSeconds: not shown
        now += 2.0;
        sink.report(0.55, "later");  // 5% in 4 s: 45% take 36 s, not the 3.3 s timing from 0 says
        now += 1.0;
        sink.report(-1.0, "busy");  // no fraction, no estimate
        QCOMPARE(seen.size(), size_t(4));
        QCOMPARE(seen[0].secondsLeft, -1.0);
        QCOMPARE(seen[1].secondsLeft, -1.0);
        QVERIFY(std::abs(seen[2].secondsLeft - 36.0) < 1e-9);
        QCOMPARE(seen[2].fraction, 0.55);
        QCOMPARE(seen[2].message, std::string("later"));
        QCOMPARE(seen[3].fraction, -1.0);
        QCOMPARE(seen[3].secondsLeft, -1.0);
        sink.report(1.0, "done");
        QCOMPARE(seen.back().secondsLeft, -1.0);  // nothing left to estimate
    }

    void stepsMapIntoTheWholeJob() {
        double now = 0.0;
        std::vector<ProgressUpdate> seen;
        const ProgressSink job([&](const ProgressUpdate& u) { seen.push_back(u); }, [&] { return now; });
        const ProgressSink measure = job.step(0.0, 0.8), train = job.step(0.8, 1.0);
        measure.report(0.0, "m");
        now = 8.0;
        measure.report(0.5, "m");  // 40% of the job in 8 s
        QCOMPARE(seen.back().fraction, 0.4);
        QVERIFY(std::abs(seen.back().secondsLeft - 12.0) < 1e-9);
        train.report(0.5, "t");
        QCOMPARE(seen.back().fraction, 0.9);
        const ProgressSink inner = train.step(0.5, 1.0);  // steps nest
        inner.report(0.0, "i");
        QCOMPARE(seen.back().fraction, 0.9);
        ProgressSink().report(0.5, "nowhere");  // a default sink reports nowhere
        QCOMPARE(seen.size(), size_t(4));
        measure.report(7.0, "clamped");
        QCOMPARE(seen.back().fraction, 0.8);
    }

    void cancellationIsItsOwnException() {
        CancelToken t;
        QVERIFY(!isCancelled(&t) && !isCancelled(nullptr));
        t.throwIfCancelled();
        t.cancel();
        QVERIFY(isCancelled(&t));
        bool caught = false;
        try {
            t.throwIfCancelled();
        } catch (const Cancelled&) {
            caught = true;
        }
        QVERIFY(caught);
    }
};

QTEST_APPLESS_MAIN(TestProgress)
#include "test_progress.moc"

// LimitModel and the LimitWidget over it: per-device ranges and values, the middle as default,
// values remembered per device, typed values never cut to the range, moves against commits, the
// infeasible and "everything fits" messages, undo.
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSlider>
#include <QUndoStack>
#include <QtTest>

#include "ui/limit_model.h"
#include "ui/limit_widget.h"

using namespace hat::ui;

class TestLimitModel : public QObject {
    Q_OBJECT
  private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }

    void eachDeviceStartsInTheMiddleOfItsOwnRange() {
        LimitModel m;
        m.setRange("pi", {3300.0, 9100.0}, {3500.0, 9900.0});
        m.setRange("gpu", {40.0, 180.0}, {45.0, 200.0});
        QVERIFY(!m.hasCurrent());
        m.setCurrent("pi");
        QCOMPARE(m.range().lo, 3300.0);
        QCOMPARE(m.range().hi, 9100.0);
        QCOMPARE(m.value(), 6200.0);
        m.setCurrent("gpu");
        QCOMPARE(m.value(), 110.0);
        m.setUseUpper(true);
        QCOMPARE(m.range().lo, 45.0);
        QCOMPARE(m.range().hi, 200.0);
        QCOMPARE(m.value(), 110.0);  // the value stays; only what it bounds changed
    }

    void valuesAreRememberedPerDeviceOnCommitOnly() {
        {
            LimitModel m;
            m.setSettingsGroup("test/limits");
            m.setRange("hat/wmt14ende_cpu_raspberrypi", {3300.0, 9100.0}, {3500.0, 9900.0});
            m.setRange("local/1t", {300.0, 1300.0}, {330.0, 1400.0});
            m.setCurrent("hat/wmt14ende_cpu_raspberrypi");
            m.setValue(4000.0);  // a drag in progress is not remembered
            m.setCurrent("local/1t");
            m.setAndCommit(512.5);
        }
        LimitModel again;
        again.setSettingsGroup("test/limits");
        again.setRange("hat/wmt14ende_cpu_raspberrypi", {3300.0, 9100.0}, {3500.0, 9900.0});
        again.setRange("local/1t", {300.0, 1300.0}, {330.0, 1400.0});
        again.setCurrent("local/1t");
        QCOMPARE(again.value(), 512.5);
        again.setCurrent("hat/wmt14ende_cpu_raspberrypi");
        QCOMPARE(again.value(), 6200.0);
    }

    void movesAndCommitsAreSeparate() {
        LimitModel m;
        m.setRange("d", {100.0, 200.0}, {110.0, 220.0});
        m.setCurrent("d");
        QSignalSpy moved(&m, &LimitModel::valueChanged), committed(&m, &LimitModel::committed);
        m.setValue(120.0);
        m.setValue(130.0);
        QCOMPARE(moved.count(), 2);
        QCOMPARE(committed.count(), 0);
        m.commit();
        m.commit();  // nothing new: no second re-search
        QCOMPARE(committed.count(), 1);
        QCOMPARE(committed.at(0).at(0).toDouble(), 130.0);
        QCOMPARE(m.committedValue(), 130.0);
    }

    void outOfRangeValuesAreKeptAndExplained() {
        LimitModel m;
        m.setRange("pi", {3312.4, 9100.0}, {3500.0, 9900.0});
        m.setCurrent("pi");
        m.setValue(2000.0);
        QCOMPARE(m.value(), 2000.0);
        QVERIFY(m.infeasible());
        QVERIFY2(m.problem().contains("3312.4 ms"), qPrintable(m.problem()));
        QVERIFY(m.problem().startsWith("Nothing fits under 2000.0 ms"));
        m.setValue(20000.0);
        QVERIFY(!m.infeasible());
        QVERIFY(m.problem().contains("Every architecture fits"));
        m.setValue(5000.0);
        QVERIFY(m.problem().isEmpty());
        m.setValue(-1.0);  // refused
        QCOMPARE(m.value(), 5000.0);
    }

    void undoPutsTheLastCommittedValueBack() {
        QUndoStack undo;
        LimitModel m;
        m.setUndoStack(&undo);
        m.setRange("d", {100.0, 200.0}, {110.0, 220.0});
        m.setCurrent("d");
        m.setAndCommit(120.0);
        m.setValue(170.0);
        m.setValue(180.0);
        m.commit();  // one drag, one undo step
        QCOMPARE(undo.count(), 2);
        QSignalSpy committed(&m, &LimitModel::committed);
        undo.undo();
        QCOMPARE(m.value(), 120.0);
        QCOMPARE(committed.count(), 1);  // the re-search follows the undo too
        undo.undo();
        QCOMPARE(m.value(), 150.0);
        undo.redo();
        undo.redo();
        QCOMPARE(m.value(), 180.0);
    }

    void widgetTypedValueIsNeverTruncated() {
        LimitModel m;
        m.setRange("pi", {3300.0, 4500.0}, {3500.0, 4800.0});
        m.setCurrent("pi");
        LimitWidget w(&m);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy committed(&m, &LimitModel::committed);
        QDoubleSpinBox* spin = w.spinBox();
        spin->setFocus();
        spin->selectAll();
        QTest::keyClicks(spin, "5000");
        QCOMPARE(committed.count(), 0);  // no re-search per keystroke
        QTest::keyClick(spin, Qt::Key_Return);
        QCOMPARE(m.value(), 5000.0);
        QCOMPARE(committed.count(), 1);
        QCOMPARE(w.slider()->value(), w.slider()->maximum());  // the slider sits at its end
        QVERIFY(m.problem().contains("Every architecture fits"));

        // Keys and track clicks on the slider move without committing; the model follows exactly.
        w.slider()->setFocus();
        QTest::keyClick(w.slider(), Qt::Key_Home);
        QCOMPARE(m.value(), 3300.0);
        QTest::keyClick(w.slider(), Qt::Key_PageUp);
        QCOMPARE(m.value(), 3300.0 + 1200.0 * w.slider()->pageStep() / 1000.0);
        QCOMPARE(spin->value(), m.value());
        QCOMPARE(committed.count(), 1);
        // A drag commits once, when released.
        Q_EMIT w.slider()->sliderReleased();
        QCOMPARE(committed.count(), 2);
    }
};

QTEST_MAIN(TestLimitModel)
#include "test_limit_model.moc"

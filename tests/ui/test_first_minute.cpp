// The explorer as a new user meets it: empty settings, a fresh copy of the demo workspace with
// nothing evaluated (the demo's SuperTransformer, fitness set and devices, as
// data/demo/make_workspace.sh makes it), a 1280×720 screen. The window copies the workspace into
// the user's data folder and leaves the source alone; the user picks the Raspberry Pi, types 5000
// in the limit box and presses F5; the search finishes with an answer under 5000 ms.
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

#include "core/workspace/workspace.h"
#include "screenshots.h"
#include "support/file_fingerprint.h"
#include "support/fixtures.h"
#include "ui/active_window.h"
#include "ui/architecture_view.h"
#include "ui/help_dialogs.h"
#include "ui/limit_model.h"
#include "ui/limit_widget.h"
#include "ui/main_window.h"
#include "ui/pareto_plot.h"
#include "ui/population_model.h"
#include "ui/recent_workspaces.h"
#include "ui/search_panel.h"
#include "ui/selection_model.h"

using namespace hat;
using namespace hat::ui;

class TestFirstMinute : public QObject {
    Q_OBJECT
  private:
    QTemporaryDir tmp;
    QString source;

    // Empty settings and an empty data folder, as on a new user's machine.
    static void freshStart() {
        QSettings().clear();
        QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).removeRecursively();
    }

  private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(tmp.isValid());
        WorkspaceInit init;
        init.dir = tmp.filePath("demo/workspace").toStdString();
        init.spacePath = test::sourcePath("data/spaces/space0.yml");
        init.checkpoint = test::sourcePath("data/demo/checkpoint_last.pt");
        init.fitness.sentences = 64;
        init.deviceIds = {"hat/wmt14ende_cpu_raspberrypi", "hat/wmt14ende_cpu_xeon",
                          "hat/wmt14ende_gpu_titanxp", "local/1t"};
        init.dataDir = test::sourcePath("data");
        fillFromTrainingRecord(init);
        Workspace::init(init);
        source = QString::fromStdString(init.dir);
    }

    void theShippedDemoOpensOnAFrontForTheRaspberryPi() {
        freshStart();
        const QString demo = QString::fromStdString(test::sourcePath("data/demo/workspace"));
        const auto before = test::fingerprint(demo);
        RecentWorkspaces recent;
        const QString dir = recent.startupWorkspace(demo);
        QCOMPARE(dir, RecentWorkspaces::demoCopyDir());
        MainWindow w;
        w.resize(1280, 720);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(hat::test::activate(&w));
        w.openWorkspace(dir);
        QTRY_VERIFY_WITH_TIMEOUT(w.workspaceOpen(), 60000);
        QCOMPARE(w.currentDevice(), QString("hat/wmt14ende_cpu_raspberrypi"));
        // The stored search at the middle of the range: a front, an answer, its architecture.
        QTRY_VERIFY_WITH_TIMEOUT(w.plot()->frontCount() > 3, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(w.lastAnswerText().startsWith("Best known under"), 30000);
        QVERIFY(w.selection()->selected().has_value());
        QVERIFY(w.architectureView()->config().has_value());
        // The search's last generation fills the population table.
        QTRY_COMPARE_WITH_TIMEOUT(w.populationModel()->rowCount(), 40, 30000);
        QTest::qWait(300);
        QVERIFY(w.grab().save(screenshotDir() + "/demo_first_screen.png"));
        QCOMPARE(test::fingerprint(demo), before);  // the checkout was not written
    }

    void searchesTheRaspberryPiAtATypedLimit() {
        freshStart();
        const auto before = test::fingerprint(source);
        RecentWorkspaces recent;
        QString error;
        const QString dir = recent.startupWorkspace(source, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(dir, RecentWorkspaces::demoCopyDir());

        MainWindow w;
        w.resize(1280, 720);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(hat::test::activate(&w));
        QCOMPARE(w.size(), QSize(1280, 720));
        w.searchPanel()->setAutoResearch(false);
        EvolutionSettings small;
        small.population = 6;
        small.parents = 2;
        small.mutations = 2;
        small.crossovers = 2;
        small.generations = 1;
        w.searchPanel()->setSettings(small);
        w.openWorkspace(dir);
        QTRY_VERIFY_WITH_TIMEOUT(w.workspaceOpen(), 60000);
        QCOMPARE(w.workspaceDir(), dir);

        // The user picks the Raspberry Pi: its limit range is known before anything is evaluated.
        auto* combo = w.findChild<QComboBox*>("deviceCombo");
        QVERIFY(combo);
        const int pi = combo->findText("hat/wmt14ende_cpu_raspberrypi");
        QVERIFY(pi >= 0);
        combo->setCurrentIndex(pi);
        const LimitModel::Range range = w.limitModel()->range();
        QVERIFY(range.valid());
        QVERIFY2(range.lo > 1000.0 && range.lo < 5000.0, qPrintable(QString::number(range.lo)));
        QVERIFY(range.hi > 5000.0);
        QVERIFY(std::abs(w.limitModel()->value() - range.middle()) < 0.051);

        // Types 5000 and presses Enter, then F5.
        QDoubleSpinBox* spin = w.limitWidget()->spinBox();
        spin->setFocus();
        spin->selectAll();
        QTest::keyClicks(spin, "5000");
        QTest::keyClick(spin, Qt::Key_Return);
        QCOMPARE(w.limitModel()->value(), 5000.0);
        QCOMPARE(w.plot()->limit(), 5000.0);
        QVERIFY(w.limitModel()->problem().isEmpty());
        QSignalSpy ended(w.searchPanel(), &SearchPanel::searchEnded);
        QTest::keyClick(&w, Qt::Key_F5);
        QVERIFY(w.searchPanel()->running());
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 600000);
        const auto out = ended.at(0).at(0).value<SearchOutcome>();
        QVERIFY(!out.cancelled);
        QCOMPARE(out.generations, 2);
        QVERIFY2(out.best.latency.ms <= 5000.0, qPrintable(QString::number(out.best.latency.ms)));
        QVERIFY(out.best.latency.ms >= range.lo);
        // The answer line names the limit and an architecture under it; the best is marked.
        QTRY_VERIFY_WITH_TIMEOUT(w.lastAnswerText().startsWith("Best known under 5000.0 ms"),
                                 30000);
        QVERIFY(w.plot()->marked().has_value());
        QCOMPARE(*w.plot()->marked(), out.best.gene);
        QTRY_VERIFY(w.plot()->pointCount() >= 6);
        // Axes contain every point and the limit.
        for (const auto& p : w.plot()->points()) {
            QVERIFY(w.plot()->xAxis->range().contains(p.latencyMs));
            QVERIFY(w.plot()->yAxis->range().contains(p.validLoss));
        }
        QVERIFY(w.plot()->xAxis->range().contains(5000.0));
        QTest::qWait(200);
        QVERIFY(w.grab().save(screenshotDir() + "/first_minute_raspberrypi.png"));

        // The checkout's workspace was not written.
        QCOMPARE(test::fingerprint(source), before);
    }

    void fitsAnOrdinaryScreenWithEveryDockShown() {
        MainWindow w;
        for (QDockWidget* d : w.findChildren<QDockWidget*>()) d->show();
        w.resize(1280, 720);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(hat::test::activate(&w));
        const QSize min = w.minimumSizeHint().expandedTo(w.minimumSize());
        QVERIFY2(min.width() <= 1280 && min.height() <= 720,
                 qPrintable(QString("%1x%2").arg(min.width()).arg(min.height())));
        QCOMPARE(w.size(), QSize(1280, 720));
        w.resize(1024, 700);
        QTRY_COMPARE(w.size(), QSize(1024, 700));
        QVERIFY(w.grab().save(screenshotDir() + "/window_1024x700.png"));

        // Help: the guide explains the terms; the shortcuts list is the window's own actions.
        QVERIFY(userGuideHtml().contains("90% upper end"));
        QVERIFY(userGuideHtml().contains("SuperTransformer"));
        const QString keys = shortcutsHtml(&w);
        for (const char* k : {"F5", "Esc", "Ctrl+Z", "Ctrl+B", "Ctrl+D", "F1"}) {
            QVERIFY2(keys.contains(k), k);
        }
        QWidget* guide = showUserGuide(&w);
        QWidget* shortcuts = showShortcuts(&w);
        QTest::qWait(100);
        QVERIFY(guide->grab().save(screenshotDir() + "/user_guide.png"));
        QVERIFY(shortcuts->grab().save(screenshotDir() + "/keyboard_shortcuts.png"));
        guide->close();
        shortcuts->close();
    }
};

QTEST_MAIN(TestFirstMinute)
#include "test_first_minute.moc"

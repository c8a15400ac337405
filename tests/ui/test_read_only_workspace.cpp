// A workspace this user cannot write (a read-only mount, someone else's files) opened in the
// window: it opens read-only and shows everything that only reads, a banner names the database
// and why searching, measuring and training are off, those actions are disabled, and the files
// are left byte-identical. A writable workspace opened next turns them on again.
//
// As root, permission bits do not stop writes, so the test becomes `nobody` (real and effective
// user; access(2) asks about the real one) while the read-only copy is open, keeping root as the
// saved user to come back: the same refusal a user meets.
#include <QAction>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFrame>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardPaths>
#include <QStatusBar>
#include <QtTest>

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/space/gene.h"
#include "core/space/sub_config.h"
#include "core/workspace/workspace.h"
#include "core/workspace/workspace_copy.h"
#include "support/file_fingerprint.h"
#include "ui/active_window.h"
#include "ui/main_window.h"
#include "ui/pareto_plot.h"
#include "ui/search_panel.h"
#include "ui/screenshots.h"
#include "ui_fixture.h"

using namespace hat;
using namespace hat::ui;

namespace {

constexpr uid_t kNobody = 65534;

void execSql(const QString& db, const std::string& sql) {
    sqlite3* raw = nullptr;
    QCOMPARE(sqlite3_open(db.toStdString().c_str(), &raw), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &error);
    const QString message = error ? QString(error) : QString();
    sqlite3_free(error);
    sqlite3_close(raw);
    QVERIFY2(rc == SQLITE_OK, qPrintable(message));
}

// Every file's size and modification time, with its path relative to `dir`.
QMap<QString, QString> stamps(const QString& dir) {
    QMap<QString, QString> out;
    for (const QFileInfo& f : QDir(dir).entryInfoList(QDir::Files | QDir::Hidden)) {
        out[f.fileName()] = QString("%1 %2").arg(f.size()).arg(f.lastModified().toMSecsSinceEpoch());
    }
    return out;
}

void saveShot(QWidget* widget, const QString& name) {
    const QPixmap shot = widget->grab();
    QVERIFY(shot.save(screenshotDir() + "/" + name));
    QDir().mkpath("/tmp/shots");
    shot.save("/tmp/shots/" + name);
}

}  // namespace

class TestReadOnlyWorkspace : public QObject {
    Q_OBJECT
  private:
    QTemporaryDir tmp;
    hat::test::UiWorkspace fixture;
    std::unique_ptr<MainWindow> w;
    QString roDir;
    QMap<QString, QByteArray> roBytes;
    QMap<QString, QString> roStamps;
    bool droppedUser = false;
    QPixmap readOnlyShot;

    QAction* action(const char* name) const { return w->findChild<QAction*>(name); }
    QFrame* banner() const { return w->findChild<QFrame*>("readOnlyBanner"); }
    QLabel* bannerText() const { return w->findChild<QLabel*>("readOnlyText"); }

    // The dialog named `name` that appears next, grabbed into `shot`, its text; it is closed.
    QString nextDialog(const char* name, const QString& shot) {
        QMessageBox* box = nullptr;
        [&] { QTRY_VERIFY_WITH_TIMEOUT((box = w->findChild<QMessageBox*>(name)) != nullptr, 60000); }();
        if (!box) return {};
        [&] { QTRY_VERIFY(box->isVisible()); }();
        QTest::qWait(100);  // laid out
        saveShot(box, shot);
        const QString text = box->text();
        box->close();
        [&] { QTRY_VERIFY(w->findChild<QMessageBox*>(name) == nullptr || !box->isVisible()); }();
        if (auto* left = w->findChild<QMessageBox*>(name)) delete left;
        return text;
    }

    void openAndWait(const QString& dir) {
        w->openWorkspace(dir);
        QTRY_VERIFY_WITH_TIMEOUT(w->workspaceOpen() && w->windowTitle().contains(QDir(dir).dirName()), 60000);
    }

  private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(tmp.isValid());
        fixture.build(tmp);
        // Two stored evaluations, both on the front: the plot has something to show.
        roDir = tmp.filePath("read_only");
        copyWorkspace(fixture.workspaceDir, roDir.toStdString());
        // The SuperTransformer and fitness set registered (as a first search would), so the
        // rows below belong to them.
        { Workspace(Workspace::open(roDir.toStdString())).fitness(); }
        const std::string small = geneToText(configToGene(SubConfig::smallest(fixture.space), fixture.space));
        const std::string large = geneToText(configToGene(SubConfig::largest(fixture.space), fixture.space));
        execSql(roDir + "/workspace.db",
                "INSERT INTO evaluation(supernet_id, fitness_set_id, gene, valid_loss) "
                "SELECT s.id, f.id, '" + small + "', 6.0 FROM supernet s, fitness_set f;"
                "INSERT INTO evaluation(supernet_id, fitness_set_id, gene, valid_loss) "
                "SELECT s.id, f.id, '" + large + "', 5.0 FROM supernet s, fitness_set f");
        for (const QFileInfo& f : QDir(roDir).entryInfoList(QDir::Files | QDir::Hidden)) {
            QVERIFY(::chmod(f.absoluteFilePath().toLocal8Bit().constData(), 0444) == 0);
        }
        QVERIFY(::chmod(roDir.toLocal8Bit().constData(), 0555) == 0);
        // Everything else (the SuperTransformer, the corpus) stays readable to everyone.
        QVERIFY(::chmod(tmp.path().toLocal8Bit().constData(), 0755) == 0);
        roBytes = hat::test::fingerprint(roDir);
        roStamps = stamps(roDir);
        QVERIFY(roBytes.contains("workspace.db"));

        w = std::make_unique<MainWindow>();
        w->searchPanel()->setAutoResearch(false);
        w->resize(1280, 720);
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w.get()));
        QVERIFY(hat::test::activate(w.get()));
        QVERIFY(action("startSearchAction"));
        QVERIFY(action("measureHereAction"));
        QVERIFY(banner());
        QVERIFY(!banner()->isVisible());
    }

    void aWorkspaceThisUserCannotWriteOpensReadOnly() {
        if (::geteuid() == 0) {
            QVERIFY2(::setresuid(kNobody, kNobody, 0) == 0, "cannot become nobody to meet the permission bits");
            droppedUser = true;
        }
        QVERIFY2(::access(roDir.toLocal8Bit().constData(), W_OK) != 0, "the copy is still writable");
        openAndWait(roDir);
        QVERIFY(banner()->isVisible());
        const QString text = bannerText()->text();
        QVERIFY2(text.contains("Read-only") && text.contains(roDir + "/workspace.db") &&
                     text.contains("searching, BLEU and measuring here are off"),
                 qPrintable(text));
        QVERIFY(!action("startSearchAction")->isEnabled());
        QVERIFY(action("startSearchAction")->toolTip().contains("cannot be written"));
        QVERIFY(!action("measureHereAction")->isEnabled());
        QVERIFY(action("cancelSearchAction")->isEnabled());
        QVERIFY(!w->searchPanel()->startButton()->isEnabled());
        QCOMPARE(w->searchPanel()->start(), JobId(0));
        // What only reads still works: both stored points are plotted.
        QTRY_COMPARE_WITH_TIMEOUT(w->plot()->pointCount(), 2, 20000);
        QCOMPARE(w->plot()->frontCount(), 2);
        QTest::qWait(300);
        readOnlyShot = w->grab();  // saved once root again: nobody cannot write the build tree
    }

    void aWritableWorkspaceTurnsThemOnAgain() {
        if (droppedUser) QVERIFY(::setresuid(0, 0, 0) == 0);
        droppedUser = false;
        if (!readOnlyShot.isNull()) {
            QVERIFY(readOnlyShot.save(screenshotDir() + "/read_only_banner.png"));
            QDir().mkpath("/tmp/shots");
            readOnlyShot.save("/tmp/shots/read_only_banner.png");
        }
        openAndWait(QString::fromStdString(fixture.workspaceDir));
        QVERIFY(!banner()->isVisible());
        QCOMPARE(w->plot()->pointCount(), 0);  // nothing evaluated in this one
        QVERIFY(action("startSearchAction")->isEnabled());
        QVERIFY(!action("startSearchAction")->toolTip().contains("cannot be written"));
        QVERIFY(action("measureHereAction")->isEnabled());
        QVERIFY(w->searchPanel()->isEnabled());
        QVERIFY(w->searchPanel()->startButton()->isEnabled());
    }

    // Issue 15's dialogs, as a user meets them, for scripts/screenshots.sh.
    void theHostileFileDialogs() {
        QTemporaryDir other;
        QVERIFY(other.isValid());
        hat::test::UiWorkspace damaged;
        damaged.build(other);
        {  // a damaged SuperTransformer: half of it
            QFile f(other.filePath("supernet.pt"));
            QVERIFY(f.open(QIODevice::ReadWrite));
            QVERIFY(f.resize(f.size() / 2));
        }
        w->openWorkspace(QString::fromStdString(damaged.workspaceDir));
        QString text = nextDialog("locateCheckpointDialog", "supernet_did_not_load.png");
        QVERIFY2(text.contains("supernet.pt"), qPrintable(text));

        const QString badGene = tmp.filePath("bad_gene");
        copyWorkspace(fixture.workspaceDir, badGene.toStdString());
        Gene gene = configToGene(SubConfig::smallest(fixture.space), fixture.space);
        gene[0] = 2000000000;
        execSql(badGene + "/workspace.db",
                "INSERT INTO evaluation(supernet_id, fitness_set_id, gene, valid_loss) "
                "SELECT s.id, f.id, '" + geneToText(gene) + "', 5.0 FROM supernet s, fitness_set f");
        w->openWorkspace(badGene);
        // (An error dialog left from the damaged SuperTransformer comes first, if any.)
        for (int i = 0; i < 3 && !text.contains("2000000000"); ++i) text = nextDialog("errorDialog", "bad_gene_dialog.png");
        QVERIFY2(text.contains("workspace.db") && text.contains("2000000000"), qPrintable(text));

        const QString empty = tmp.filePath("empty");
        QDir().mkpath(empty);
        {
            QFile f(empty + "/workspace.db");
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        w->openWorkspace(empty);
        text = nextDialog("errorDialog", "empty_database_dialog.png");
        QVERIFY2(text.contains(empty + "/workspace.db"), qPrintable(text));
    }

    void cleanupTestCase() {
        if (droppedUser) (void)::setresuid(0, 0, 0);
        w.reset();
        // Closed: nothing was written into the read-only copy, nor beside it.
        QCOMPARE(hat::test::fingerprint(roDir), roBytes);
        QCOMPARE(stamps(roDir), roStamps);
        // Writable again, so the temporary directory can go.
        (void)::chmod(roDir.toLocal8Bit().constData(), 0755);
    }
};

QTEST_MAIN(TestReadOnlyWorkspace)
#include "test_read_only_workspace.moc"

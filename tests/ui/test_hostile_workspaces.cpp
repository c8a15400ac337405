// Damaged workspaces opened in the window, as a hostile tester would: each one gives a dialog that
// names the file and the problem, the window stays up, and the files are left byte-identical.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QStandardPaths>
#include <QtTest>

#include <sqlite3.h>

#include "core/space/gene.h"
#include "core/space/sub_config.h"
#include "core/workspace/workspace.h"
#include "core/workspace/workspace_copy.h"
#include "support/file_fingerprint.h"
#include "ui/active_window.h"
#include "ui/main_window.h"
#include "ui/search_panel.h"
#include "ui_fixture.h"

using namespace hat;
using namespace hat::ui;

namespace {

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

}  // namespace

class TestHostileWorkspaces : public QObject {
    Q_OBJECT
  private:
    QTemporaryDir tmp;
    hat::test::UiWorkspace fixture;
    std::unique_ptr<MainWindow> w;

    // The error dialog that appears next, its text; the dialog is closed.
    QString nextErrorDialog() {
        QMessageBox* box = nullptr;
        [&] { QTRY_VERIFY_WITH_TIMEOUT((box = w->findChild<QMessageBox*>("errorDialog")) != nullptr, 60000); }();
        if (!box) return {};
        const QString text = box->text();
        box->accept();
        [&] { QTRY_VERIFY(w->findChild<QMessageBox*>("errorDialog") == nullptr); }();
        return text;
    }

  private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(tmp.isValid());
        fixture.build(tmp);
        w = std::make_unique<MainWindow>();
        w->searchPanel()->setAutoResearch(false);
        w->resize(1280, 720);
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w.get()));
        QVERIFY(hat::test::activate(w.get()));
        w->openWorkspace(QString::fromStdString(fixture.workspaceDir));
        QTRY_VERIFY_WITH_TIMEOUT(w->workspaceOpen(), 60000);
        // Its SuperTransformer loaded: the supernet and fitness set rows exist to be copied.
        auto* supernet = w->findChild<QLabel*>("supernetLabel");
        QVERIFY(supernet);
        QTRY_VERIFY_WITH_TIMEOUT(supernet->text().contains("proxy"), 60000);
    }

    void anEmptyDatabaseIsRefusedUntouched() {
        const QString dir = tmp.filePath("empty");
        QDir().mkpath(dir);
        {
            QFile f(dir + "/workspace.db");
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        const auto before = hat::test::fingerprint(dir);
        w->openWorkspace(dir);
        const QString text = nextErrorDialog();
        QVERIFY2(text.contains(dir + "/workspace.db"), qPrintable(text));
        // Not rewritten into an empty schema, no journal left beside it.
        QCOMPARE(QFileInfo(dir + "/workspace.db").size(), 0);
        QCOMPARE(hat::test::fingerprint(dir), before);
        QVERIFY(w->isVisible());
    }

    void aGeneTheSpaceDoesNotAllowIsReportedNotCrashed() {
        // A copy whose stored evaluations include a gene with two billion encoder layers (once a
        // crash in SubConfig::summary when the window listed the points).
        const QString dir = tmp.filePath("bad_gene");
        copyWorkspace(fixture.workspaceDir, dir.toStdString());
        Gene gene = configToGene(SubConfig::smallest(fixture.space), fixture.space);
        gene[0] = 2000000000;
        const QString db = dir + "/workspace.db";
        execSql(db, "INSERT INTO evaluation(supernet_id, fitness_set_id, gene, valid_loss) "
                    "SELECT s.id, f.id, '" + geneToText(gene) + "', 5.0 FROM supernet s, fitness_set f");
        w->openWorkspace(dir);
        const QString text = nextErrorDialog();
        QVERIFY2(text.contains("workspace.db") && text.contains("2000000000") && text.contains("not in the space"),
                 qPrintable(text));
        QVERIFY(w->isVisible());
    }

    void aDamagedSuperTransformerAsksOnceToLocateIt() {
        // A copy whose SuperTransformer is cut to its first 4 KB: the workspace opens, the
        // model does not load, and one dialog says so, naming the file and offering Locate (no
        // second error dialog with the same message behind it).
        const QString dir = tmp.filePath("bad_supernet");
        copyWorkspace(fixture.workspaceDir, dir.toStdString());
        const QString db = dir + "/workspace.db";
        const QString good = QString::fromStdString(Workspace::open(dir.toStdString()).checkpointPath());
        QFile in(good);
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QString damaged = dir + "/damaged.pt";
        QFile out(damaged);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(in.read(4096));
        out.close();
        execSql(db, "UPDATE meta SET value = '" + damaged.toStdString() + "' WHERE key = 'checkpoint'");
        w->openWorkspace(dir);
        QMessageBox* box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((box = w->findChild<QMessageBox*>("locateCheckpointDialog")) != nullptr, 60000);
        QVERIFY2(box->text().contains(damaged), qPrintable(box->text()));
        QTest::qWait(1000);  // anything else the failure shows has shown by now
        QStringList shown;
        for (const QMessageBox* b : w->findChildren<QMessageBox*>()) shown << b->objectName() + ": " + b->text();
        QVERIFY2(shown.size() == 1, qPrintable(shown.join("\n---\n")));
        QVERIFY(w->findChild<QMessageBox*>("errorDialog") == nullptr);
        box->reject();
        QTRY_VERIFY(w->findChild<QMessageBox*>("locateCheckpointDialog") == nullptr);
        QVERIFY(w->isVisible());
    }

    void cleanupTestCase() { w.reset(); }
};

QTEST_MAIN(TestHostileWorkspaces)
#include "test_hostile_workspaces.moc"

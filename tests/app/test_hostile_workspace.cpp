// Hostile workspaces given to the `hat` commands that read them (issue 15): genes in the database
// that are not genes of the space, workspace.db files that are empty, not SQLite or not ours, and
// workspaces that cannot be written. Every case: no signal, exit 2 with one line naming the file,
// and the workspace byte-identical afterwards (no -wal/-shm left beside it either).
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "core/space/gene.h"
#include "core/space/sub_config.h"
#include "core/workspace/workspace.h"
#include "support/file_fingerprint.h"
#include "support/fixtures.h"
#include "support/hat_process.h"
#include "support/tiny_supernet.h"
#include "support/tiny_workspace.h"

using namespace hat;
using namespace hat::test;

namespace {
const char* kPi = "hat/wmt14ende_cpu_raspberrypi";

using Run = HatRun;

// Runs SQL on a database file with the sqlite3 C API (the test's own connection, closed after).
void execSql(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    QCOMPARE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    const std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    QVERIFY2(rc == SQLITE_OK, (sql + ": " + msg).c_str());
}

std::string queryText(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
    std::string out;
    if (sqlite3_step(st) == SQLITE_ROW) out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

// The gene with position `k` set to `value`, as stored.
std::string withPosition(const std::string& geneText, size_t k, int value) {
    Gene g = geneFromText(geneText);
    g[k] = value;
    return geneToText(g);
}
}  // namespace

class TestHostileWorkspace : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir;
    TinySupernet tiny;
    std::string base;  // a workspace with one finished search: evaluations, latencies, run 1
    int copies = 0;

    // A fresh working copy of `base` (paths rebased), as a hostile tester would start from.
    std::string copyOfBase() {
        const std::string to = dir.filePath("ws" + QString::number(++copies)).toStdString();
        Workspace::copy(base, to);
        return to;
    }
    static std::string db(const std::string& ws) { return ws + "/workspace.db"; }

    // Asserts the shape every refusal must have: a normal exit with code 2 and exactly one line
    // on stderr that names `file` and says `problem`.
    static void expectRefusal(const Run& r, const std::string& file, const QString& problem) {
        QVERIFY(r.finished && !r.crashed);  // no signal
        QVERIFY2(r.code == 2, qPrintable(QString("exit %1: %2").arg(r.code).arg(r.err)));
        const QString line = r.err.trimmed();
        QVERIFY2(!line.contains('\n'), qPrintable(r.err));
        QVERIFY2(line.contains(QString::fromStdString(file)), qPrintable(line));
        QVERIFY2(line.contains(problem), qPrintable(line));
    }
    static void expectNoSideFiles(const std::string& ws) {
        QVERIFY(!std::filesystem::exists(db(ws) + "-wal"));
        QVERIFY(!std::filesystem::exists(db(ws) + "-shm"));
        QVERIFY(!std::filesystem::exists(db(ws) + "-journal"));
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir.isValid());
        tiny = makeTinySupernet(dir.filePath("tiny").toStdString(), 40, 3);
        base = dir.filePath("base").toStdString();
        WorkspaceInit in = tinyWorkspaceInit(tiny, base);
        in.deviceIds = {kPi};
        Workspace::init(in);
        Workspace w = Workspace::open(base);
        EvolutionSettings s;
        s.population = 8;
        s.parents = 2;
        s.mutations = 3;
        s.crossovers = 3;
        s.generations = 1;
        s.seed = 4;
        s.maxLatencyMs = 1e9;
        const SearchOutcome out = w.search(kPi, s, false);
        QCOMPARE(out.runId, int64_t(1));
        QVERIFY(w.evaluationCount() >= 8);
    }

    // Item 3: genes that are not genes of the space crashed `hat pareto` (2e9 encoder layers),
    // printed heap garbage (99999) or a negative depth (-5); text that is no gene named no file.
    void paretoRefusesGenesOutsideTheSpace_data() {
        QTest::addColumn<int>("encoderLayers");
        QTest::newRow("2e9") << 2000000000;
        QTest::newRow("99999") << 99999;
        QTest::newRow("-5") << -5;
    }
    void paretoRefusesGenesOutsideTheSpace() {
        QFETCH(int, encoderLayers);
        const std::string ws = copyOfBase();
        const std::string gene = queryText(db(ws), "SELECT gene FROM evaluation ORDER BY gene LIMIT 1");
        const std::string bad = withPosition(gene, 1, encoderLayers);
        execSql(db(ws), "UPDATE latency SET gene = '" + bad + "' WHERE gene = '" + gene + "'; UPDATE evaluation SET gene = '" +
                            bad + "' WHERE gene = '" + gene + "'");
        const auto before = fingerprint(QString::fromStdString(ws));
        const Run r = runHat({"pareto", "--workspace", QString::fromStdString(ws), "--device", "raspberrypi", "--all"});
        expectRefusal(r, db(ws), QString("encoder layer count %1 is not in the space").arg(encoderLayers));
        QVERIFY2(r.err.contains(QString::fromStdString("gene '" + bad.substr(0, 20))), qPrintable(r.err));
        QCOMPARE(fingerprint(QString::fromStdString(ws)), before);
        expectNoSideFiles(ws);
    }
    // The same gene with no latency row yet: the predictor must never see it.
    void paretoRefusesABadGeneBeforePredictingIt() {
        const std::string ws = copyOfBase();
        const std::string gene = queryText(db(ws), "SELECT gene FROM evaluation ORDER BY gene LIMIT 1");
        const std::string bad = withPosition(gene, 1, 2000000000);
        execSql(db(ws), "DELETE FROM latency; UPDATE evaluation SET gene = '" + bad + "' WHERE gene = '" + gene + "'");
        const auto before = fingerprint(QString::fromStdString(ws));
        const Run r = runHat({"pareto", "--workspace", QString::fromStdString(ws), "--device", "raspberrypi"});
        expectRefusal(r, db(ws), "encoder layer count 2000000000 is not in the space");
        QCOMPARE(fingerprint(QString::fromStdString(ws)), before);
        expectNoSideFiles(ws);
    }
    void paretoRefusesTextThatIsNoGene_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("problem");
        QTest::newRow("abc") << "abc" << "'abc' is not an integer";
        QTest::newRow("short") << "640,6,3072" << "has 3 positions";
        QTest::newRow("empty") << "" << "has 0 positions";
    }
    void paretoRefusesTextThatIsNoGene() {
        QFETCH(QString, text);
        QFETCH(QString, problem);
        const std::string ws = copyOfBase();
        const std::string gene = queryText(db(ws), "SELECT gene FROM evaluation ORDER BY gene LIMIT 1");
        const std::string bad = text.toStdString();
        execSql(db(ws), "UPDATE latency SET gene = '" + bad + "' WHERE gene = '" + gene + "'; UPDATE evaluation SET gene = '" +
                            bad + "' WHERE gene = '" + gene + "'");
        const auto before = fingerprint(QString::fromStdString(ws));
        const Run r = runHat({"pareto", "--workspace", QString::fromStdString(ws), "--device", "raspberrypi", "--all"});
        expectRefusal(r, db(ws), problem);
        QCOMPARE(fingerprint(QString::fromStdString(ws)), before);
    }
    // A generation member and a measurement with a gene outside the space: export and the
    // measurement list refuse them the same way.
    void exportAndMeasurementsRefuseGenesOutsideTheSpace() {
        const std::string ws = copyOfBase();
        const std::string gene = queryText(db(ws), "SELECT gene FROM generation_member WHERE run_id = 1 ORDER BY number DESC, rank LIMIT 1");
        const std::string bad = withPosition(gene, 0, 99999);
        execSql(db(ws), "UPDATE generation_member SET gene = '" + bad + "' WHERE run_id = 1 AND gene = '" + gene + "'");
        auto before = fingerprint(QString::fromStdString(ws));
        Run r = runHat({"export", "--workspace", QString::fromStdString(ws), "--run", "1", "--format", "yaml"});
        expectRefusal(r, db(ws), "encoder embed dim 99999 is not in the space");
        QVERIFY2(r.err.contains("run 1"), qPrintable(r.err));
        QCOMPARE(fingerprint(QString::fromStdString(ws)), before);

        execSql(db(ws), "INSERT INTO measurement (device_id, gene, encoder_ms, decoder_ms, encoder_sd_ms, decoder_sd_ms, "
                        "protocol, predicted_ms, lower_ms, upper_ms) VALUES (1, '" + withPosition(gene, 1, -5) +
                            "', 1, 2, 0, 0, 'p', 3, 2, 4)");
        before = fingerprint(QString::fromStdString(ws));
        r = runHat({"workspace", "measure", "--workspace", QString::fromStdString(ws), "--device", "raspberrypi"});
        expectRefusal(r, db(ws), "encoder layer count -5 is not in the space");
        QVERIFY2(r.err.contains("measurement 1"), qPrintable(r.err));
        QCOMPARE(fingerprint(QString::fromStdString(ws)), before);
    }

    // Items 3 and 5: commands that only read never write, not even when they fail, and compute
    // what they would have cached (latency predictions) in memory: same answers as stored ones.
    void readingCommandsLeaveTheWorkspaceUntouched() {
        const std::string ws = copyOfBase();
        const QString w = QString::fromStdString(ws);
        const Run stored = runHat({"pareto", "--workspace", QString::fromStdString(base), "--device", "raspberrypi", "--all", "--csv"});
        QCOMPARE(stored.code, 0);
        // No latency stored: every one is predicted in memory and nothing is written back.
        execSql(db(ws), "DELETE FROM latency");
        const auto before = fingerprint(w);
        expectNoSideFiles(ws);
        const Run computed = runHat({"pareto", "--workspace", w, "--device", "raspberrypi", "--all", "--csv"});
        QCOMPARE(computed.code, 0);
        QCOMPARE(computed.out, stored.out);
        QVERIFY(computed.out.count('\n') >= 9);  // a header and every evaluation
        for (const QStringList& args :
             {QStringList{"export", "--workspace", w, "--run", "1", "--format", "json"},
              QStringList{"export", "--workspace", w, "--run", "1", "--format", "csv"},
              QStringList{"compare", "--workspace", w, "--json"},
              QStringList{"workspace", "measure", "--workspace", w, "--device", "raspberrypi"}}) {
            const Run r = runHat(args);
            QVERIFY2(r.code == 0, qPrintable(args.join(' ') + ": " + r.err));
        }
        // Failing ones: an unknown device, a run that does not exist.
        Run r = runHat({"pareto", "--workspace", w, "--device", "no-such-device"});
        QCOMPARE(r.code, 2);
        r = runHat({"export", "--workspace", w, "--run", "7"});
        expectRefusal(r, db(ws), "no search run 7");
        QCOMPARE(fingerprint(w), before);
        expectNoSideFiles(ws);
    }

    // Item 4: files that are not workspaces are refused before anything writes them.
    void filesThatAreNotWorkspacesAreRefusedUntouched_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("problem");
        QTest::newRow("empty") << QByteArray() << "empty";
        QTest::newRow("text") << QByteArray("name: space0\nencoder-layers: 6\n") << "not SQLite";
        QTest::newRow("header only") << QByteArray("SQLite format 3", 16) << "not a workspace database";
    }
    void filesThatAreNotWorkspacesAreRefusedUntouched() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, problem);
        const std::string ws = dir.filePath("notws" + QString::number(++copies)).toStdString();
        std::filesystem::create_directories(ws);
        {
            QFile f(QString::fromStdString(db(ws)));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(bytes);
        }
        const auto before = fingerprint(QString::fromStdString(ws));
        for (const QStringList& args : {QStringList{"pareto", "--device", "raspberrypi"}, QStringList{"export", "--run", "1"},
                                        QStringList{"compare"}, QStringList{"search", "--device", "raspberrypi", "--max-latency-ms", "100"}}) {
            const Run r = runHat(args + QStringList{"--workspace", QString::fromStdString(ws)});
            expectRefusal(r, db(ws), problem);
            QCOMPARE(fingerprint(QString::fromStdString(ws)), before);
            expectNoSideFiles(ws);
        }
    }
    void aForeignSqliteFileIsRefusedUntouched() {
        const std::string ws = dir.filePath("foreign").toStdString();
        std::filesystem::create_directories(ws);
        sqlite3* raw = nullptr;
        QCOMPARE(sqlite3_open(db(ws).c_str(), &raw), SQLITE_OK);
        sqlite3_exec(raw, "PRAGMA journal_mode = WAL; CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('mine');",
                     nullptr, nullptr, nullptr);
        sqlite3_close(raw);
        expectNoSideFiles(ws);
        const auto before = fingerprint(QString::fromStdString(ws));
        for (const QStringList& args : {QStringList{"pareto", "--device", "raspberrypi"},
                                        QStringList{"search", "--device", "raspberrypi", "--max-latency-ms", "100"}}) {
            const Run r = runHat(args + QStringList{"--workspace", QString::fromStdString(ws)});
            expectRefusal(r, db(ws), "not a HAT Explorer workspace");
            QCOMPARE(fingerprint(QString::fromStdString(ws)), before);
            expectNoSideFiles(ws);
        }
    }

    // Item 5: a workspace this user cannot write (run as `nobody`, since root writes anything)
    // opens read-only: the reading commands work, a search is refused naming the file.
    void aWorkspaceThatCannotBeWrittenOpensReadOnly() {
        const QString setpriv = QStandardPaths::findExecutable("setpriv");
        if (setpriv.isEmpty()) QSKIP("setpriv is not installed");
        const QStringList asNobody = {setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"};
        if (runHat({"--help"}, under(asNobody)).code != 0) QSKIP("cannot run hat as nobody here");
        const std::string ws = copyOfBase();
        const QString w = QString::fromStdString(ws);
        const Run expected = runHat({"pareto", "--workspace", w, "--device", "raspberrypi", "--csv"});
        QCOMPARE(expected.code, 0);
        namespace fs = std::filesystem;
        // nobody may read everything the workspace names (QTemporaryDir is 0700), write nothing.
        fs::permissions(dir.path().toStdString(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                                     fs::perms::others_read | fs::perms::others_exec);
        fs::permissions(db(ws), fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
        fs::permissions(ws, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read | fs::perms::group_exec |
                                fs::perms::others_read | fs::perms::others_exec);
        const auto before = fingerprint(w);
        Run r = runHat({"pareto", "--workspace", w, "--device", "raspberrypi", "--csv"}, under(asNobody));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out, expected.out);
        r = runHat({"export", "--workspace", w, "--run", "1", "--format", "yaml"}, under(asNobody));
        QVERIFY2(r.code == 0 && r.out.contains("encoder-embed-dim"), qPrintable(r.err));
        r = runHat({"compare", "--workspace", w}, under(asNobody));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = runHat({"search", "--workspace", w, "--device", "raspberrypi", "--max-latency-ms", "100"}, under(asNobody));
        expectRefusal(r, db(ws), "read-only");
        QCOMPARE(fingerprint(w), before);
        expectNoSideFiles(ws);
        fs::permissions(ws, fs::perms::owner_all, fs::perm_options::add);
        fs::permissions(db(ws), fs::perms::owner_write, fs::perm_options::add);
    }
};

QTEST_GUILESS_MAIN(TestHostileWorkspace)
#include "test_hostile_workspace.moc"

// `hat search` killed with SIGKILL in the middle of a run resumes from its last stored generation
// (`hat search --resume RUN`) and ends with exactly the result of an uninterrupted run with the
// same seed; and the --json contract of `hat search`.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <csignal>
#include <cmath>
#include <fstream>

#include "core/space/subconfig_io.h"
#include "core/store/workspace_db.h"
#include "support/fixtures.h"
#include "support/hat_process.h"
#include "support/tiny_supernet.h"

using namespace hat;
using namespace hat::test;

namespace {
using Run = HatRun;

// A small search: 7 populations of 16, about 60 distinct evaluations.
QStringList searchArgs(const QString& ws) {
    return {"search", "--workspace", ws, "--device", "raspberrypi", "--max-latency-ms", "6000",
            "--seed", "5", "--generations", "6", "--population", "16", "--parents", "4",
            "--mutations", "6", "--crossovers", "6", "--cold", "--threads", "1", "--json"};
}
}  // namespace

class TestSearchCli : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir;
    TinySupernet tiny;
    QString searched;  // a workspace with one finished search (for the read-only commands)
    nlohmann::json uninterrupted;  // its --json result

    QString newWorkspace(const QString& name) {
        const QString ws = dir.filePath(name);
        const Run r = runHat({"workspace", "init", ws, "--space", QString::fromStdString(sourcePath("data/spaces/space0.yml")),
                              "--checkpoint", QString::fromStdString(tiny.checkpoint), "--corpus",
                              QString::fromStdString(tiny.corpusDir), "--dict", QString::fromStdString(tiny.dictionary),
                              "--fitness-sentences", "40", "--devices", "hat/wmt14ende_cpu_raspberrypi",
                              "--data-dir", QString::fromStdString(sourcePath("data"))});
        if (r.code != 0) qWarning() << r.err;
        return r.code == 0 ? ws : QString();
    }

private Q_SLOTS:
    void initTestCase() { tiny = makeTinySupernet(dir.path().toStdString(), 60, 8); }

    void killedSearchResumesToTheSameResult() {
        const QString whole = newWorkspace("whole"), killed = newWorkspace("killed");
        QVERIFY(!whole.isEmpty() && !killed.isEmpty());
        const Run ref = runHat(searchArgs(whole));
        QCOMPARE(ref.code, 0);
        searched = whole;
        const auto want = nlohmann::json::parse(ref.out.toStdString());
        uninterrupted = want;
        QCOMPARE(want["generations"].get<int>(), 7);
        for (const char* key : {"run_id", "gene", "valid_loss", "latency_ms", "yaml", "seconds",
                                "evaluations_computed", "evaluations_reused"}) {
            QVERIFY2(want.contains(key), key);
        }

        // The same search, killed once generation 2 is stored.
        QProcess p;
        startHat(p, searchArgs(killed));
        QVERIFY(p.waitForStarted());
        int stored = 0;
        {
            WorkspaceDb db = WorkspaceDb::open((killed + "/workspace.db").toStdString());
            QElapsedTimer t;
            t.start();
            while (stored < 3 && t.elapsed() < 120000 && p.state() == QProcess::Running) {
                QTest::qWait(20);
                if (db.run(1)) stored = db.generationCount(1);
            }
        }
        QVERIFY2(p.state() == QProcess::Running, "the search ended before it could be killed");
        p.kill();  // SIGKILL: no handler, no cleanup
        QVERIFY(p.waitForFinished());
        QCOMPARE(p.exitStatus(), QProcess::CrashExit);
        QVERIFY(stored >= 3 && stored < 7);

        const Run resumed = runHat({"search", "--workspace", killed, "--resume", "1", "--json"});
        QCOMPARE(resumed.code, 0);
        const auto got = nlohmann::json::parse(resumed.out.toStdString());
        QCOMPARE(got["gene"], want["gene"]);
        QCOMPARE(got["valid_loss"].get<double>(), want["valid_loss"].get<double>());
        QCOMPARE(got["latency_ms"].get<double>(), want["latency_ms"].get<double>());
        QCOMPARE(got["generations"].get<int>(), 7);
        // Evaluations stored before the kill are looked up, not recomputed.
        QVERIFY(got["evaluations_reused"].get<int>() > 0);
        WorkspaceDb db = WorkspaceDb::open((killed + "/workspace.db").toStdString());
        QCOMPARE(db.run(1)->status, std::string("finished"));
        QCOMPARE(db.generationCount(1), 7);
    }

    void interruptedSearchIsStoredAsCancelledAndResumes() {
        if (uninterrupted.is_null()) QSKIP("needs the uninterrupted result of killedSearchResumesToTheSameResult");
        const QString ws = newWorkspace("interrupted");
        QVERIFY(!ws.isEmpty());
        QProcess p;
        startHat(p, searchArgs(ws));
        QVERIFY(p.waitForStarted());
        int stored = 0;
        {
            WorkspaceDb db = WorkspaceDb::open((ws + "/workspace.db").toStdString());
            QElapsedTimer t;
            t.start();
            while (stored < 2 && t.elapsed() < 120000 && p.state() == QProcess::Running) {
                QTest::qWait(20);
                if (db.run(1)) stored = db.generationCount(1);
            }
        }
        QVERIFY2(p.state() == QProcess::Running, "the search ended before it could be interrupted");
        ::kill(static_cast<pid_t>(p.processId()), SIGINT);  // Ctrl-C
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        const QString err = QString::fromUtf8(p.readAllStandardError()).trimmed();
        QCOMPARE(err.count('\n'), 0);
        QVERIFY2(err.startsWith("hat search: interrupted; run 1 is stored as cancelled with "), qPrintable(err));
        QVERIFY2(err.endsWith("continue with hat search --workspace " + ws + " --resume 1"), qPrintable(err));
        // The best of what was scored, marked as cancelled.
        const auto partial = nlohmann::json::parse(p.readAllStandardOutput().toStdString());
        QCOMPARE(partial["cancelled"].get<bool>(), true);
        QVERIFY(partial["generations"].get<int>() >= 2 && partial["generations"].get<int>() < 7);
        {
            WorkspaceDb db = WorkspaceDb::open((ws + "/workspace.db").toStdString());
            QCOMPARE(db.run(1)->status, std::string("cancelled"));
            QVERIFY(!db.run(1)->owner.has_value());  // let go: a resume needs no takeover
            QCOMPARE(db.generationCount(1), partial["generations"].get<int>());
        }
        const Run resumed = runHat({"search", "--workspace", ws, "--resume", "1", "--json"});
        QCOMPARE(resumed.code, 0);
        const auto got = nlohmann::json::parse(resumed.out.toStdString());
        QCOMPARE(got["gene"], uninterrupted["gene"]);
        QCOMPARE(got["valid_loss"].get<double>(), uninterrupted["valid_loss"].get<double>());
        QCOMPARE(got["generations"].get<int>(), 7);
        QCOMPARE(got["cancelled"].get<bool>(), false);
    }

    void compareGivesEachDeviceItsRelativeLimit() {
        QVERIFY(!searched.isEmpty());
        const Run half = runHat({"compare", "--workspace", searched, "--relative-limit", "0.5", "--json"});
        QCOMPARE(half.code, 0);
        const auto j = nlohmann::json::parse(half.out.toStdString());
        QCOMPARE(j["relative_limit"].get<double>(), 0.5);
        QCOMPARE(j["devices"].size(), size_t(1));  // every device of the workspace by default
        const auto& d = j["devices"][0];
        QCOMPARE(d["device"].get<std::string>(), std::string("hat/wmt14ende_cpu_raspberrypi"));
        const double lo = d["smallest_ms"].get<double>(), hi = d["largest_ms"].get<double>();
        QVERIFY(lo > 0 && lo < hi);
        QCOMPARE(d["limit_ms"].get<double>(), lo + 0.5 * (hi - lo));
        // The search ran under 6000 ms; at 100% the limit is the largest SubTransformer's latency,
        // above that, so the answer there is at least as good as the search's.
        const Run full = runHat({"compare", "--workspace", searched, "--devices", "raspberrypi",
                                 "--relative-limit", "1", "--json"});
        QCOMPARE(full.code, 0);
        const auto f = nlohmann::json::parse(full.out.toStdString())["devices"][0];
        QVERIFY(f["limit_ms"].get<double>() > 6000.0);
        const Run search = runHat({"pareto", "--workspace", searched, "--device", "raspberrypi", "--csv"});
        QCOMPARE(search.code, 0);
        // Independent check: the lowest loss on the front at or under the limit, from `hat pareto`.
        double best = 1e9;
        const QStringList lines = search.out.split('\n', Qt::SkipEmptyParts);
        for (int i = 1; i < lines.size(); ++i) {
            // The points dialect: device,latency_ms,latency_upper_ms,valid_loss,...
            const QStringList cols = lines[i].split(',');
            if (cols[1].toDouble() <= f["limit_ms"].get<double>()) best = std::min(best, cols[3].toDouble());
        }
        QVERIFY(std::abs(f["best"]["valid_loss"].get<double>() - best) < 1e-5);

        const Run bad = runHat({"compare", "--workspace", searched, "--relative-limit", "2"});
        QCOMPARE(bad.code, 2);
        QVERIFY(bad.err.contains("--relative-limit must be between 0 and 1"));
        const Run unknown = runHat({"compare", "--workspace", searched, "--devices", "nosuch"});
        QVERIFY(unknown.code != 0);
        QVERIFY(unknown.err.contains("nosuch"));
    }
    void exportWritesHeaderJsonAndThePointsCsv() {
        QVERIFY(!searched.isEmpty());
        const Run yaml = runHat({"export", "--workspace", searched, "--run", "1", "--format", "yaml"});
        QVERIFY2(yaml.code == 0, qPrintable(yaml.err));
        const DesignSpace space = DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml"));
        const SubConfig best = parseSubConfigYaml(yaml.out.toStdString(), "export.yml", &space);
        QVERIFY(yaml.out.contains("\n# device: hat/wmt14ende_cpu_raspberrypi\n"));
        QVERIFY(yaml.out.contains("\n# SuperTransformer: supernet.pt\n"));
        QVERIFY(yaml.out.contains("1/16-width proxy"));  // the tiny SuperTransformer is 1/16 wide

        const Run json = runHat({"export", "--workspace", searched, "--run", "1", "--format", "json"});
        QCOMPARE(json.code, 0);
        const auto j = nlohmann::json::parse(json.out.toStdString());
        QVERIFY(parseSubConfigJson(j["config"].dump(), "export.json", &space).sameArchitecture(best));
        QCOMPARE(j["export"]["device"].get<std::string>(), std::string("hat/wmt14ende_cpu_raspberrypi"));
        QCOMPARE(j["export"]["latency_ms"].get<double>(), j["latency_ms"].get<double>());
        QCOMPARE(j["export"]["valid_loss"].get<double>(), j["valid_loss"].get<double>());
        QCOMPARE(j["export"]["width_divisor"].get<int>(), 16);
        QVERIFY(yaml.out.contains(QString::fromStdString("# predicted latency: ")));

        const Run csv = runHat({"export", "--workspace", searched, "--run", "1", "--format", "csv"});
        QCOMPARE(csv.code, 0);
        const QStringList rows = csv.out.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(rows.size(), 16 + 1);  // the last generation's members
        const Run front = runHat({"pareto", "--workspace", searched, "--device", "raspberrypi", "--csv"});
        QCOMPARE(front.code, 0);
        QCOMPARE(front.out.split('\n').first(), rows.first());  // one dialect
        QVERIFY(rows.first().startsWith("device,latency_ms,latency_upper_ms,valid_loss,bleu,params,flops_30x30,summary,"));
        QVERIFY(rows.first().endsWith(",gene"));
        // The best member first, with the loss `--format json` gives.
        QVERIFY(std::abs(rows[1].split(',')[3].toDouble() - j["valid_loss"].get<double>()) <= 5e-7);
    }

    void measureHereStoresAndListsMeasurements() {
        const QString ws = dir.filePath("local");
        const Run init = runHat({"workspace", "init", ws, "--space", QString::fromStdString(sourcePath("data/spaces/space0.yml")),
                                 "--checkpoint", QString::fromStdString(tiny.checkpoint), "--corpus",
                                 QString::fromStdString(tiny.corpusDir), "--dict", QString::fromStdString(tiny.dictionary),
                                 "--devices", "local/1t,hat/wmt14ende_cpu_raspberrypi",
                                 "--data-dir", QString::fromStdString(sourcePath("data"))});
        QVERIFY2(init.code == 0, qPrintable(init.err));
        const QString arch = dir.filePath("smallest.yml");
        const DesignSpace space = DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml"));
        std::ofstream(arch.toStdString()) << subConfigToYaml(SubConfig::smallest(space));

        const Run m = runHat({"workspace", "measure", "--workspace", ws, "--device", "local/1t", arch, "--json"});
        QVERIFY2(m.code == 0, qPrintable(m.err));
        const auto j = nlohmann::json::parse(m.out.toStdString());
        QCOMPARE(j["device"].get<std::string>(), std::string("local/1t"));
        QCOMPARE(j["measured_ms"].get<double>(), j["encoder_ms"].get<double>() + j["decoder_ms"].get<double>());
        QVERIFY(j["encoder_ms"].get<double>() > 0.0);
        // The stored prediction is the shipped predictor's, as `hat latency predict` gives it.
        const Run p = runHat({"latency", "predict", "--predictor", QString::fromStdString(sourcePath("data/latency/local/space0_1t.pt")),
                              "--space", QString::fromStdString(sourcePath("data/spaces/space0.yml")), arch, "--json"});
        QCOMPARE(p.code, 0);
        const auto pj = nlohmann::json::parse(p.out.toStdString());
        QVERIFY(std::abs(j["predicted_ms"].get<double>() - pj["ms"].get<double>()) < 1e-6 * pj["ms"].get<double>());
        QVERIFY(std::abs(j["interval_ms"][1].get<double>() - pj["high_ms"].get<double>()) < 1e-6 * pj["high_ms"].get<double>());

        const Run list = runHat({"workspace", "measure", "--workspace", ws, "--device", "local/1t", "--json"});
        QCOMPARE(list.code, 0);
        const auto l = nlohmann::json::parse(list.out.toStdString());
        QCOMPARE(l["measurements"].size(), size_t(1));
        QCOMPARE(l["measurements"][0]["measured_ms"].get<double>(), j["measured_ms"].get<double>());

        const Run elsewhere = runHat({"workspace", "measure", "--workspace", ws, "--device", "raspberrypi", arch});
        QVERIFY(elsewhere.code != 0);
        QVERIFY2(elsewhere.err.contains("only a local device can be measured here"), qPrintable(elsewhere.err));
    }

    void workspaceCopyWorksElsewhere() {
        QVERIFY(!searched.isEmpty());
        const QString copy = dir.filePath("deeper/still/copy");
        const Run r = runHat({"workspace", "copy", searched, copy});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(copy + "/workspace.db"));
        // The copy answers as the original does: same front, latencies from the same predictor.
        const Run a = runHat({"pareto", "--workspace", searched, "--device", "raspberrypi", "--csv"});
        const Run b = runHat({"pareto", "--workspace", copy, "--device", "raspberrypi", "--csv"});
        QVERIFY2(a.code == 0 && b.code == 0, qPrintable(a.err + b.err));
        QCOMPARE(b.out, a.out);

        const Run again = runHat({"workspace", "copy", searched, copy});
        QCOMPARE(again.code, 2);
        QCOMPARE(again.err.count('\n'), 1);
        QVERIFY2(again.err.contains(copy + "/workspace.db") && again.err.contains("already exists"),
                 qPrintable(again.err));
        const Run missing = runHat({"workspace", "copy", dir.filePath("nothing"), dir.filePath("x")});
        QCOMPARE(missing.code, 2);
        QVERIFY2(missing.err.contains("no such workspace database"), qPrintable(missing.err));
        const Run usage = runHat({"workspace", "copy", searched});
        QCOMPARE(usage.code, 2);
        QVERIFY(usage.err.contains("usage: hat workspace copy SRC DST"));
    }
};

QTEST_GUILESS_MAIN(TestSearchCli)
#include "test_search_cli.moc"

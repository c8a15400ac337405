// `hat latency ...` and `hat predictor ...` as scripts use them: exit codes, --json, one-line
// errors naming what is wrong.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <map>

#include "core/latency/latency_dataset.h"
#include "support/fixtures.h"
#include "support/hat_process.h"

using namespace hat;
using namespace hat::test;

namespace {
using Run = HatRun;
QString src(const std::string& rel) { return QString::fromStdString(sourcePath(rel)); }
bool oneLine(const QString& s) { return s.trimmed().count('\n') == 0 && !s.trimmed().isEmpty(); }
}  // namespace

class TestLatencyCli : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir;
    QString space0 = src("data/spaces/space0.yml");
    QString xeon = src("data/latency/hat/wmt14ende_cpu_xeon_all.csv");
    QString hatXeon = QString::fromStdString(fixture("hat_predictors/wmt14ende_cpu_xeon.pt"));
    QString subset, arch;

private Q_SLOTS:
    void initTestCase() {
        // 200 rows of HAT's Xeon set, so training stays quick.
        auto d = LatencyDataset::load(xeon.toStdString());
        d.samples.resize(200);
        subset = dir.filePath("xeon200.csv");
        d.save(subset.toStdString());
        arch = dir.filePath("arch.yml");
        std::ofstream(arch.toStdString())
            << "encoder-embed-dim-subtransformer: 512\nencoder-layer-num-subtransformer: 6\n"
               "encoder-ffn-embed-dim-all-subtransformer: [1024, 1024, 1024, 1024, 1024, 1024]\n"
               "encoder-self-attention-heads-all-subtransformer: [8, 8, 8, 8, 8, 8]\n"
               "decoder-embed-dim-subtransformer: 512\ndecoder-layer-num-subtransformer: 2\n"
               "decoder-ffn-embed-dim-all-subtransformer: [2048, 1024]\n"
               "decoder-self-attention-heads-all-subtransformer: [8, 4]\n"
               "decoder-ende-attention-heads-all-subtransformer: [8, 8]\n"
               "decoder-arbitrary-ende-attn-all-subtransformer: [1, -1]\n";
    }

    void trainEvalPredict() {
        const QString p = dir.filePath("p.pt");
        Run r = runHat({"predictor", "train", "--dataset", subset, "--out", p, "--steps", "150", "--folds", "2",
                        "--seed", "3", "--space", src("data/spaces/latency_space.yml"), "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        auto j = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(j["rows"].get<int>(), 200);
        QVERIFY(j["held_out"]["interval_coverage_pct"].get<double>() >= 88.0);

        r = runHat({"predictor", "eval", "--predictor", p, "--dataset", xeon, "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        j = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(j["rows"].get<int>(), 2000);
        for (const char* k : {"rmse_ms", "mape_pct", "within_5pct", "within_10pct", "interval_coverage_pct"}) {
            QVERIFY2(j.contains(k) && j[k].is_number(), k);
        }
        r = runHat({"predictor", "eval", "--predictor", p, "--dataset", xeon});
        QVERIFY(r.code == 0 && r.out.contains("RMSE:") && r.out.contains("interval coverage"));

        r = runHat({"latency", "predict", "--predictor", p, arch});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(" ms (90% interval "), qPrintable(r.out));
        r = runHat({"latency", "predict", "--predictor", p, arch, "--json"});
        j = nlohmann::json::parse(r.out.toStdString());
        QVERIFY(j["low_ms"].get<double>() < j["ms"].get<double>() && j["ms"].get<double>() < j["high_ms"].get<double>());
    }

    void hatPredictorFromTheCommandLine() {
        Run r = runHat({"latency", "predict", "--predictor", hatXeon, arch, "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto j = nlohmann::json::parse(r.out.toStdString());
        QVERIFY(j["ms"].get<double>() > 0 && !j.contains("low_ms"));
        r = runHat({"predictor", "eval", "--predictor", hatXeon, "--dataset", subset});
        QVERIFY(r.code == 0 && r.out.contains("n/a"));
    }

    void oneLineErrors() {
        // Malformed CSV: file and line.
        const QString bad = dir.filePath("bad.csv");
        std::ofstream(bad.toStdString()) << LatencyDataset::csvHeader(false) << "\n640,6,1\n";
        Run r = runHat({"predictor", "eval", "--predictor", hatXeon, "--dataset", bad});
        QVERIFY(r.code != 0 && oneLine(r.err));
        QVERIFY2(r.err.contains(bad + ":2: the row has 3 fields"), qPrintable(r.err));
        // A predictor for another feature layout.
        const QString p = dir.filePath("p.pt");
        const QString wrong = dir.filePath("wrong.pt");
        QFile::copy(hatXeon, wrong);  // a bare HAT file without a lat_norm-bearing name
        r = runHat({"latency", "predict", "--predictor", wrong, arch});
        QVERIFY(r.code != 0 && oneLine(r.err) && r.err.contains("lat_norm"));
        // An architecture outside the space (the predictor's own, recorded at training).
        const QString outside = dir.filePath("outside.yml");
        std::ofstream(outside.toStdString())
            << "encoder-embed-dim-subtransformer: 300\nencoder-layer-num-subtransformer: 6\n"
               "encoder-ffn-embed-dim-all-subtransformer: [1024, 1024, 1024, 1024, 1024, 1024]\n"
               "encoder-self-attention-heads-all-subtransformer: [8, 8, 8, 8, 8, 8]\n"
               "decoder-embed-dim-subtransformer: 512\ndecoder-layer-num-subtransformer: 1\n"
               "decoder-ffn-embed-dim-all-subtransformer: [2048]\n"
               "decoder-self-attention-heads-all-subtransformer: [8]\n"
               "decoder-ende-attention-heads-all-subtransformer: [8]\n"
               "decoder-arbitrary-ende-attn-all-subtransformer: [1]\n";
        r = runHat({"latency", "predict", "--predictor", p, outside});
        QVERIFY2(r.code != 0 && oneLine(r.err) && r.err.contains("300"), qPrintable(r.err));
        r = runHat({"latency", "predict", "--predictor", hatXeon, "--space", space0, outside});
        QVERIFY(r.code != 0 && oneLine(r.err) && r.err.contains("300"));
        // Usage errors exit 2.
        QCOMPARE(runHat({"latency", "measure", "--space", space0, "--out", dir.filePath("x.csv")}).code, 2);
    }

    void measureOneArchitecture() {
        // The smallest protocol that still runs the whole path (space0, tiny vocabulary).
        const QString out = dir.filePath("m.csv");
        Run r = runHat({"latency", "measure", "--space", space0, "--arch", arch, "--out", out, "--runs", "1",
                        "--warmups", "0", "--src-len", "4", "--tgt-len", "2", "--beam", "1", "--vocab", "64"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("added to"));
        const auto d = LatencyDataset::load(out.toStdString());
        QCOMPARE(d.size(), size_t(1));
        QCOMPARE(d.samples[0].protocol.vocab, 64);
        QCOMPARE(d.samples[0].protocol.threads, 1);
        QCOMPARE(d.samples[0].protocol.runtime, std::string("fp32"));

        // Under another runtime the row says so; the fp32 file refuses it, a new file takes it.
        const QStringList tiny = {"--runs", "1", "--warmups", "0", "--src-len", "4", "--tgt-len", "2",
                                  "--beam", "1", "--vocab", "64"};
        r = runHat(QStringList{"latency", "measure", "--space", space0, "--arch", arch, "--out", out,
                               "--runtime", "int8"} + tiny);
        QCOMPARE(r.code, 2);
        QVERIFY2(oneLine(r.err) && r.err.contains("another protocol"), qPrintable(r.err));
        const QString int8 = dir.filePath("m_int8.csv");
        r = runHat(QStringList{"latency", "measure", "--space", space0, "--arch", arch, "--out", int8,
                               "--runtime", "int8"} + tiny);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(LatencyDataset::load(int8.toStdString()).samples[0].protocol.runtime, std::string("int8"));
        // A runtime with no kernels here, and an unknown one: exit 2, nothing written.
        for (const QString& bad : {QString("w4a8"), QString("tpu")}) {
            const QString none = dir.filePath("none_" + bad + ".csv");
            r = runHat(QStringList{"latency", "measure", "--space", space0, "--arch", arch, "--out", none,
                                   "--runtime", bad} + tiny);
            QCOMPARE(r.code, 2);
            QVERIFY2(r.err.contains(bad == "tpu" ? "unknown runtime 'tpu' (known: fp32, fp32-onednn, int8, "
                                                 : "cannot be measured here"),
                     qPrintable(r.err));
            QVERIFY(!QFileInfo::exists(none));
        }
    }

    void runtimes() {
        // The contract: every known runtime with its precision, whether it runs here, and why not.
        const Run r = runHat({"latency", "runtimes", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto j = nlohmann::json::parse(r.out.toStdString());
        std::map<std::string, nlohmann::json> byId;
        for (const auto& e : j) byId[e["id"].get<std::string>()] = e;
        QCOMPARE(byId.size(), size_t(5));
        QCOMPARE(j[0]["id"].get<std::string>(), std::string("fp32"));
        QVERIFY(byId["fp32"]["supported"].get<bool>());
        QCOMPARE(byId["int8"]["precision"].get<std::string>(), std::string("int8"));
        QCOMPARE(byId["w4a8"]["precision"].get<std::string>(), std::string("w4a8"));
        QVERIFY(!byId["w4a8"]["supported"].get<bool>());
        QVERIFY(byId["w4a8"]["reason"].get<std::string>().find("4-bit") != std::string::npos);
        QVERIFY(!byId["fp32"].contains("reason"));
    }

    void devices() {
        const Run r = runHat({"latency", "devices", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto j = nlohmann::json::parse(r.out.toStdString());
        QVERIFY(j.size() >= 12);
        // A device is hardware x runtime x threads; HAT's devices are fp32.
        std::map<std::string, nlohmann::json> byId;
        for (const auto& e : j) byId[e["id"].get<std::string>()] = e;
        QCOMPARE(byId["local/1t"]["runtime"].get<std::string>(), std::string("fp32"));
        QCOMPARE(byId["local/1t/int8"]["runtime"].get<std::string>(), std::string("int8"));
        QCOMPARE(byId["local/1t/int8"]["threads"].get<int>(), 1);
        QCOMPARE(byId["local/1t/int8"]["hardware"], byId["local/1t"]["hardware"]);
        QCOMPARE(byId["hat/wmt14ende_cpu_raspberrypi"]["runtime"].get<std::string>(), std::string("fp32"));
        QVERIFY(!byId.count("local/1t/w4a8"));
    }
};

QTEST_APPLESS_MAIN(TestLatencyCli)
#include "test_latency_cli.moc"

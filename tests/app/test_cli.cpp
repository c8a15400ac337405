// The `hat` command line as scripts use it: exit codes, --json output, one-line errors.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "core/space/arch_metrics.h"
#include "core/space/subconfig_io.h"
#include "support/fixtures.h"

using namespace hat;
using namespace hat::test;

namespace {
struct Run {
    int code;
    QString out, err;
};
Run runHat(const QStringList& args) {
    QProcess p;
    p.start(QString(HAT_BINARY_DIR) + "/app/hat", args);
    p.waitForFinished(120000);
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}
}  // namespace

class TestCli : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir;
    QString space0 = QString::fromStdString(sourcePath("data/spaces/space0.yml"));
    QString space1 = QString::fromStdString(sourcePath("data/spaces/space1_iwslt.yml"));

private Q_SLOTS:
    void archInfoOnPublishedSubTransformers() {
        const auto published = readJson(fixture("published_subtransformers.json"));
        int n = 0;
        for (const auto& p : published) {
            const QString file = dir.filePath(QString("pub%1.yml").arg(n++));
            {
                std::ofstream out(file.toStdString());
                for (const auto& [k, v] : p["yaml"].items()) out << k << ": " << v.dump() << "\n";
            }
            const bool iwslt = p["dataset"] == "iwslt14.de-en";
            const Run r = runHat({"arch", "info", "--space", iwslt ? space1 : space0, file, "--json"});
            QVERIFY2(r.code == 0, qPrintable(r.err));
            const auto j = nlohmann::json::parse(r.out.toStdString());
            const SubConfig c = configFromJson(p["config"]);
            QCOMPARE(j["params"].get<int64_t>(), hatParameterCount(c, 512));
            QCOMPARE(j["gene"].size(), size_t(40));
            QVERIFY(j["flops"].get<int64_t>() > 0);
            const Run text = runHat({"arch", "info", "--space", iwslt ? space1 : space0, file});
            QVERIFY(text.code == 0 && text.out.contains("parameters:"));
        }
        QCOMPARE(n, 44);
    }
    void sampleIsHatsSampler() {
        const Run r = runHat({"arch", "sample", "--space", space0, "--seed", "0"});
        QCOMPARE(r.code, 0);
        const SubConfig c = parseSubConfigYaml(r.out.toStdString(), "stdout", nullptr);
        const auto fixtureSample = readJson(fixture("hat_parity/sample_configs.json"))["spaces"][0]["samples"][0];
        QVERIFY(c.sameArchitecture(configFromJson(fixtureSample["config"])));
        QCOMPARE(runHat({"arch", "sample", "--space", space0, "--seed", "0"}).out, r.out);
    }
    void bleuAgreesWithSacrebleuFixtures() {
        // Every corpus-level BLEU and chrF case with one reference per segment, through files.
        const auto cases = readJson(fixture("bleu/sacrebleu_cases.json"))["cases"];
        int checked = 0;
        for (const auto& c : cases) {
            if (c["level"] != "corpus" || (c["metric"] != "bleu" && c["metric"] != "chrf")) continue;
            if (c.contains("sacrebleu_cli_error")) continue;
            bool simple = true;
            for (const auto& stream : c["references"]) {
                for (const auto& r : stream) simple = simple && r.is_string() && r.get<std::string>().find('\n') == std::string::npos;
            }
            for (const auto& h : c["hypotheses"]) simple = simple && h.get<std::string>().find('\n') == std::string::npos;
            const auto& o = c["options"];
            if (!simple || c["hypotheses"].empty()) continue;
            if (c["metric"] == "bleu" && (o["max_ngram_order"] != 4)) continue;
            if (c["metric"] == "chrf" && (o["char_order"] != 6 || o["beta"] != 2 || o["whitespace"] || o["eps_smoothing"])) continue;
            QStringList args{"bleu"};
            auto write = [&](const QString& name, const nlohmann::json& lines) {
                const QString path = dir.filePath(name);
                std::ofstream out(path.toStdString(), std::ios::binary);
                for (const auto& l : lines) out << l.get<std::string>() << "\n";
                return path;
            };
            args << write("hyp.txt", c["hypotheses"]);
            for (size_t k = 0; k < c["references"].size(); ++k) args << write(QString("ref%1.txt").arg(k), c["references"][k]);
            if (c["metric"] == "bleu") {
                args << "--tokenize" << QString::fromStdString(o["tokenize"]) << "--smooth-method"
                     << QString::fromStdString(o["smooth_method"]);
                if (!o["smooth_value"].is_null()) args << "--smooth-value" << QString::number(o["smooth_value"].get<double>(), 'g', 17);
                if (o["effective_order"]) args << "--effective-order";
            } else {
                args << "--metric" << "chrf" << "--chrf-word-order" << QString::number(o["word_order"].get<int>());
            }
            if (o["lowercase"]) args << "--lowercase";
            args << "--json";
            const Run r = runHat(args);
            QVERIFY2(r.code == 0, qPrintable(QString::fromStdString(c["id"]) + ": " + r.err));
            const auto j = nlohmann::json::parse(r.out.toStdString());
            QVERIFY2(std::abs(j["score"].get<double>() - c["expected"]["score"].get<double>()) <= 1e-6,
                     c["id"].get<std::string>().c_str());
            if (c["metric"] == "bleu") {
                QCOMPARE(j["counts"], c["expected"]["counts"]);
                QCOMPARE(j["totals"], c["expected"]["totals"]);
                QCOMPARE(j["sys_len"], c["expected"]["sys_len"]);
                QCOMPARE(j["ref_len"], c["expected"]["ref_len"]);
            }
            ++checked;
        }
        qInfo("hat bleu agreed with %d sacreBLEU fixture cases", checked);
        QVERIFY(checked >= 30);
        // Different line counts are an error.
        const QString a = dir.filePath("a.txt"), b = dir.filePath("b.txt");
        { std::ofstream(a.toStdString()) << "one\ntwo\n"; std::ofstream(b.toStdString()) << "one\n"; }
        const Run bad = runHat({"bleu", a, b});
        QCOMPARE(bad.code, 2);
        QCOMPARE(bad.err.trimmed().count('\n'), 0);
    }
    void badInputGivesOneLineAndExit2() {
        const Run missing = runHat({"arch", "info", "--space", space0, "/no/such.yml"});
        QCOMPARE(missing.code, 2);
        QCOMPARE(missing.err.trimmed().count('\n'), 0);
        QVERIFY(missing.err.contains("/no/such.yml: cannot open file"));

        const QString bad = dir.filePath("bad.yml");
        { std::ofstream(bad.toStdString()) << "encoder-embed-dim-subtransformer: 700\n"; }
        const Run r = runHat({"arch", "info", "--space", space0, bad});
        QCOMPARE(r.code, 2);
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY(r.err.contains("bad.yml"));

        QCOMPARE(runHat({"arch", "sample", "--space", space0}).code, 2);           // no --seed
        QCOMPARE(runHat({"arch", "sample", "--space", space0, "--seed", "x"}).code, 2);
        QCOMPARE(runHat({"arch", "info", "--bogus"}).code, 2);
        QCOMPARE(runHat({"nonsense"}).code, 2);
        QCOMPARE(runHat({"--help"}).code, 0);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"

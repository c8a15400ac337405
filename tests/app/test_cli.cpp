// The `hat` command line as scripts use it: exit codes, --json output, one-line errors.
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>

#include "core/space/arch_metrics.h"
#include "core/space/subconfig_io.h"
#include "support/fixtures.h"
#include "support/hat_process.h"

using namespace hat;
using namespace hat::test;

namespace {
using Run = HatRun;
// Every command with the options it took before the shared parser (issue 14): those that take a
// value, then the switches. Each must stay, of the same kind, and be in the command's --help.
struct CommandOptions {
    QString name;
    QStringList values, switches;
};
const std::vector<CommandOptions>& everyCommand() {
    static const std::vector<CommandOptions> all = {
        {"arch info", {"--space", "--src-len", "--tgt-len", "--vocab", "--precision"}, {"--json"}},
        {"arch sample", {"--space", "--seed"}, {"--json"}},
        {"arch weights", {"--checkpoint", "--space", "--out"}, {"--json"}},
        {"bleu",
         {"--tokenize", "--smooth-method", "--smooth-value", "--metric", "--chrf-word-order"},
         {"--lowercase", "--effective-order", "--json"}},
        {"compare", {"--workspace", "--devices", "--relative-limit"}, {"--upper-bound", "--json"}},
        {"data prepare",
         {"--corpus", "--src", "--tgt", "--out", "--vocab-size", "--model-type"},
         {}},
        {"eval",
         {"--checkpoint", "--space", "--split", "--corpus", "--spm", "--dict", "--max-tokens",
          "--beam", "--lenpen", "--limit", "--threads", "--precision"},
         {"--bleu", "--json"}},
        {"export", {"--workspace", "--run", "--format"}, {}},
        {"latency devices", {}, {"--json"}},
        {"latency measure",
         {"--space", "--samples", "--threads", "--runtime", "--out", "--seed", "--runs", "--warmups",
          "--src-len", "--tgt-len", "--beam", "--vocab", "--arch"},
         {"--quiet"}},
        {"latency predict", {"--predictor", "--space", "--hat-lat-norm"}, {"--json"}},
        {"latency runtimes", {}, {"--json"}},
        {"pareto",
         {"--workspace", "--device", "--threads"},
         {"--csv", "--all", "--upper-bound", "--bleu"}},
        {"predictor eval", {"--predictor", "--dataset", "--hat-lat-norm"}, {"--json"}},
        {"predictor train",
         {"--dataset", "--out", "--seed", "--space", "--steps", "--folds", "--threads",
          "--hat-lat-norm"},
         {"--json", "--hat-recipe", "--quiet"}},
        {"search",
         {"--workspace", "--device", "--max-latency-ms", "--max-size-mb", "--seed", "--generations",
          "--population", "--parents", "--mutations", "--crossovers", "--mutation-prob", "--threads",
          "--resume",
          "--surrogate-pool", "--race-sigmas"},
         {"--json", "--upper-bound", "--cold", "--quiet", "--no-surrogate", "--racing", "--no-racing"}},
        {"train",
         {"--corpus",
          "--src",
          "--tgt",
          "--spm",
          "--dict",
          "--space",
          "--out",
          "--width-divisor",
          "--max-updates",
          "--max-tokens",
          "--lr",
          "--warmup",
          "--seed",
          "--threads",
          "--validate-every",
          "--checkpoint-every",
          "--max-valid-batches",
          "--dropout",
          "--clip-norm",
          "--sampling"},
         {"--json"}},
        {"workspace copy", {}, {}},
        {"workspace init",
         {"--space", "--checkpoint", "--devices", "--corpus", "--spm", "--dict", "--src", "--tgt",
          "--fitness-sentences", "--fitness-sampling", "--data-dir"},
         {}},
        {"workspace measure", {"--workspace", "--device"}, {"--json"}},
    };
    return all;
}

QStringList words(const QString& command) { return command.split(' '); }
QStringList lines(const QString& text) { return text.trimmed().split('\n'); }
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
                QString path = dir.filePath(name);
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

    void helpListsEveryCommand() {
        const Run r = runHat({"--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.err.isEmpty());
        QCOMPARE(runHat({"help"}).out, r.out);
        QCOMPARE(runHat({"-h"}).out, r.out);
        const Run bare = runHat({});  // no command: the same list, as an error
        QCOMPARE(bare.code, 2);
        QCOMPARE(bare.err, r.out);
        // One line per command: its name, then a one-line summary.
        const QString list = r.out.section("commands:\n", 1).section("\n\n", 0, 0);
        const QStringList rows = list.split('\n');
        QCOMPARE(int(rows.size()), int(everyCommand().size()));
        for (size_t i = 0; i < everyCommand().size(); ++i) {
            const QString& name = everyCommand()[i].name;
            const QRegularExpression row("^  " + QRegularExpression::escape(name) +
                                         " {2,}[a-zA-Z].{10,}$");
            QVERIFY2(row.match(rows[int(i)]).hasMatch(), qPrintable(rows[int(i)]));
        }
    }

    void everyCommandHasGeneratedHelp() {
        for (const CommandOptions& c : everyCommand()) {
            const Run r = runHat(words(c.name) << "--help");
            QVERIFY2(r.code == 0, qPrintable(c.name + ": " + r.err));
            QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
            QVERIFY2(r.out.startsWith("usage: hat " + c.name + " "), qPrintable(r.out));
            QVERIFY2(r.out.contains("\n  -h, --help "), qPrintable(c.name));
            // Each option in the left column: a value name after those that take one, none after
            // a switch; then its help, on the same line or the next.
            for (const QString& o : c.values) {
                const QRegularExpression row("\n  " + QRegularExpression::escape(o) +
                                             " [^ \n]+( {2,}|\n {4,})[a-zA-Z0-9]");
                QVERIFY2(row.match(r.out).hasMatch(), qPrintable(c.name + " " + o + "\n" + r.out));
            }
            for (const QString& o : c.switches) {
                const QRegularExpression row("\n  " + QRegularExpression::escape(o) +
                                             " {2,}[a-zA-Z]");
                QVERIFY2(row.match(r.out).hasMatch(), qPrintable(c.name + " " + o + "\n" + r.out));
            }
            // Nothing else: the options section lists exactly these (and -h, --help).
            const QString options = r.out.section("\noptions:\n", 1);
            const QRegularExpression optionRow("^  -", QRegularExpression::MultilineOption);
            QCOMPARE(int(options.count(optionRow)), int(c.values.size() + c.switches.size() + 1));
            // -h and `hat help <command>` give the same help; checked on two commands only,
            // since every run of hat loads LibTorch (most of a second).
            if (c.name == "bleu" || c.name == "workspace measure") {
                QCOMPARE(runHat(words(c.name) << "-h").out, r.out);
                QCOMPARE(runHat(QStringList{"help"} << words(c.name)).out, r.out);
            }
        }
        // Help wins over a mistake beside it, and needs nothing else.
        const Run r = runHat({"search", "--bogus", "--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.startsWith("usage: hat search "));
        QCOMPARE(runHat({"help", "nonsense"}).code, 2);
    }

    void unknownOptionIsOneLineNamingIt() {
        for (const CommandOptions& c : everyCommand()) {
            const Run r = runHat(words(c.name) << "--bogus");
            QCOMPARE(r.code, 2);
            QVERIFY(r.out.isEmpty());
            const QStringList err = lines(r.err);
            QCOMPARE(err.front(), "hat " + c.name + ": unknown option --bogus");
            QCOMPARE(int(err.filter("--bogus").size()), 1);
            // Usage errors add the usage line, except hat bleu's, which stay one line.
            if (c.name == "bleu") {
                QCOMPARE(int(err.size()), 1);
            } else {
                QCOMPARE(int(err.size()), 2);
                QVERIFY2(err[1].startsWith("usage: hat " + c.name + " "), qPrintable(err[1]));
            }
        }
    }

    void usageMistakesAreNamed() {
        Run r = runHat({"arch", "sample", "--space", space0, "--seed", "1", "--seed", "2"});
        QCOMPARE(r.code, 2);
        QCOMPARE(lines(r.err).front(), QString("hat arch sample: --seed given twice"));
        r = runHat({"arch", "sample", "--space", space0, "--json", "--json", "--seed", "1"});
        QCOMPARE(lines(r.err).front(), QString("hat arch sample: --json given twice"));
        r = runHat({"arch", "sample", "--space", space0, "--seed"});
        QCOMPARE(r.code, 2);
        QCOMPARE(lines(r.err).front(), QString("hat arch sample: --seed needs a value"));
        r = runHat({"arch", "sample", "--spce", space0, "--seed", "1"});
        QCOMPARE(r.code, 2);
        QCOMPARE(lines(r.err).front(),
                 QString("hat arch sample: unknown option --spce (did you mean --space?)"));
        r = runHat({"arch", "sample", "--space", space0, "--seed", "1", "--json=yes"});
        QCOMPARE(lines(r.err).front(), QString("hat arch sample: --json takes no value"));
        // The same words, with '=': a value may be given either way.
        QCOMPARE(runHat({"arch", "sample", "--space=" + space0, "--seed=4"}).out,
                 runHat({"arch", "sample", "--space", space0, "--seed", "4"}).out);

        const QString a = dir.filePath("same.txt");
        { std::ofstream(a.toStdString()) << "a small test sentence\n"; }
        r = runHat({"bleu", a, a, "--tokenize", "13a", "--tokenize", "intl"});
        QCOMPARE(r.code, 2);
        QCOMPARE(r.err, QString("hat bleu: --tokenize given twice\n"));
        r = runHat({"bleu", a, a, "--metric", "chrf", "--tokenize", "intl"});
        QCOMPARE(r.err, QString("hat bleu: --tokenize does not apply to --metric chrf\n"));
    }

    void doubleDashEndsOptions() {
        // Files whose names start with '-' need "--" in front of them.
        { std::ofstream(dir.filePath("-hyp.txt").toStdString()) << "a small test sentence\n"; }
        Run r = runHat({"bleu", "--", "-hyp.txt", "-hyp.txt"}, inDirectory(dir.path()));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.startsWith("BLEU = 100.00 "), qPrintable(r.out));
        r = runHat({"bleu", "-hyp.txt", "-hyp.txt"}, inDirectory(dir.path()));
        QCOMPARE(r.code, 2);
        QCOMPARE(r.err, QString("hat bleu: unknown option -hyp.txt\n"));
        // After "--" an option's name is a file name.
        r = runHat({"bleu", "--json", "--", "-hyp.txt", "--lowercase"}, inDirectory(dir.path()));
        QCOMPARE(r.code, 2);
        QCOMPARE(r.err, QString("hat bleu: --lowercase: cannot open file: no such file or directory\n"));
        r = runHat({"bleu", "--json", "--", "-hyp.txt", "-hyp.txt"}, inDirectory(dir.path()));
        QCOMPARE(r.code, 0);
        QCOMPARE(nlohmann::json::parse(r.out.toStdString())["score"].get<double>(), 100.0);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"

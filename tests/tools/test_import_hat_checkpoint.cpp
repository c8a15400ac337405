// tools/import_hat_checkpoint.py: HAT's fairseq checkpoints (legacy and zip format, fp16, padded
// dictionaries) become SuperTransformers that hat::loadSuperTransformer reads without being told
// the space, with the fixture's weights and HAT's logits; bad input is refused on one line.
// The checkpoints are built by make_fairseq_checkpoint.py from the small fixture SuperTransformer.
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "core/data/dictionary.h"
#include "core/model/checkpoint.h"
#include "support/fixtures.h"

using namespace hat;
using namespace hat::test;

namespace {
struct Run {
    int code = -1;
    QString out, err;
};

Run runProcess(const QString& program, const QStringList& args) {
    QProcess p;
    p.start(program, args);
    Run r;
    if (!p.waitForStarted(30000)) {
        r.err = program + ": cannot start";
        return r;
    }
    p.waitForFinished(300000);
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b) {
    if (a.sizes() != b.sizes()) return std::numeric_limits<double>::infinity();
    return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}
}  // namespace

class TestImportHatCheckpoint : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir;
    QString python;
    TensorDict fixtureWeights;

    QString path(const QString& name) const { return dir.filePath(name); }
    std::string spath(const QString& name) const { return path(name).toStdString(); }

    Run convert(const QString& checkpoint, const QString& dict, const QString& out) {
        return runProcess(python, {QString::fromStdString(sourcePath("tools/import_hat_checkpoint.py")),
                                   checkpoint, "--dict", dict, "--out", out});
    }

    // The converter needs Debian's python3-torch. PATH's python3 may be another interpreter
    // (pyenv, a venv) without it, so Debian's own is tried first; HAT_PYTHON overrides both.
    static QString pythonWithTorch(QStringList* tried) {
        QStringList candidates;
        if (qEnvironmentVariableIsSet("HAT_PYTHON")) candidates << qEnvironmentVariable("HAT_PYTHON");
        candidates << "/usr/bin/python3" << "python3";
        for (const auto& c : candidates) {
            *tried << c;
            if (runProcess(c, {"-c", "import torch"}).code == 0) return c;
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir.isValid());
        QStringList tried;
        python = pythonWithTorch(&tried);
        if (python.isEmpty()) {
            // A failure, not a skip: the setup script installs python3-torch.
            const QString m = "no Python with torch (tried " + tried.join(", ") +
                              "); install python3-torch with scripts/install-deps.sh";
            QFAIL(qPrintable(m));
        }
        const Run r = runProcess(python, {QString::fromStdString(sourcePath("tests/tools/make_fairseq_checkpoint.py")),
                                          QString(HAT_FIXTURES_DIR), dir.path()});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        fixtureWeights = loadTensorDict(fixture("hat_parity/supernet_state_dict.pt"));
    }

    void importsFairseqCheckpoint_data() {
        QTest::addColumn<QString>("checkpoint");
        QTest::newRow("legacy format") << "legacy.pt";
        QTest::newRow("zip format") << "zip.pt";
    }
    void importsFairseqCheckpoint() {
        QFETCH(QString, checkpoint);
        const QString out = path("out_" + QFileInfo(checkpoint).baseName());
        const Run r = convert(path(checkpoint), path("dict.txt"), out);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("Imported") && r.out.contains("vocabulary 100"), qPrintable(r.out));
        const std::string supernet = (out + "/supernet.pt").toStdString();

        // On disk: HAT's names, float32, one shared embedding, our two metadata entries.
        const TensorDict raw = loadTensorDict(supernet);
        QCOMPARE(raw.size(), fixtureWeights.size() + 2);
        for (const auto& [name, t] : raw) {
            if (name.rfind("hat_explorer.", 0) == 0) continue;
            QVERIFY2(fixtureWeights.count(name), name.c_str());
            QCOMPARE(t.scalar_type(), torch::kFloat);
        }
        QCOMPARE(raw.at("decoder.embed_tokens.weight").data_ptr(),
                 raw.at("encoder.embed_tokens.weight").data_ptr());

        // Loaded without being told the space: the fixture's space, divisor 1, vocabulary 100.
        SuperTransformer model = loadSuperTransformer(supernet);
        QVERIFY(model->options().space == smallSpace());
        QCOMPARE(model->options().space.name, QFileInfo(checkpoint).baseName().toStdString());
        QCOMPARE(model->options().widthDivisor, 1);
        QCOMPARE(model->options().vocabSize, int64_t(100));
        const TensorDict weights = model->hatStateDict();
        for (const auto& [name, t] : fixtureWeights) {
            QVERIFY2(torch::equal(weights.at(name), t), name.c_str());
        }

        // The dictionary next to it indexes the embedding rows.
        const Dictionary dict = Dictionary::loadFairseq((out + "/dict.txt").toStdString());
        QCOMPARE(int64_t(dict.size()), model->options().vocabSize);
        QCOMPARE(dict.symbol(4), std::string("w000"));

        // HAT's logits for its largest SubTransformer.
        torch::NoGradGuard g;
        model->eval();
        const TensorDict batch = loadTensorDict(fixture("hat_parity/batch.pt"));
        const TensorDict expected = loadTensorDict(fixture("hat_parity/outputs_c0_largest.pt"));
        nlohmann::json c0;
        for (const auto& s : readJson(fixture("hat_parity/subnet_results.json"))) {
            if (s["name"] == "c0_largest") c0 = s["config"];
        }
        QVERIFY(!c0.is_null());
        const SubConfig config = configFromJson(c0);
        const EncoderOutput enc = model->encode(batch.at("src_tokens"), config);
        const auto logits = model->decode(batch.at("prev_output_tokens"), enc, config);
        const double d = maxAbsDiff(logits, expected.at("logits"));
        QVERIFY2(d <= 1e-4, std::to_string(d).c_str());
    }

    void castsHalfToFloat() {
        const Run r = convert(path("fp16.pt"), path("dict.txt"), path("out_fp16"));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("cast to float32"), qPrintable(r.out));
        const TensorDict raw = loadTensorDict(spath("out_fp16/supernet.pt"));
        SuperTransformer model = loadSuperTransformer(spath("out_fp16/supernet.pt"));
        const TensorDict weights = model->hatStateDict();
        for (const auto& [name, t] : fixtureWeights) {
            QCOMPARE(raw.at(name).scalar_type(), torch::kFloat);
            QVERIFY2(torch::equal(weights.at(name), t.to(torch::kHalf).to(torch::kFloat)), name.c_str());
        }
    }

    void padsDictionaryLikeFairseq() {
        // 104 embedding rows = 4 + 96 symbols padded to a multiple of 8: the output dictionary
        // gets fairseq's madeupword entries so that it indexes every row.
        const Run r = convert(path("padded.pt"), path("dict.txt"), path("out_padded"));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("4 madeupword"), qPrintable(r.out));
        SuperTransformer model = loadSuperTransformer(spath("out_padded/supernet.pt"));
        QCOMPARE(model->options().vocabSize, int64_t(104));
        const Dictionary dict = Dictionary::loadFairseq(spath("out_padded/dict.txt"));
        QCOMPARE(dict.size(), 104);
        QCOMPARE(dict.symbol(99), std::string("w095"));
        QCOMPARE(dict.symbol(100), std::string("madeupword0000"));
        QCOMPARE(dict.symbol(103), std::string("madeupword0003"));
    }

    void runsNoCodeFromTheCheckpoint() {
        // Unpickling runs_code.pt with plain torch.load would `touch pwned`.
        const Run r = convert(path("runs_code.pt"), path("dict.txt"), path("out_runs_code"));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(path("pwned")));
        QVERIFY(QFileInfo::exists(path("out_runs_code/supernet.pt")));
    }

    void refusesBadInput_data() {
        QTest::addColumn<QString>("checkpoint");
        QTest::addColumn<QString>("dict");
        QTest::addColumn<QString>("message");
        const QString bare = QString(HAT_FIXTURES_DIR) + "/hat_parity/supernet_state_dict.pt";
        QTest::newRow("not shared") << path("unshared.pt") << path("dict.txt")
                                    << "unshared.pt: trained without --share-all-embeddings";
        QTest::newRow("embeddings differ") << path("differing_embeddings.pt") << path("dict.txt")
                                           << "differing_embeddings.pt: encoder and decoder embeddings differ";
        QTest::newRow("wrong dict size") << path("zip.pt") << path("dict95.txt")
                                         << "dict95.txt: 95 symbols + 4 specials = 99 entries (104 when "
                                            "padded to a multiple of 8), but the embedding of " +
                                                path("zip.pt") + " has 100 rows";
        QTest::newRow("not a checkpoint") << path("not_a_checkpoint.pt") << path("dict.txt")
                                          << "not_a_checkpoint.pt: not a PyTorch checkpoint";
        QTest::newRow("bare state dict") << bare << path("dict.txt")
                                         << "supernet_state_dict.pt: not a fairseq checkpoint";
        QTest::newRow("missing file") << path("missing.pt") << path("dict.txt") << "missing.pt: no such file";
        QTest::newRow("missing dict") << path("zip.pt") << path("missing.txt") << "missing.txt: no such file";
    }
    void refusesBadInput() {
        QFETCH(QString, checkpoint);
        QFETCH(QString, dict);
        QFETCH(QString, message);
        const QString out = path("out_bad");
        const Run r = convert(checkpoint, dict, out);
        QCOMPARE(r.code, 2);
        const QString err = r.err.trimmed();
        QVERIFY2(!err.contains('\n'), qPrintable(err));
        QVERIFY2(err.contains(message), qPrintable(err));
        QVERIFY(!QFileInfo::exists(out + "/supernet.pt"));
    }
};

QTEST_APPLESS_MAIN(TestImportHatCheckpoint)
#include "test_import_hat_checkpoint.moc"

// SentencePiece trained and used in a process that also has LibTorch loaded (the two carry
// incompatible protobufs; the bridge module keeps them apart).
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "core/data/parallel_corpus.h"
#include "core/data/subword_model.h"
#include "core/model/super_transformer.h"
#include "support/fixtures.h"

using namespace hat;
using namespace hat::test;

class TestSubwordModel : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir;

private Q_SLOTS:
    void trainEncodeDecode() {
        torch::Tensor t = torch::ones({2, 2});  // LibTorch (and its protobuf) is loaded
        QCOMPARE(t.sum().item<float>(), 4.0f);
        const std::string text = dir.filePath("text.txt").toStdString();
        {
            std::ofstream out(text);
            for (const auto& l : readLines(sourcePath("data/corpus/en-de/valid.en.gz"))) out << l << "\n";
        }
        SubwordTrainOptions o;
        o.vocabSize = 500;
        const std::string prefix = dir.filePath("m").toStdString();
        SubwordModel::train({text}, prefix, o);
        const SubwordModel m = SubwordModel::load(prefix + ".model");
        QCOMPARE(m.pieceCount(), 500);
        const std::string s = "Choose Format - Paragraph and click the Tabs tab.";
        const auto pieces = m.encode(s);
        QVERIFY(pieces.size() > 3 && pieces.size() < s.size());
        QCOMPARE(m.decode(pieces), s);  // lossless
    }
    void badModelFile() {
        const std::string junk = dir.filePath("junk.model").toStdString();
        { std::ofstream(junk) << "nope"; }
        QVERIFY(errorOf([&] { SubwordModel::load(junk); }).find("not a SentencePiece model") != std::string::npos);
        QVERIFY(errorOf([&] { SubwordModel::load("/no/such.model"); }).find("cannot open file") != std::string::npos);
    }
    void demoModelIsShipped() {
        const SubwordModel m = SubwordModel::load(sourcePath("data/demo/spm.model"));
        QCOMPARE(m.pieceCount(), 8000);
    }
};

QTEST_APPLESS_MAIN(TestSubwordModel)
#include "test_subword_model.moc"

// Checkpoints: HAT parameter names, round trip, width divisor recorded and enforced, clear errors.
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "core/model/checkpoint.h"
#include "support/fixtures.h"

using namespace hat;
using namespace hat::test;

class TestCheckpoint : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir;
    std::string path(const char* name) { return dir.filePath(name).toStdString(); }
    DesignSpace space0 = DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml"));

    SuperTransformer proxy(int divisor) {
        ModelOptions o;
        o.space = space0;
        o.vocabSize = 50;
        o.widthDivisor = divisor;
        return SuperTransformer(o);
    }

private Q_SLOTS:
    void hatNamesAndShapes() {
        const TensorDict fixtureDict = loadTensorDict(fixture("hat_parity/supernet_state_dict.pt"));
        ModelOptions o;
        o.space = smallSpace();
        o.vocabSize = 100;
        const TensorDict ours = SuperTransformer(o)->hatStateDict();
        QCOMPARE(ours.size(), fixtureDict.size());  // 96 names, the same ones
        for (const auto& [name, t] : fixtureDict) {
            QVERIFY2(ours.count(name), name.c_str());
            QCOMPARE(ours.at(name).sizes(), t.sizes());
        }
    }
    void roundTripKeepsWeightsAndDivisor() {
        SuperTransformer a = proxy(8);
        // Proxy widths: every width of space0 divided by 8.
        QCOMPARE(a->encoder->embed_tokens->weight.size(1), int64_t(80));
        saveSuperTransformer(a, path("proxy.pt"));
        SuperTransformer b = loadSuperTransformer(path("proxy.pt"), &space0, 8);
        QCOMPARE(b->options().widthDivisor, 8);
        const auto da = a->hatStateDict(), db = b->hatStateDict();
        for (const auto& [name, t] : da) QVERIFY2(torch::equal(t, db.at(name)), name.c_str());
        // Nominal configs run on the proxy.
        torch::NoGradGuard g;
        b->eval();
        const auto src = torch::tensor({{5, 6, 7, 2}}, torch::kLong);
        const auto prev = torch::tensor({{2, 8, 9}}, torch::kLong);
        const auto logits = b->forward(src, prev, SubConfig::smallest(space0));
        QCOMPARE(logits.sizes(), (torch::IntArrayRef{1, 3, 50}));
    }
    void divisorMismatchIsRefused() {
        saveSuperTransformer(proxy(8), path("d8.pt"));
        const auto m = errorOf([&] { loadSuperTransformer(path("d8.pt"), &space0, 4); });
        QVERIFY2(m.find("d8.pt: ") != std::string::npos && m.find("width divisor 8, expected 4") != std::string::npos, m.c_str());
        // A bare state dict loaded with the wrong divisor: the shape check names the tensor.
        const auto m2 = errorOf([&] { loadHatStateDictFile(path("d8.pt"), space0, 4); });
        QVERIFY2(m2.find("has shape [50, 80], the model needs [50, 160]") != std::string::npos, m2.c_str());
    }
    void otherSpaceIsRefused() {
        saveSuperTransformer(proxy(8), path("s0.pt"));
        const DesignSpace s1 = DesignSpace::loadYaml(sourcePath("data/spaces/space1_iwslt.yml"));
        const auto m = errorOf([&] { loadSuperTransformer(path("s0.pt"), &s1, 8); });
        QVERIFY2(m.find("design space 'space0', not 'space1_iwslt'") != std::string::npos, m.c_str());
    }
    void badFiles() {
        { std::ofstream(path("junk.pt")) << "this is not a checkpoint"; }
        QVERIFY(errorOf([&] { loadSuperTransformer(path("junk.pt")); }).find("junk.pt: not a torch.save'd dict") != std::string::npos);
        { std::ofstream(path("empty.pt")); }
        QVERIFY(errorOf([&] { loadSuperTransformer(path("empty.pt")); }).find("empty.pt: file is empty") != std::string::npos);
        QVERIFY(errorOf([&] { loadSuperTransformer(path("missing.pt")); }).find("cannot open file") != std::string::npos);
        // HAT's own state dict carries no space: it must be given.
        QVERIFY(errorOf([&] { loadSuperTransformer(fixture("hat_parity/supernet_state_dict.pt")); }).find("bare HAT state dict") != std::string::npos);
        // A tensor missing.
        TensorDict d = proxy(8)->hatStateDict();
        d.erase("decoder.layers.5.fc2.bias");
        saveTensorDict(d, path("partial.pt"));
        QVERIFY(errorOf([&] { loadHatStateDictFile(path("partial.pt"), space0, 8); }).find("missing tensor 'decoder.layers.5.fc2.bias'") != std::string::npos);
    }
    void indivisibleWidthsAreRefused() {
        ModelOptions o;
        o.space = space0;
        o.vocabSize = 50;
        o.widthDivisor = 3;
        QVERIFY(errorOf([&] { SuperTransformer m(o); }).find("not divisible by the width divisor 3") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestCheckpoint)
#include "test_checkpoint.moc"

// DesignSpace: HAT's space YAML, gene choices, and clear errors for bad files.
#include <QtTest>

#include "core/space/design_space.h"
#include "support/fixtures.h"

using namespace hat;
using namespace hat::test;

class TestDesignSpace : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void space0MatchesHat() {
        const DesignSpace s = DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml"));
        QCOMPARE(s.name, std::string("space0"));
        QCOMPARE(s.geneLength(), 40);
        QCOMPARE(s.qkvDim, 512);
        const auto fixtureSpaces = readJson(fixture("hat_parity/sample_configs.json"))["spaces"];
        QCOMPARE(s.geneChoices(), fixtureSpaces[0]["gene_choice"].get<std::vector<std::vector<int>>>());
        const DesignSpace lat = DesignSpace::loadYaml(sourcePath("data/spaces/latency_space.yml"));
        QCOMPARE(lat.geneChoices(), fixtureSpaces[1]["gene_choice"].get<std::vector<std::vector<int>>>());
    }
    void smallSpaceGeneChoices() {
        const auto cfg = readJson(fixture("hat_parity/supernet_config.json"));
        QCOMPARE(smallSpace().geneChoices(), cfg["gene_choice"].get<std::vector<std::vector<int>>>());
        QCOMPARE(smallSpace().geneLength(), cfg["gene_length"].get<int>());
    }
    void yamlRoundTrip() {
        const DesignSpace s = DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml"));
        const DesignSpace t = DesignSpace::parseYaml(s.toYaml(), "round-trip");
        QVERIFY(s == t);
        QCOMPARE(t.name, s.name);
    }
    void hatTrainingKeysAreIgnored() {
        const std::string text =
            "arch: transformersuper_wmt_en_de\nshare-all-embeddings: True\nmax-tokens: 4096\n"
            "encoder-embed-choice: [64, 48]\ndecoder-embed-choice: [64]\n"
            "encoder-ffn-embed-dim-choice: [128]\ndecoder-ffn-embed-dim-choice: [128, 64]\n"
            "encoder-layer-num-choice: [3]\ndecoder-layer-num-choice: [3, 2]\n"
            "encoder-self-attention-heads-choice: [4]\ndecoder-self-attention-heads-choice: [4]\n"
            "decoder-ende-attention-heads-choice: [4, 2]\ndecoder-arbitrary-ende-attn-choice: [-1, 1]\n";
        const DesignSpace s = DesignSpace::parseYaml(text, "mini.yml");
        // Super sizes default to the largest choices; qkv to the super embed dim.
        QCOMPARE(s.superEncoderEmbedDim, 64);
        QCOMPARE(s.superDecoderFfnDim, 128);
        QCOMPARE(s.superDecoderLayers, 3);
        QCOMPARE(s.qkvDim, 64);
        QCOMPARE(s.geneLength(), 4 + 2 * 3 + 4 * 3);
    }
    void badFilesNameFileAndKey() {
        const std::string good = readText(sourcePath("data/spaces/space0.yml"));
        auto msg = errorOf([&] { DesignSpace::parseYaml(good + "encoder-colour: [1]\n", "s.yml"); });
        QVERIFY2(msg.find("s.yml") == 0 && msg.find("unknown key 'encoder-colour'") != std::string::npos, msg.c_str());

        std::string noHeads = good;
        noHeads.replace(noHeads.find("decoder-ende-attention-heads-choice"), 0, "#");
        msg = errorOf([&] { DesignSpace::parseYaml(noHeads, "s.yml"); });
        QVERIFY2(msg.find("missing key 'decoder-ende-attention-heads-choice'") != std::string::npos, msg.c_str());

        std::string badHeads = good;
        badHeads.replace(badHeads.find("[8, 4]"), 6, "[8, 3]");
        msg = errorOf([&] { DesignSpace::parseYaml(badHeads, "s.yml"); });
        QVERIFY2(msg.find("head count 3 does not divide qkv-dim 512") != std::string::npos, msg.c_str());

        std::string tooWide = good;
        tooWide.replace(tooWide.find("[640, 512]"), 10, "[768, 512]");
        msg = errorOf([&] { DesignSpace::parseYaml(tooWide, "s.yml"); });
        QVERIFY2(msg.find("'encoder-embed-choice' value 768") != std::string::npos, msg.c_str());

        msg = errorOf([&] { DesignSpace::parseYaml("encoder-embed-choice: [640, [1]\n", "broken.yml"); });
        QVERIFY2(msg.find("broken.yml: not valid YAML") == 0, msg.c_str());

        msg = errorOf([&] { DesignSpace::loadYaml("/nonexistent/space.yml"); });
        QVERIFY2(msg.find("/nonexistent/space.yml: cannot open file") == 0, msg.c_str());
    }
};

QTEST_APPLESS_MAIN(TestDesignSpace)
#include "test_design_space.moc"

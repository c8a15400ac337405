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
    void sizesHaveSaneBounds() {
        const std::string good = readText(sourcePath("data/spaces/space0.yml"));
        auto with = [&](const std::string& from, const std::string& to) {
            std::string t = good;
            t.replace(t.find(from), from.size(), to);
            return errorOf([&] { DesignSpace::parseYaml(t, "s.yml"); });
        };
        // Issue 15: this one used to pass and allocate gigabytes of gene choices.
        QCOMPARE(with("decoder-layers: 6", "decoder-layers: 2000000000"),
                 std::string("s.yml: 'decoder-layers' is 2000000000, more than the 64 this program supports"));
        QCOMPARE(with("decoder-layers: 6", "decoder-layers: -5"),
                 std::string("s.yml: 'decoder-layers' is -5, it must be positive"));
        QCOMPARE(with("qkv-dim: 512", "qkv-dim: 0"), std::string("s.yml: 'qkv-dim' is 0, it must be positive"));
        QCOMPARE(with("encoder-ffn-embed-dim: 3072", "encoder-ffn-embed-dim: 40000"),
                 std::string("s.yml: 'encoder-ffn-embed-dim' is 40000, more than the 32768 this program supports"));
        QCOMPARE(with("encoder-attention-heads: 8", "encoder-attention-heads: 129"),
                 std::string("s.yml: 'encoder-attention-heads' is 129, more than the 128 this program supports"));
        // A super size defaulted from the choices: the message names the key the file holds.
        const std::string noSuper =
            "encoder-embed-choice: [64]\ndecoder-embed-choice: [64]\n"
            "encoder-ffn-embed-dim-choice: [128]\ndecoder-ffn-embed-dim-choice: [128]\n"
            "encoder-layer-num-choice: [3]\ndecoder-layer-num-choice: [100, 2]\n"
            "encoder-self-attention-heads-choice: [4]\ndecoder-self-attention-heads-choice: [4]\n"
            "decoder-ende-attention-heads-choice: [4]\ndecoder-arbitrary-ende-attn-choice: [-1]\n";
        QCOMPARE(errorOf([&] { DesignSpace::parseYaml(noSuper, "d.yml"); }),
                 std::string("d.yml: 'decoder-layer-num-choice' value 100 is more than the 64 this program supports"));
        // At the bounds is fine: 64 layers give HAT's gene of 4 + 2*64 + 4*64 positions.
        std::string wide = good;
        wide.replace(wide.find("decoder-layers: 6"), 17, "decoder-layers: 64");
        wide.replace(wide.find("encoder-layers: 6"), 17, "encoder-layers: 64");
        QCOMPARE(DesignSpace::parseYaml(wide, "w.yml").geneLength(), 4 + 2 * 64 + 4 * 64);
        // Lists: at most 64 choices.
        std::string many = "[";
        for (int i = 1; i <= 65; ++i) many += std::to_string(i) + (i < 65 ? ", " : "]");
        QCOMPARE(with("[6, 5, 4, 3, 2, 1]", many),
                 std::string("s.yml: 'decoder-layer-num-choice' lists 65 choices, at most 64 are allowed"));
        // A space built in code gets the same checks.
        DesignSpace s = DesignSpace::parseYaml(good, "s.yml");
        s.superEncoderLayers = 1000;
        QCOMPARE(errorOf([&] { s.validate("code"); }),
                 std::string("code: 'encoder-layers' is 1000, more than the 64 this program supports"));
    }
    void conversionErrorsNameFileKeyAndValue() {
        const std::string good = readText(sourcePath("data/spaces/space0.yml"));
        auto with = [&](const std::string& from, const std::string& to) {
            std::string t = good;
            t.replace(t.find(from), from.size(), to);
            return errorOf([&] { DesignSpace::parseYaml(t, "space.yml"); });
        };
        QCOMPARE(with("encoder-embed-choice: [640, 512]", "encoder-embed-choice: [640, abc]"),
                 std::string("space.yml: 'encoder-embed-choice' entry 2: expected an integer, got 'abc'"));
        QCOMPARE(with("encoder-embed-choice: [640, 512]", "encoder-embed-choice: 640"),
                 std::string("space.yml: 'encoder-embed-choice': expected a list of integers, got '640'"));
        QCOMPARE(with("encoder-embed-choice: [640, 512]", "encoder-embed-choice: [640, [1]]"),
                 std::string("space.yml: 'encoder-embed-choice' entry 2: expected an integer, got a list"));
        QCOMPARE(with("encoder-layers: 6", "encoder-layers: 99999999999"),
                 std::string("space.yml: 'encoder-layers': expected an integer, got '99999999999'"));
        QCOMPARE(with("encoder-layers: 6", "encoder-layers:"),
                 std::string("space.yml: 'encoder-layers': expected an integer, got nothing"));
        QCOMPARE(with("qkv-dim: 512", "qkv-dim: {a: 1}"),
                 std::string("space.yml: 'qkv-dim': expected an integer, got a mapping"));
        QCOMPARE(errorOf([&] { DesignSpace::parseYaml(good + "name: [x]\n", "space.yml"); }),
                 std::string("space.yml: 'name': expected a name, got a list"));
        QCOMPARE(errorOf([&] { DesignSpace::parseYaml("? [a]\n: 1\n", "space.yml"); }),
                 std::string("space.yml: a key is a list, not a name"));
        QCOMPARE(errorOf([&] { DesignSpace::parseYaml(good + "qkv-dim: 256\n", "space.yml"); }),
                 std::string("space.yml: 'qkv-dim' is given twice"));
        QCOMPARE(errorOf([&] { DesignSpace::parseYaml("- 1\n- 2\n", "space.yml"); }),
                 std::string("space.yml: expected a YAML mapping of HAT space keys, got a list"));
        // Bytes of the file in a message are escaped: the message stays one printable line.
        const std::string m = errorOf([&] { DesignSpace::parseYaml(good + "bad\x01key: 1\n", "space.yml"); });
        QVERIFY2(m.find("space.yml: unknown key 'bad\\x01key'") == 0, m.c_str());
    }
    void oversizedTextIsRefusedBeforeParsing() {
        // A 50 MB list used to take 54 s and 5 GB before its error; stored spaces are capped too.
        const std::string huge = "encoder-embed-choice: [" + std::string(300 * 1024, '1') + "]\n";
        QCOMPARE(errorOf([&] { DesignSpace::parseYaml(huge, "stored"); }),
                 "stored: holds " + std::to_string(huge.size()) + " bytes, more than any design space (at most 262144)");
    }
};

QTEST_APPLESS_MAIN(TestDesignSpace)
#include "test_design_space.moc"

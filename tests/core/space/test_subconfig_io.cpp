// HAT SubTransformer YAML and JSON: HAT's published files load; bad files are rejected with the
// file, the key and the allowed values.
#include <sys/stat.h>

#include <QTemporaryDir>
#include <QtTest>
#include <fstream>

#include "core/space/arch_metrics.h"
#include "core/space/gene.h"
#include "core/space/subconfig_io.h"
#include "support/fixtures.h"

using namespace hat;
using namespace hat::test;

namespace {
// HAT's YAML keys and values as written, turned back into YAML text (JSON lists are YAML flow).
std::string yamlText(const nlohmann::json& yaml) {
    std::string out;
    for (const auto& [k, v] : yaml.items()) out += k + ": " + v.dump() + "\n";
    return out;
}
const char* kGood =
    "encoder-embed-dim-subtransformer: 640\n"
    "decoder-embed-dim-subtransformer: 512\n"
    "encoder-ffn-embed-dim-all-subtransformer: [3072, 3072, 2048, 3072, 1024, 3072]\n"
    "decoder-ffn-embed-dim-all-subtransformer: [2048, 3072]\n"
    "encoder-layer-num-subtransformer: 6\n"
    "decoder-layer-num-subtransformer: 2\n"
    "encoder-self-attention-heads-all-subtransformer: [8, 8, 4, 8, 8, 4]\n"
    "decoder-self-attention-heads-all-subtransformer: [4, 8]\n"
    "decoder-ende-attention-heads-all-subtransformer: [8, 8]\n"
    "decoder-arbitrary-ende-attn-all-subtransformer: [-1, 2]\n";
}  // namespace

class TestSubConfigIo : public QObject {
    Q_OBJECT
private:
    DesignSpace space0 = DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml"));
    DesignSpace space1 = DesignSpace::loadYaml(sourcePath("data/spaces/space1_iwslt.yml"));

    std::string err(const std::string& text) {
        return errorOf([&] { parseSubConfigYaml(text, "arch.yml", &space0); });
    }

private Q_SLOTS:
    void publishedSubTransformersLoad() {
        const auto published = readJson(fixture("published_subtransformers.json"));
        QCOMPARE(published.size(), size_t(44));
        for (const auto& p : published) {
            const DesignSpace& space = p["dataset"] == "iwslt14.de-en" ? space1 : space0;
            const SubConfig c = parseSubConfigYaml(yamlText(p["yaml"]), p["file"], &space);
            QVERIFY(c == configFromJson(p["config"]));
            QVERIFY(hatParameterCount(c, space.qkvDim) > 0);
        }
    }
    void yamlRoundTrip() {
        const SubConfig c = parseSubConfigYaml(kGood, "arch.yml", &space0);
        QCOMPARE(c.decoderArbitraryEndeAttn, (std::vector<int>{-1, 2}));
        const std::string written = subConfigToYaml(c);
        QVERIFY(parseSubConfigYaml(written, "again.yml", &space0) == c);
        // Writing a gene2config-form config cuts every list to the layer count, as HAT does.
        const SubConfig full = geneToConfig(configToGene(c, space0), space0);
        QCOMPARE(full.decoderFfnDim.size(), size_t(6));
        QVERIFY(parseSubConfigYaml(subConfigToYaml(full), "cut.yml", &space0) == c);
    }
    void jsonRoundTrip() {
        const SubConfig c = parseSubConfigYaml(kGood, "arch.yml", &space0);
        QVERIFY(parseSubConfigJson(subConfigToJson(c), "a.json", &space0) == c);
        const SubConfig full = geneToConfig(configToGene(c, space0), space0);
        QVERIFY(parseSubConfigJson(subConfigToJson(full), "b.json", &space0) == full);
    }
    void unknownKey() {
        const auto m = err(std::string(kGood) + "decoder-colour-subtransformer: 3\n");
        QVERIFY2(m.find("arch.yml: unknown key 'decoder-colour-subtransformer'") == 0, m.c_str());
    }
    void valueOutsideSpace() {
        std::string t = kGood;
        t.replace(t.find("[2048, 3072]"), 12, "[2048, 4096]");
        const auto m = err(t);
        QVERIFY2(m.find("arch.yml") == 0 && m.find("decoder-ffn-embed-dim-all-subtransformer") != std::string::npos &&
                     m.find("4096") != std::string::npos && m.find("allowed: 3072, 2048, 1024") != std::string::npos,
                 m.c_str());
        std::string e = kGood;
        e.replace(e.find("embed-dim-subtransformer: 640"), 29, "embed-dim-subtransformer: 600");
        const auto m2 = err(e);
        QVERIFY2(m2.find("'encoder-embed-dim-subtransformer' value 600") != std::string::npos &&
                     m2.find("allowed: 640, 512") != std::string::npos, m2.c_str());
    }
    void missingField() {
        std::string t = kGood;
        t.erase(t.find("decoder-ende-attention"), std::string("decoder-ende-attention-heads-all-subtransformer: [8, 8]\n").size());
        const auto m = err(t);
        QVERIFY2(m.find("arch.yml: missing key 'decoder-ende-attention-heads-all-subtransformer'") == 0, m.c_str());
    }
    void wrongListLength() {
        std::string t = kGood;
        t.replace(t.find("[-1, 2]"), 7, "[-1, 2, 1]");
        const auto m = err(t);
        QVERIFY2(m.find("'decoder-arbitrary-ende-attn-all-subtransformer' has 3 entries, the layer count is 2") != std::string::npos, m.c_str());
    }
    void notYamlOrWrongTypes() {
        QVERIFY(err("encoder-embed-dim-subtransformer: [640\n").find("not valid YAML") != std::string::npos);
        std::string t = kGood;
        t.replace(t.find("layer-num-subtransformer: 6"), 27, "layer-num-subtransformer: six");
        const auto m = err(t);
        QCOMPARE(m, std::string("arch.yml: 'encoder-layer-num-subtransformer': expected an integer, got 'six'"));
        QVERIFY(errorOf([&] { loadSubConfig("/no/such/arch.yml", &space0); }).find("/no/such/arch.yml: cannot open file") == 0);
        QVERIFY(errorOf([&] { parseSubConfigJson("{\"encoder\": 3}", "x.json", &space0); }).find("x.json") == 0);
    }
    void conversionErrorsNameFileKeyAndValue() {
        auto with = [&](const std::string& from, const std::string& to) {
            std::string t = kGood;
            t.replace(t.find(from), from.size(), to);
            return err(t);
        };
        QCOMPARE(with("[4, 8]", "[4, x]"),
                 std::string("arch.yml: 'decoder-self-attention-heads-all-subtransformer' entry 2: expected an integer, got 'x'"));
        QCOMPARE(with("[4, 8]", "4"),
                 std::string("arch.yml: 'decoder-self-attention-heads-all-subtransformer': expected a list of integers, got '4'"));
        QCOMPARE(with("decoder-layer-num-subtransformer: 2", "decoder-layer-num-subtransformer: [2]"),
                 std::string("arch.yml: 'decoder-layer-num-subtransformer': expected an integer, got a list"));
        QCOMPARE(err("? {a: 1}\n: 2\n"), std::string("arch.yml: a key is a mapping, not a name"));
        QCOMPARE(err(""), std::string("arch.yml: expected a YAML mapping of SubTransformer keys, got nothing"));

        const SubConfig c = parseSubConfigYaml(kGood, "arch.yml", &space0);
        std::string json = subConfigToJson(c);
        auto jsonErr = [&](const std::string& from, const std::string& to) {
            std::string t = json;
            t.replace(t.find(from), from.size(), to);
            return errorOf([&] { parseSubConfigJson(t, "a.json", &space0); });
        };
        QCOMPARE(jsonErr("\"decoder_layer_num\": 2", "\"decoder_layer_num\": \"2\""),
                 std::string("a.json: 'decoder_layer_num': expected an integer, got string \"2\""));
        QCOMPARE(jsonErr("\"decoder_layer_num\": 2", "\"decoder_layer_num\": 4294967298"),
                 std::string("a.json: 'decoder_layer_num': 4294967298 is out of range"));
        QCOMPARE(jsonErr("\"decoder_layer_num\": 2", "\"decoder_layer_num\": 2.5"),
                 std::string("a.json: 'decoder_layer_num': expected an integer, got number 2.5"));
        QCOMPARE(errorOf([&] { parseSubConfigJson("{\"encoder\": 3, \"decoder\": {}}", "x.json", &space0); }),
                 std::string("x.json: 'encoder': expected an object, got number 3"));
    }
    void filesAreCheckedBeforeReading() {
        QTemporaryDir tmp;
        const std::string big = tmp.filePath("big.yml").toStdString();
        { std::ofstream(big) << std::string(300 * 1024, '#'); }
        QCOMPARE(errorOf([&] { loadSubConfig(big, &space0); }),
                 big + ": is 300 KB, too large for a SubTransformer file (at most 256 KB)");
        const std::string pipe = tmp.filePath("pipe.json").toStdString();
        QVERIFY(::mkfifo(pipe.c_str(), 0600) == 0);
        QCOMPARE(errorOf([&] { loadSubConfig(pipe, &space0); }), pipe + ": is a FIFO (named pipe), not a regular file");
        QCOMPARE(errorOf([&] { loadSubConfig(tmp.path().toStdString(), &space0); }),
                 tmp.path().toStdString() + ": is a directory, not a regular file");
    }
};

QTEST_APPLESS_MAIN(TestSubConfigIo)
#include "test_subconfig_io.moc"

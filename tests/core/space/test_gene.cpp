// Gene <-> SubConfig against HAT's evolution.Converter outputs.
#include <QtTest>

#include "core/space/gene.h"
#include "core/space/sub_config.h"
#include "support/fixtures.h"

using namespace hat;
using namespace hat::test;

class TestGene : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void smallSupernetConfigs() {
        const DesignSpace space = smallSpace();
        const auto subnets = readJson(fixture("hat_parity/subnet_results.json"));
        QCOMPARE(subnets.size(), size_t(9));
        for (const auto& s : subnets) {
            const SubConfig c = configFromJson(s["config"]);
            const Gene g = configToGene(c, space);
            QCOMPARE(g, s["gene"].get<Gene>());
            QVERIFY(geneIsValid(g, space));
            const SubConfig back = geneToConfig(g, space);
            QVERIFY2(back == configFromJson(s["gene2config_of_gene"]), s["name"].get<std::string>().c_str());
            QVERIFY(back.sameArchitecture(c));
        }
    }
    void sampledConfigsOfBothSpaces() {
        const auto spaces = readJson(fixture("hat_parity/sample_configs.json"))["spaces"];
        const DesignSpace space0 = DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml"));
        const DesignSpace lat = DesignSpace::loadYaml(sourcePath("data/spaces/latency_space.yml"));
        int checked = 0;
        for (int k = 0; k < 2; ++k) {
            const DesignSpace& space = k == 0 ? space0 : lat;
            for (const auto& s : spaces[k]["samples"]) {
                const SubConfig c = configFromJson(s["config"]);
                QCOMPARE(configToGene(c, space), s["gene"].get<Gene>());
                QVERIFY(geneToConfig(s["gene"].get<Gene>(), space) == configFromJson(s["gene2config"]));
                ++checked;
            }
        }
        QCOMPARE(checked, 40);
    }
    void canonicalGeneIgnoresUnusedSlots() {
        const DesignSpace space = DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml"));
        SubConfig c = SubConfig::largest(space);
        c.decoderLayerNum = 2;
        Gene a = configToGene(c, space);
        Gene b = a;
        // Change a decoder FFN slot and an arbitrary slot past layer 2: same model.
        b[16 + 4] = 1024;
        b[34 + 5] = 2;
        QVERIFY(a != b);
        QCOMPARE(canonicalGene(a, space), canonicalGene(b, space));
        Gene d = a;
        d[16 + 1] = 1024;  // a used layer: a different model
        QVERIFY(canonicalGene(a, space) != canonicalGene(d, space));
    }
    void invalidGenes() {
        const DesignSpace space = smallSpace();
        Gene g = configToGene(SubConfig::smallest(space), space);
        QVERIFY(geneIsValid(g, space));
        g[0] = 50;
        QVERIFY(!geneIsValid(g, space));
        g.pop_back();
        QVERIFY(!geneIsValid(g, space));
        QVERIFY(!errorOf([&] { geneToConfig(g, space); }).empty());
    }
    void geneTextRoundTripsAndRefusesWhatIsNotAGene() {
        const DesignSpace space = smallSpace();
        const Gene g = configToGene(SubConfig::largest(space), space);
        QCOMPARE(geneFromText(geneToText(g)), g);
        QCOMPARE(geneToText({640, -5, 0}), std::string("640,-5,0"));
        QCOMPARE(geneFromText("640,-5,0"), (Gene{640, -5, 0}));
        QVERIFY(geneFromText("").empty());
        for (const char* bad : {"abc", "1,,2", "1,2,", "3x", "1, 2", "99999999999"}) {
            const std::string err = errorOf([&] { geneFromText(bad); });
            QVERIFY2(err.find("is not an integer") != std::string::npos &&
                         err.find(std::string("gene '") + bad + "'") != std::string::npos,
                     err.c_str());
        }
    }
};

QTEST_APPLESS_MAIN(TestGene)
#include "test_gene.moc"

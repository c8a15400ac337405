// Gene <-> SubConfig against HAT's evolution.Converter outputs.
#include <QtTest>

#include <algorithm>

#include "core/space/design_space.h"
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
    // Genes read back from a workspace are checked before use; the message says which position
    // is wrong and what the space allows there (issue 15: 2e9 encoder layers crashed the CLI).
    void validateGeneNamesThePositionAndTheChoices() {
        const DesignSpace space = DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml"));
        const Gene good = configToGene(SubConfig::largest(space), space);
        validateGene(good, space);  // no throw
        auto problem = [&](size_t k, int v) -> std::string {
            Gene g = good;
            g[k] = v;
            return errorOf([&] { validateGene(g, space); });
        };
        const std::string huge = problem(1, 2000000000);
        QVERIFY2(huge.rfind("gene '640,2000000000,3072,", 0) == 0, huge.c_str());  // the gene, clipped
        QVERIFY2(huge.find("...': encoder layer count 2000000000 is not in the space (6)") != std::string::npos, huge.c_str());
        QVERIFY(huge.size() < 160);
        QVERIFY(problem(0, 99999).find("encoder embed dim 99999 is not in the space (640, 512)") != std::string::npos);
        QVERIFY(problem(2 + 3, -5).find("encoder layer 4 FFN dim -5 is not in the space (3072, 2048, 1024)") != std::string::npos);
        QVERIFY(problem(8 + 5, 2).find("encoder layer 6 self-attention heads 2 is not in the space (8, 4)") != std::string::npos);
        QVERIFY(problem(14, 1).find("decoder embed dim 1 is not") != std::string::npos);
        QVERIFY(problem(15, 0).find("decoder layer count 0 is not in the space (6, 5, 4, 3, 2, 1)") != std::string::npos);
        QVERIFY(problem(16, 7).find("decoder layer 1 FFN dim 7") != std::string::npos);
        QVERIFY(problem(22 + 5, 7).find("decoder layer 6 self-attention heads 7") != std::string::npos);
        QVERIFY(problem(28 + 2, 3).find("decoder layer 3 encoder-decoder heads 3 is not in the space (8, 4)") != std::string::npos);
        QVERIFY(problem(34 + 5, 7).find("decoder layer 6 arbitrary encoder-decoder attention 7 is not in the space (-1, 1, 2)") !=
                std::string::npos);
        QCOMPARE(errorOf([&] { validateGene({640, 6}, space); }),
                 std::string("gene '640,6' has 2 positions, the space's genes have 40"));
        QVERIFY(errorOf([&] { validateGene({}, space); }).find("has 0 positions") != std::string::npos);
        // validateGene and geneIsValid agree on every single-position change.
        const auto choices = space.geneChoices();
        for (size_t k = 0; k < good.size(); ++k) {
            for (int v : {-1, 0, 1, 2, 4, 6, 8, 512, 640, 1024, 3072}) {
                Gene g = good;
                g[k] = v;
                const bool allowed = std::find(choices[k].begin(), choices[k].end(), v) != choices[k].end();
                QCOMPARE(geneIsValid(g, space), allowed);
                QCOMPARE(errorOf([&] { validateGene(g, space); }).empty(), allowed);
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestGene)
#include "test_gene.moc"

// HAT's sample_configs draw order reproduced with Python's generator; our seeded gene sampler.
#include <QtTest>

#include <set>

#include "core/space/gene.h"
#include "core/space/sampling.h"
#include "support/fixtures.h"

using namespace hat;
using namespace hat::test;

class TestSampling : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void reproducesHatSampleConfigs() {
        const auto spaces = readJson(fixture("hat_parity/sample_configs.json"))["spaces"];
        const DesignSpace space0 = DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml"));
        const DesignSpace lat = DesignSpace::loadYaml(sourcePath("data/spaces/latency_space.yml"));
        int matched = 0;
        for (int k = 0; k < 2; ++k) {
            for (const auto& s : spaces[k]["samples"]) {
                const SubConfig mine = sampleConfigHat(k == 0 ? space0 : lat, s["rand_seed"].get<uint64_t>());
                const SubConfig hats = configFromJson(s["config"]);
                QVERIFY2(mine == hats, ("seed " + s["rand_seed"].dump()).c_str());
                ++matched;
            }
        }
        QCOMPARE(matched, 40);
    }
    void seededGenesAreValidAndReproducible() {
        const DesignSpace space = DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml"));
        std::mt19937_64 a(7), b(7), c(8);
        std::set<Gene> distinct;
        for (int i = 0; i < 200; ++i) {
            const Gene g = sampleGene(space, a);
            QVERIFY(geneIsValid(g, space));
            QCOMPARE(sampleGene(space, b), g);
            distinct.insert(g);
        }
        QVERIFY(distinct.size() > 190);  // 40 positions: collisions are vanishingly rare
        QVERIFY(sampleGene(space, c) != sampleGene(space, a));
    }
    void everyChoiceIsReached() {
        const DesignSpace space = smallSpace();
        const auto choices = space.geneChoices();
        std::mt19937_64 rng(1);
        std::vector<std::set<int>> seen(choices.size());
        for (int i = 0; i < 500; ++i) {
            const Gene g = sampleGene(space, rng);
            for (size_t k = 0; k < g.size(); ++k) seen[k].insert(g[k]);
        }
        for (size_t k = 0; k < choices.size(); ++k) QCOMPARE(seen[k].size(), choices[k].size());
    }
};

QTEST_APPLESS_MAIN(TestSampling)
#include "test_sampling.moc"

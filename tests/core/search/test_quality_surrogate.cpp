// The quality surrogate (issue 19): what it learns from measured losses, and how the evolution
// uses it. Losses here are synthetic and known, so how well it ranks can be asserted.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <set>

#include "core/search/evolution.h"
#include "core/search/quality_surrogate.h"
#include "core/space/arch_metrics.h"
#include "core/space/sampling.h"
#include "core/util/rank_correlation.h"
#include "support/fixtures.h"
#include "support/synthetic_search.h"

using namespace hat;
using namespace hat::test;

namespace {

// A loss built from the architecture alone, as the supernet's roughly is: more width and depth
// help, the decoder's more, with a per-layer effect of the decoder's ffn width.
double knownLoss(const SubConfig& c) {
    double f = 6.0 - 0.4 * c.decoderLayerNum / 6.0 - 0.3 * c.encoderEmbedDim / 640.0 - 0.5 * c.decoderEmbedDim / 640.0;
    for (int l = 0; l < c.decoderLayerNum; ++l) f -= 0.02 * (c.decoderFfnDim[size_t(l)] / 3072.0);
    for (int l = 0; l < c.encoderLayerNum; ++l) f -= 0.01 * (c.encoderFfnDim[size_t(l)] / 3072.0);
    return f;
}

struct KnownLoss : FitnessSource {
    DesignSpace space = space0();
    int evaluated = 0;
    std::vector<double> fitness(const std::vector<Gene>& genes, const CancelToken*) override {
        std::vector<double> out;
        for (const Gene& g : genes) {
            ++evaluated;
            out.push_back(knownLoss(geneToConfig(g, space)));
        }
        return out;
    }
};
}  // namespace

class TestQualitySurrogate : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void spearmanOfKnownOrderings() {
        QCOMPARE(spearman({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0);
        QCOMPARE(spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
        // Ties share their mean rank: ranks (0.5, 0.5, 2) against (0, 1, 2) give 1.5 / sqrt(3).
        QVERIFY(std::abs(spearman({1, 1, 2}, {1, 2, 3}) - 1.5 / std::sqrt(3.0)) < 1e-12);
        QCOMPARE(spearman({5, 5, 5}, {1, 2, 3}), 0.0);  // a constant says nothing
    }

    void featuresAreTheUsedLayersChoices() {
        const DesignSpace s = space0();
        const QualitySurrogate q(s);
        // One-hot blocks: embed and layer counts, then per encoder layer ffn + heads, per
        // decoder layer ffn + self heads + ende heads + arbitrary; then 10 numbers.
        const size_t perEnc = s.encoderFfnChoice.size() + s.encoderSelfHeadsChoice.size();
        const size_t perDec = s.decoderFfnChoice.size() + s.decoderSelfHeadsChoice.size() +
                              s.decoderEndeHeadsChoice.size() + s.decoderArbitraryChoice.size();
        const size_t head = s.encoderEmbedChoice.size() + s.encoderLayerNumChoice.size() +
                            s.decoderEmbedChoice.size() + s.decoderLayerNumChoice.size();
        const size_t oneHot = head + perEnc * size_t(s.superEncoderLayers) + perDec * size_t(s.superDecoderLayers);
        const Gene small = configToGene(SubConfig::smallest(s), s), large = configToGene(SubConfig::largest(s), s);
        const auto fs = q.features(small), fl = q.features(large);
        QCOMPARE(fs.size(), oneHot + 10);
        QCOMPARE(fl.size(), oneHot + 10);
        // Each used layer sets exactly one choice per block; unused layers set none.
        auto ones = [&](const std::vector<double>& f) { return std::count(f.begin(), f.begin() + long(oneHot), 1.0); };
        const SubConfig cs = SubConfig::smallest(s), cl = SubConfig::largest(s);
        QCOMPARE(size_t(ones(fs)), 4 + 2 * size_t(cs.encoderLayerNum) + 4 * size_t(cs.decoderLayerNum));
        QCOMPARE(size_t(ones(fl)), 4 + 2 * size_t(cl.encoderLayerNum) + 4 * size_t(cl.decoderLayerNum));
        // Genes describing the same architecture have the same features.
        QVERIFY(cs.decoderLayerNum < s.superDecoderLayers);
        Gene other = small;
        const size_t unused = size_t(4 + 2 * s.superEncoderLayers + s.superDecoderLayers - 1);  // the last decoder layer's ffn
        other[unused] = other[unused] == s.decoderFfnChoice.front() ? s.decoderFfnChoice.back() : s.decoderFfnChoice.front();
        QVERIFY(other != small);
        QCOMPARE(q.features(other), fs);
    }

    void learnsAKnownLossAndRanksUnseenGenes() {
        const DesignSpace s = space0();
        QualitySurrogate q(s);
        std::mt19937_64 rng(5);
        QVERIFY(!q.fitted());
        for (int i = 0; i < 200; ++i) {
            const Gene g = sampleGene(s, rng);
            q.add(g, knownLoss(geneToConfig(g, s)));
        }
        q.add(sampleGene(s, rng), std::nan(""));  // ignored
        QVERIFY(q.samples() <= 200);
        q.fit();
        QVERIFY(q.fitted());
        std::vector<double> truth, predicted;
        for (int i = 0; i < 300; ++i) {
            const Gene g = sampleGene(s, rng);
            truth.push_back(knownLoss(geneToConfig(g, s)));
            predicted.push_back(q.predict(g));
        }
        const double rho = spearman(truth, predicted);
        QVERIFY2(rho > 0.95, qPrintable(QString("Spearman %1").arg(rho)));
        QVERIFY2(q.looSpearman() > 0.95, qPrintable(QString("LOO Spearman %1").arg(q.looSpearman())));
        QVERIFY(q.looRmse() > 0 && q.looRmse() < 0.02);
    }

    void tooFewSamplesPredictTheMean() {
        const DesignSpace s = space0();
        QualitySurrogate q(s);
        std::mt19937_64 rng(2);
        for (int i = 0; i < int(QualitySurrogate::minSamples()) - 1; ++i) q.add(sampleGene(s, rng), 4.0 + i % 2);
        q.fit();
        QVERIFY(!q.fitted());
        const double mean = (4.0 * 10 + 5.0 * 9) / 19.0;  // 19 samples alternating 4, 5
        QCOMPARE(q.predict(sampleGene(s, rng)), mean);
    }

    void thePoolFindsABetterAnswerSooner() {
        // The same search with and without the surrogate: with it, the best after 4 generations
        // is at least as good as without it after 12, on every seed.
        for (uint64_t seed : {1, 2, 3}) {
            SizeLatency lat;
            KnownLoss plainLoss, pooledLoss;
            EvolutionSettings s;
            s.maxLatencyMs = 40.0;
            s.seed = seed;
            s.generations = 12;
            Evolution plain(space0(), s, lat, plainLoss);
            const double plainBest = plain.run(plain.initialState()).best.fitness;
            s.generations = 4;
            s.surrogatePool = 4;
            Evolution pooled(space0(), s, lat, pooledLoss);
            Recorder rec;
            const EvolutionResult r = pooled.run(pooled.initialState(), &rec);
            QVERIFY2(r.best.fitness <= plainBest + 1e-12,
                     qPrintable(QString("seed %1: pooled %2, plain %3").arg(seed).arg(r.best.fitness).arg(plainBest)));
            // It scores populations of the usual size, distinct and under the limit.
            for (const auto& rep : rec.reports) {
                QCOMPARE(rep.population.size(), size_t(125));
                std::set<Gene> distinct;
                for (const auto& c : rep.population) {
                    QVERIFY(c.latency.ms <= 40.0);
                    distinct.insert(canonicalGene(c.gene, space0()));
                }
                QCOMPARE(distinct.size(), size_t(125));
            }
        }
    }

    void aResumedPooledRunEndsAsTheUninterruptedOne() {
        SizeLatency lat;
        KnownLoss loss;
        EvolutionSettings s;
        s.maxLatencyMs = 40.0;
        s.seed = 4;
        s.generations = 6;
        s.surrogatePool = 4;
        Evolution whole(space0(), s, lat, loss);
        Recorder full;
        whole.run(whole.initialState(), &full);
        for (int stopAfter : {0, 3}) {
            Evolution again(space0(), s, lat, loss);
            for (int g = 0; g <= stopAfter; ++g) again.remember(full.reports[size_t(g)].population);
            Recorder tail;
            again.run(full.reports[size_t(stopAfter)].next, &tail);
            QVERIFY(sameGenes(tail.reports.back().population, full.reports.back().population));
        }
        // Without what it measured before, the resumed run breeds differently: the test can fail.
        Evolution forgetful(space0(), s, lat, loss);
        Recorder tail;
        forgetful.run(full.reports[3].next, &tail);
        QVERIFY(!sameGenes(tail.reports.back().population, full.reports.back().population));
    }

    void fewerScoredChildrenMakeSmallerPopulations() {
        // Pool 4 with 20 scored: generation 0 is the full 125, later ones the 25 parents and the
        // 20 children predicted best (10 mutations and 10 crossovers, as HAT breeds 50 : 50).
        SizeLatency lat;
        KnownLoss loss;
        EvolutionSettings s;
        s.maxLatencyMs = 40.0;
        s.seed = 6;
        s.generations = 5;
        s.surrogatePool = 4;
        s.surrogateScored = 20;
        Evolution evo(space0(), s, lat, loss);
        Recorder rec;
        const EvolutionResult r = evo.run(evo.initialState(), &rec);
        QCOMPARE(rec.reports.front().population.size(), size_t(125));
        for (size_t g = 1; g < rec.reports.size(); ++g) QCOMPARE(rec.reports[g].population.size(), size_t(45));
        // Still elitist and still improving on the known loss.
        for (size_t g = 1; g < rec.reports.size(); ++g)
            QVERIFY(rec.reports[g].best.fitness <= rec.reports[g - 1].best.fitness);
        QVERIFY(r.best.fitness < rec.reports.front().best.fitness);
        // A resumed run ends the same.
        Evolution again(space0(), s, lat, loss);
        for (int g = 0; g <= 2; ++g) again.remember(rec.reports[size_t(g)].population);
        Recorder tail;
        again.run(rec.reports[2].next, &tail);
        QVERIFY(sameGenes(tail.reports.back().population, rec.reports.back().population));
    }

    void settingsRefuseABadPool() {
        EvolutionSettings s;
        s.maxLatencyMs = 10;
        s.surrogatePool = 0;
        QVERIFY_THROWS_EXCEPTION(std::exception, s.validate());
        s.surrogatePool = 65;
        QVERIFY_THROWS_EXCEPTION(std::exception, s.validate());
        s.surrogatePool = 8;
        s.validate();
        s.surrogateScored = s.mutations + s.crossovers + 1;
        QVERIFY_THROWS_EXCEPTION(std::exception, s.validate());
        s.surrogateScored = -1;
        QVERIFY_THROWS_EXCEPTION(std::exception, s.validate());
        s.surrogateScored = s.mutations + s.crossovers;
        s.validate();
    }
};

QTEST_GUILESS_MAIN(TestQualitySurrogate)
#include "test_quality_surrogate.moc"

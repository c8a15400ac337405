// Evolution on a synthetic problem whose answer is known: fitness falls with model size, latency
// rises with it, so the best gene under a limit sits on the limit.
#include <QtTest>

#include <algorithm>
#include <set>

#include "core/search/evolution.h"
#include "core/space/arch_metrics.h"
#include "core/space/weight_bytes.h"
#include "core/util/error.h"
#include "support/fixtures.h"
#include "support/synthetic_search.h"

using namespace hat;
using namespace hat::test;

namespace {

// Loss prefers parameters in the decoder and penalises arbitrary attention a little: the optimum
// under a limit is not just "the biggest".
struct SyntheticLoss : FitnessSource {
    DesignSpace space = space0();
    int evaluated = 0;
    std::vector<double> fitness(const std::vector<Gene>& genes, const CancelToken*) override {
        std::vector<double> out;
        for (const Gene& g : genes) {
            ++evaluated;
            const SubConfig c = geneToConfig(g, space);
            double f = 10.0 - hatParameterCount(c, 512) / 2e7 - c.decoderLayerNum * 0.05;
            for (int i = 0; i < c.decoderLayerNum; ++i) f += 0.01 * (c.decoderArbitraryEndeAttn[i] != -1);
            out.push_back(f);
        }
        return out;
    }
};

// Races as a perfect bound would: a gene worse than the worst of the first `exact` stops with a
// lower bound between that threshold and its loss.
struct RacingLoss : SyntheticLoss {
    std::vector<RaceRequest> requests;
    int racedCount = 0;
    std::vector<Score> race(const std::vector<Gene>& genes, const RaceRequest& request, const CancelToken*) override {
        requests.push_back(request);
        const std::vector<double> f = fitness(genes, nullptr);
        const double threshold = *std::max_element(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(request.exact));
        std::vector<Score> out;
        for (size_t i = 0; i < genes.size(); ++i) {
            const bool raced = i >= request.exact && f[i] > threshold;
            racedCount += raced;
            out.push_back({raced ? 0.5 * (threshold + f[i]) : f[i], raced});
        }
        return out;
    }
};

EvolutionSettings settings(double limit, uint64_t seed) {
    EvolutionSettings s;
    s.maxLatencyMs = limit;
    s.seed = seed;
    s.generations = 12;
    return s;
}

}  // namespace

class TestEvolution : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void respectsLimitAndImproves() {
        SizeLatency lat;
        SyntheticLoss loss;
        Evolution evo(space0(), settings(40.0, 1), lat, loss);
        Recorder rec;
        const EvolutionResult r = evo.run(evo.initialState(), &rec);
        QCOMPARE(r.generations, 13);
        QCOMPARE(rec.reports.size(), size_t(13));
        for (const auto& rep : rec.reports) {
            QCOMPARE(rep.population.size(), size_t(125));
            std::set<Gene> distinct;
            for (const auto& c : rep.population) {
                QVERIFY(c.latency.ms <= 40.0);
                QVERIFY(geneIsValid(c.gene, space0()));
                distinct.insert(canonicalGene(c.gene, space0()));
            }
            QCOMPARE(distinct.size(), size_t(125));  // duplicates removed
        }
        QVERIFY(rec.reports.back().last);
        QVERIFY(r.best.fitness < rec.reports.front().best.fitness);
        for (size_t i = 1; i < rec.reports.size(); ++i) {
            QVERIFY(rec.reports[i].best.fitness <= rec.reports[i - 1].best.fitness);  // elitism
        }
        // The optimum is close to the limit.
        QVERIFY(r.best.latency.ms > 36.0);
    }
    void reproducibleAndDifferentSeeds() {
        SizeLatency lat;
        SyntheticLoss loss;
        Evolution a(space0(), settings(40.0, 7), lat, loss), b(space0(), settings(40.0, 7), lat, loss),
            c(space0(), settings(40.0, 8), lat, loss);
        Recorder ra, rb, rc;
        a.run(a.initialState(), &ra);
        b.run(b.initialState(), &rb);
        c.run(c.initialState(), &rc);
        for (size_t i = 0; i < ra.reports.size(); ++i) {
            QCOMPARE(ra.reports[i].population.size(), rb.reports[i].population.size());
            for (size_t k = 0; k < ra.reports[i].population.size(); ++k) {
                QCOMPARE(ra.reports[i].population[k].gene, rb.reports[i].population[k].gene);
            }
        }
        QVERIFY(ra.reports[0].population[0].gene != rc.reports[0].population[0].gene);
    }
    void resumeFromAnyGenerationEndsTheSame() {
        SizeLatency lat;
        SyntheticLoss loss;
        Evolution whole(space0(), settings(40.0, 3), lat, loss);
        Recorder full;
        const EvolutionResult r = whole.run(whole.initialState(), &full);
        for (int stopAfter : {0, 5, 11}) {
            // A new process: a new Evolution started from the state stored after `stopAfter`.
            Evolution again(space0(), settings(40.0, 3), lat, loss);
            Recorder tail;
            const EvolutionResult r2 = again.run(full.reports[stopAfter].next, &tail);
            QCOMPARE(r2.best.gene, r.best.gene);
            QCOMPARE(r2.best.fitness, r.best.fitness);
            QCOMPARE(tail.reports.front().generation, stopAfter + 1);
            QCOMPARE(tail.reports.back().population.front().gene, full.reports.back().population.front().gene);
        }
    }
    void warmStartKeepsSeeds() {
        SizeLatency lat;
        SyntheticLoss loss;
        Evolution evo(space0(), settings(40.0, 1), lat, loss);
        const EvolutionState cold = evo.initialState();
        std::vector<Gene> seeds(cold.population.begin(), cold.population.begin() + 10);
        Evolution tighter(space0(), settings(30.0, 1), lat, loss);
        const EvolutionState warm = tighter.initialState(seeds);
        // Seeds under the new limit come first, in order; the rest are fresh samples.
        size_t kept = 0;
        for (const Gene& g : seeds) {
            if (lat.latency(g).ms <= 30.0) QCOMPARE(warm.population[kept++], g);
        }
        QCOMPARE(warm.population.size(), size_t(125));
    }
    void upperBoundConstraint() {
        SizeLatency lat;
        SyntheticLoss loss;
        EvolutionSettings s = settings(40.0, 1);
        s.constrainUpperBound = true;
        s.generations = 3;
        Evolution evo(space0(), s, lat, loss);
        Recorder rec;
        evo.run(evo.initialState(), &rec);
        for (const auto& c : rec.reports.back().population) QVERIFY(c.latency.upperMs <= 40.0);
    }
    void sizeLimitHolds() {
        // A second limit on the weights' bytes at int8 with a 32k vocabulary, tighter than the
        // latency limit: every member keeps to both, and the best sits on the size limit instead.
        SizeLatency lat;
        SyntheticLoss loss;
        EvolutionSettings s = settings(40.0, 1);
        s.generations = 6;
        s.maxSizeMb = 45.0;
        s.sizePrecision = Precision::Int8;
        s.sizeVocab = 32768;
        Evolution evo(space0(), s, lat, loss);
        Recorder rec;
        const EvolutionResult r = evo.run(evo.initialState(), &rec);
        const DesignSpace sp = space0();
        auto mb = [&](const Gene& g) {
            return weightBytes(geneToConfig(g, sp), sp.qkvDim, 32768, Precision::Int8).total() / 1e6;
        };
        for (const auto& rep : rec.reports) {
            for (const auto& c : rep.population) {
                QVERIFY(mb(c.gene) <= 45.0);
                QVERIFY(c.latency.ms <= 40.0);
            }
        }
        qInfo("best: %.2f MB at int8, %.1f ms", mb(r.best.gene), r.best.latency.ms);
        QVERIFY(mb(r.best.gene) > 42.0);
        QVERIFY(r.best.latency.ms < 36.0);  // the latency limit no longer binds
        s.maxSizeMb = -1;
        QVERIFY(errorOf([&] { Evolution e(space0(), s, lat, loss); }).find("size limit") != std::string::npos);
    }
    void cancellation() {
        SizeLatency lat;
        SyntheticLoss loss;
        Evolution evo(space0(), settings(40.0, 1), lat, loss);
        CancelToken token;
        struct CancelAt : EvolutionObserver {
            CancelToken* t;
            void onGeneration(const GenerationReport& r) override { if (r.generation == 2) t->cancel(); }
        } obs;
        obs.t = &token;
        const EvolutionResult r = evo.run(evo.initialState(), &obs, &token);
        QVERIFY(r.cancelled);
        QCOMPARE(r.generations, 3);
    }
    void racingWithAnExactBoundKeepsParentsAndAnswer() {
        SizeLatency lat;
        SyntheticLoss plainLoss;
        RacingLoss racingLoss;
        EvolutionSettings s = settings(40.0, 3);
        Evolution plain(space0(), s, lat, plainLoss);
        s.racing = true;
        s.raceSigmas = 2.5;
        Evolution racing(space0(), s, lat, racingLoss);
        Recorder a, b;
        const EvolutionResult ra = plain.run(plain.initialState(), &a);
        const EvolutionResult rb = racing.run(racing.initialState(), &b);
        QCOMPARE(rb.best.gene, ra.best.gene);
        QCOMPARE(rb.best.fitness, ra.best.fitness);
        // Generation 0 has no parents to race against; every later one races its children.
        QCOMPARE(racingLoss.requests.size(), size_t(s.generations));
        for (const RaceRequest& r : racingLoss.requests) {
            QCOMPARE(r.exact, size_t(s.parents));
            QCOMPARE(r.sigmas, 2.5);
        }
        QVERIFY(racingLoss.racedCount > 0);
        for (size_t g = 0; g < a.reports.size(); ++g) {
            const auto& pa = a.reports[g].population;
            const auto& pb = b.reports[g].population;
            const std::vector<Candidate> parentsA(pa.begin(), pa.begin() + s.parents);
            const std::vector<Candidate> parentsB(pb.begin(), pb.begin() + s.parents);
            QVERIFY(sameGenes(parentsA, parentsB));
            for (int i = 0; i < s.parents; ++i) QVERIFY(!pb[i].raced);
            QCOMPARE(int(std::count_if(pb.begin(), pb.end(), [](const Candidate& c) { return c.raced; })) > 0, g > 0);
        }
    }
    void aRacingMarginOutsideItsRangeIsRefused() {
        SizeLatency lat;
        SyntheticLoss loss;
        EvolutionSettings s = settings(40.0, 3);
        s.raceSigmas = 0.1;
        QVERIFY_EXCEPTION_THROWN(Evolution(space0(), s, lat, loss), Error);
    }
    void impossibleLimitIsAClearError() {
        SizeLatency lat;
        SyntheticLoss loss;
        EvolutionSettings s = settings(0.5, 1);
        s.maxTries = 2000;
        Evolution evo(space0(), s, lat, loss);
        QVERIFY(errorOf([&] { evo.initialState(); }).find("below what the device can reach") != std::string::npos);
        EvolutionSettings bad = settings(40, 1);
        bad.mutations = 10;
        QVERIFY(errorOf([&] { Evolution e(space0(), bad, lat, loss); }).find("must equal the population size") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestEvolution)
#include "test_evolution.moc"

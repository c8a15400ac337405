// The search's fast validation loss: equal to the plain logits -> log_softmax -> label-smoothed
// loss computation, identical whatever the number of worker threads, sharing encoder passes
// between architectures with the same encoder genes, stopping when cancelled, and handing each
// result to its caller's thread as soon as it is ready.
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <thread>

#include "core/data/batching.h"
#include "core/data/dictionary.h"
#include "core/eval/fitness_evaluator.h"
#include "core/model/checkpoint.h"
#include "core/model/loss.h"
#include "core/space/gene.h"
#include "core/space/sampling.h"
#include "core/util/error.h"
#include "support/fixtures.h"
#include "support/tiny_supernet.h"

using namespace hat;
using namespace hat::test;

class TestFitnessEvaluator : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir;
    DesignSpace space = DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml"));
    SuperTransformer model{nullptr};
    std::vector<Batch> batches;
    std::vector<SubConfig> configs;

    // Independent calculation: full logits, HAT's float32 log_softmax, fairseq's loss sums.
    ValidLoss referenceLoss(const SubConfig& c) {
        torch::InferenceMode g;
        double loss = 0.0, nll = 0.0;
        int64_t n = 0;
        for (const auto& b : batches) {
            const auto s = labelSmoothedLossFromLogits(model->forward(b.source, b.prevOutput, c),
                                                       b.target, 0.1, 1);
            loss += s.loss.item<double>();
            nll += s.nll.item<double>();
            n += s.ntokens;
        }
        return {toBase2PerToken(loss, n), toBase2PerToken(nll, n), n};
    }

private Q_SLOTS:
    void initTestCase() {
        const TinySupernet t = makeTinySupernet(dir.path().toStdString(), 50, 5);
        model = loadSuperTransformer(t.checkpoint, &space);
        model->eval();
        const Dictionary dict = Dictionary::loadFairseq(t.dictionary);
        const auto data = tokenize(loadParallelText(t.corpusDir + "/valid.en", t.corpusDir + "/valid.de"),
                                   dict, nullptr, 1022, "valid");
        // A small token budget: several batches, so per-batch sums are exercised.
        for (const auto& ids : makeBatches(data, 400)) batches.push_back(collate(data, ids));
        QVERIFY(batches.size() >= 3);
        std::mt19937_64 rng(11);
        for (int i = 0; i < 6; ++i) configs.push_back(geneToConfig(sampleGene(space, rng), space));
        configs.push_back(SubConfig::largest(space));
        configs.push_back(SubConfig::smallest(space));
    }
    void equalsTheLogitsComputation() {
        FitnessEvaluator ev(model, batches, 1, 0);
        const auto got = ev.evaluate(configs);
        for (size_t i = 0; i < configs.size(); ++i) {
            QVERIFY(got[i].has_value());
            const ValidLoss want = referenceLoss(configs[i]);
            QVERIFY2(std::abs(got[i]->loss - want.loss) < 1e-5 * want.loss,
                     qPrintable(QString("config %1: %2 vs %3").arg(i).arg(got[i]->loss).arg(want.loss)));
            QVERIFY(std::abs(got[i]->nll - want.nll) < 1e-5 * want.nll);
            QCOMPARE(got[i]->ntokens, want.ntokens);
        }
    }
    void threadsDoNotChangeResults() {
        FitnessEvaluator one(model, batches, 1, 0), two(model, batches, 2, 0);
        const auto a = one.evaluate(configs);
        const auto b = two.evaluate(configs);
        for (size_t i = 0; i < configs.size(); ++i) QCOMPARE(b[i]->loss, a[i]->loss);
    }
    void sharesEncoderPasses() {
        // Same encoder genes, different decoders: one encoder pass for both.
        SubConfig x = configs[0], y = configs[0];
        y.decoderLayerNum = x.decoderLayerNum == 1 ? 2 : 1;
        y.decoderFfnDim[0] = x.decoderFfnDim[0] == 1024 ? 2048 : 1024;
        FitnessEvaluator ev(model, batches, 2, 4);
        const auto r = ev.evaluate({x, configs[1], y});
        QCOMPARE(ev.encoderPasses(), int64_t{2});
        QCOMPARE(ev.encoderReuses(), int64_t{1});
        QVERIFY(r[0]->loss != r[2]->loss);
        FitnessEvaluator fresh(model, batches, 1, 0);
        QCOMPARE(r[2]->loss, fresh.evaluate({y})[0]->loss);
        // Kept between calls: evaluating x's encoder again needs no pass.
        ev.evaluate({x});
        QCOMPARE(ev.encoderPasses(), int64_t{2});
        QCOMPARE(ev.encoderReuses(), int64_t{2});
    }
    void stopsWhenCancelled() {
        CancelToken cancel;
        cancel.cancel();
        FitnessEvaluator ev(model, batches, 2, 0);
        for (const auto& r : ev.evaluate(configs, &cancel)) QVERIFY(!r.has_value());
        QCOMPARE(ev.encoderPasses(), int64_t{0});
    }
    void deliversEachResultOnTheCallingThread() {
        for (int threads : {1, 2}) {
            FitnessEvaluator ev(model, batches, threads, 0);
            const auto caller = std::this_thread::get_id();
            std::vector<size_t> seen;
            std::vector<double> delivered(configs.size(), -1.0);
            bool elsewhere = false;
            const auto got = ev.evaluate(configs, nullptr, [&](size_t i, const ValidLoss& l) {
                elsewhere = elsewhere || std::this_thread::get_id() != caller;
                seen.push_back(i);
                delivered[i] = l.loss;
            });
            QVERIFY(!elsewhere);
            std::sort(seen.begin(), seen.end());
            std::vector<size_t> all(configs.size());
            std::iota(all.begin(), all.end(), size_t{0});
            QCOMPARE(seen, all);  // each once
            // The same numbers as returned, and as an evaluation without a callback gives.
            FitnessEvaluator plain(model, batches, threads, 0);
            const auto want = plain.evaluate(configs);
            for (size_t i = 0; i < configs.size(); ++i) {
                QCOMPARE(delivered[i], got[i]->loss);
                QCOMPARE(got[i]->loss, want[i]->loss);
            }
        }
    }
    void deliversWhileTheOthersAreStillComputed() {
        // Cancelled from the first delivery: had results come only at the end, all would exist.
        for (int threads : {1, 2}) {
            FitnessEvaluator ev(model, batches, threads, 0);
            CancelToken cancel;
            int calls = 0;
            const auto got = ev.evaluate(configs, &cancel, [&](size_t, const ValidLoss&) {
                ++calls;
                cancel.cancel();
            });
            const auto computed = std::count_if(got.begin(), got.end(), [](const auto& r) { return r.has_value(); });
            // At most the ones already running when it was cancelled follow the first.
            QVERIFY2(computed >= 1 && computed < static_cast<long>(configs.size()), qPrintable(QString::number(computed)));
            if (threads == 1) QCOMPARE(computed, 1L);
            QCOMPARE(static_cast<long>(calls), computed);  // every result made is delivered
        }
    }
    void aFailingCallbackStopsTheEvaluation() {
        for (int threads : {1, 2}) {
            FitnessEvaluator ev(model, batches, threads, 0);
            int calls = 0;
            const std::string m = errorOf([&] {
                ev.evaluate(configs, nullptr, [&](size_t, const ValidLoss&) {
                    if (++calls == 2) throw Error("disk full");
                });
            });
            QCOMPARE(m, std::string("disk full"));
            QCOMPARE(calls, 2);  // nothing delivered after the failure
        }
    }

    void aRaceAgainstInfinityIsTheFullEvaluationWithEverySentence() {
        FitnessEvaluator ev(model, batches, 1, 0);
        QVERIFY(!ev.canRace());
        QVERIFY_EXCEPTION_THROWN(ev.race(configs, 1.0), Error);
        ev.setRaceReference({configs[6], configs[7]});
        QVERIFY(ev.canRace());
        const auto plain = ev.evaluate(configs);
        const auto raced = ev.race(configs, std::numeric_limits<double>::infinity());
        for (size_t i = 0; i < configs.size(); ++i) {
            QVERIFY(!raced[i]->raced);
            QCOMPARE(raced[i]->loss.loss, plain[i]->loss);  // the same sums in the same order
            QCOMPARE(raced[i]->lowerBound, plain[i]->loss);
            QCOMPARE(raced[i]->share, 1.0);
            // Each sentence's loss: one per batch row, adding up to the whole.
            double sum = 0.0;
            QCOMPARE(raced[i]->sentenceLoss.size(), batches.size());
            for (size_t b = 0; b < batches.size(); ++b) {
                QCOMPARE(raced[i]->sentenceLoss[b].size(), static_cast<size_t>(batches[b].target.size(0)));
                for (double x : raced[i]->sentenceLoss[b]) {
                    QVERIFY(x > 0);
                    sum += x;
                }
            }
            const double bits = toBase2PerToken(sum, plain[i]->ntokens);
            QVERIFY2(std::abs(bits - plain[i]->loss) < 1e-5, qPrintable(QString::number(bits - plain[i]->loss)));
        }
    }

    void aRaceStopsOnlyWhatItsBoundPutsAboveTheThreshold() {
        FitnessEvaluator one(model, batches, 1, 0), two(model, batches, 2, 4);
        one.setRaceReference({configs[6], configs[7]});
        two.setRaceReference({configs[6], configs[7]});
        const auto plain = one.evaluate(configs);
        std::vector<double> losses;
        for (const auto& l : plain) losses.push_back(l->loss);
        const double lowest = *std::min_element(losses.begin(), losses.end());
        const double highest = *std::max_element(losses.begin(), losses.end());
        // Far below every loss: all stop at the first batch that may stop; far above: none do.
        for (const auto& o : one.race(configs, lowest - 0.5)) {
            QVERIFY(o->raced);
            QVERIFY(o->lowerBound > lowest - 0.5);
            QVERIFY(o->share >= one.raceRule().settings().minShare && o->share < 1.0);
        }
        for (const auto& o : one.race(configs, highest + 0.5)) QVERIFY(!o->raced);
        // At the median: what stops is bound above it, what does not is the exact loss; threads
        // and a shared encoder change nothing.
        std::vector<double> sorted = losses;
        std::sort(sorted.begin(), sorted.end());
        const double median = sorted[sorted.size() / 2];
        const auto a = one.race(configs, median), b = two.race(configs, median);
        for (size_t i = 0; i < configs.size(); ++i) {
            QCOMPARE(a[i]->raced, b[i]->raced);
            QCOMPARE(a[i]->lowerBound, b[i]->lowerBound);
            if (a[i]->raced) {
                QVERIFY(a[i]->lowerBound > median);
            } else {
                QCOMPARE(a[i]->loss.loss, losses[i]);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestFitnessEvaluator)
#include "test_fitness_evaluator.moc"

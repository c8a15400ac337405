// The search's fast validation loss: equal to the plain logits -> log_softmax -> label-smoothed
// loss computation, identical whatever the number of worker threads, sharing encoder passes
// between architectures with the same encoder genes, and stopping when cancelled.
#include <QTemporaryDir>
#include <QtTest>

#include <random>

#include "core/data/batching.h"
#include "core/data/dictionary.h"
#include "core/eval/fitness_evaluator.h"
#include "core/model/checkpoint.h"
#include "core/model/loss.h"
#include "core/space/gene.h"
#include "core/space/sampling.h"
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
};

QTEST_GUILESS_MAIN(TestFitnessEvaluator)
#include "test_fitness_evaluator.moc"

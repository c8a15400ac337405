// Quality at a precision (issue 16): fp32 is the model untouched; int8 runs the real dynamic int8
// kernel (checked against the same arithmetic done by hand); w4a8 holds 4-bit weights, calibrates
// one range per quantized input and quantizes the softmax; the search's evaluator gives what the
// scope gives.
#include <QTemporaryDir>
#include <QtTest>

#include <random>
#include <set>

#include "core/data/batching.h"
#include "core/data/dictionary.h"
#include "core/eval/fitness_evaluator.h"
#include "core/eval/validation.h"
#include "core/model/checkpoint.h"
#include "core/model/precision_scope.h"
#include "core/model/weight_quantization.h"
#include "core/space/gene.h"
#include "core/space/sampling.h"
#include "support/fixtures.h"
#include "support/tiny_supernet.h"

using namespace hat;
using namespace hat::test;

class TestPrecisionScope : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir;
    DesignSpace space = DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml"));
    SuperTransformer model{nullptr};
    std::vector<Batch> batches;

private Q_SLOTS:
    void initTestCase() {
        const TinySupernet t = makeTinySupernet(dir.path().toStdString(), 50, 5);
        model = loadSuperTransformer(t.checkpoint, &space);
        model->eval();
        const Dictionary dict = Dictionary::loadFairseq(t.dictionary);
        const auto data = tokenize(loadParallelText(t.corpusDir + "/valid.en", t.corpusDir + "/valid.de"),
                                   dict, nullptr, 1022, "valid");
        for (const auto& ids : makeBatches(data, 400)) batches.push_back(collate(data, ids));
        QVERIFY(batches.size() >= 2);
    }

    void int8IsTheDynamicKernelsArithmetic() {
        // By hand: x quantized per tensor to quint8 over [min(x, 0), max(x, 0)], weights per row
        // to symmetric int8, integer products, scaled back, plus the bias.
        torch::manual_seed(3);
        const auto x = torch::randn({7, 24});
        const auto w = torch::randn({10, 24}) * 0.2;
        const auto b = torch::randn({10});
        torch::Tensor got;
        {
            PrecisionScope scope(Precision::Int8);
            QVERIFY(activePrecision() == Precision::Int8);
            got = linearAt(x, w, b, this);
        }
        QVERIFY(activePrecision() == Precision::Fp32);  // the scope put it back
        const double lo = std::min(0.0, x.min().item<double>()), hi = std::max(0.0, x.max().item<double>());
        const double sx = (hi - lo) / 255.0;
        const int64_t zx = std::llround(-lo / sx);
        const auto xq = (torch::round(x / sx) + zx).clamp(0, 255) - zx;
        const auto sw = symmetricRowScales(w, 8);
        const auto wq = torch::round(w / sw.unsqueeze(1)).clamp(-127, 127);
        const auto want = torch::mm(xq.to(torch::kDouble), wq.to(torch::kDouble).t()) * sx *
                              sw.to(torch::kDouble).unsqueeze(0) + b.to(torch::kDouble);
        const double err = (got.to(torch::kDouble) - want).abs().max().item<double>();
        const double plain = (torch::linear(x, w, b).to(torch::kDouble) - want).abs().max().item<double>();
        qInfo("int8 kernel vs hand: %.2e (fp32 vs hand: %.2e)", err, plain);
        QVERIFY(err < 2e-3);
        QVERIFY(plain > 10 * err);  // it really is the quantized result, not the float one
    }

    void fp32ScopeChangesNothing() {
        const SubConfig c = SubConfig::largest(space);
        const ValidLoss plain = validLoss(model, c, batches);
        PrecisionScope scope(Precision::Fp32);
        const ValidLoss scoped = validLoss(model, c, batches);
        QCOMPARE(scoped.loss, plain.loss);
        QCOMPARE(scoped.nll, plain.nll);
    }

    void w4a8CalibratesEveryQuantizedInput() {
        torch::InferenceMode g;
        const SubConfig c = SubConfig::largest(space);
        const ActivationRanges r = calibrateActivations(model, c, batches.front());
        // Encoder layer: q/k/v, softmax, out, fc1, fc2. Decoder layer: self q/k/v, softmax, out;
        // cross q, k/v, softmax, out; fc1, fc2. Then the output projection.
        QCOMPARE(int(r.maxAbs.size()), 5 * c.encoderLayerNum + 9 * c.decoderLayerNum + 1);
        for (const auto& [site, m] : r.maxAbs) QVERIFY(m > 0.0f);
        // 4-bit weights: at most 15 values a row.
        const auto w = fakeQuantizeRows(torch::randn({4, 64}), 4);
        for (int64_t i = 0; i < 4; ++i) {
            const auto row = w[i].contiguous();
            std::set<float> values(row.data_ptr<float>(), row.data_ptr<float>() + row.numel());
            QVERIFY(values.size() <= 15);
        }
    }

    void evaluatorEvaluatesAtItsPrecision() {
        std::mt19937_64 rng(5);
        std::vector<SubConfig> configs = {SubConfig::largest(space), SubConfig::smallest(space),
                                          geneToConfig(sampleGene(space, rng), space)};
        FitnessEvaluator ev(model, batches, 2, 4);
        const auto fp32 = ev.evaluate(configs);
        for (Precision p : {Precision::Int8, Precision::W4A8}) {
            ev.setPrecision(p);
            QVERIFY(ev.precision() == p);
            const auto got = ev.evaluate(configs);
            for (size_t i = 0; i < configs.size(); ++i) {
                ActivationRanges ranges;
                if (p == Precision::W4A8) {
                    torch::InferenceMode g;
                    ranges = calibrateActivations(model, configs[i], batches.front());
                }
                PrecisionScope scope(p, &ranges);
                const ValidLoss want = validLoss(model, configs[i], batches);
                QCOMPARE(got[i]->loss, want.loss);
                const double delta = got[i]->loss - fp32[i]->loss;
                qInfo("%s config %zu: fp32 %.4f, %+.4f bits", precisionName(p).c_str(), i, fp32[i]->loss, delta);
                QVERIFY(delta != 0.0);
                QVERIFY(std::abs(delta) < 0.05 * fp32[i]->loss);
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestPrecisionScope)
#include "test_precision_scope.moc"

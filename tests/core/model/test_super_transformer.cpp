// The SuperTransformer against HAT's own outputs on the small fixture SuperTransformer: encoder
// outputs, logits, log-probs and losses of 9 SubTransformers, and beam/greedy search.
#include <QtTest>

#include "core/eval/sequence_generator.h"
#include "core/model/checkpoint.h"
#include "core/model/loss.h"
#include "core/space/arch_metrics.h"
#include "support/fixtures.h"
#include "support/parity.h"

using namespace hat;
using namespace hat::test;

namespace {
double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b) {
    if (a.sizes() != b.sizes()) return std::numeric_limits<double>::infinity();
    return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}
double relDiff(double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-30); }
}  // namespace

class TestSuperTransformer : public QObject {
    Q_OBJECT
private:
    DesignSpace space = smallSpace();
    SuperTransformer model{nullptr};
    TensorDict batch;
    nlohmann::json subnets;
    double worst = 0.0;

private Q_SLOTS:
    void initTestCase() {
        model = loadHatStateDictFile(fixture("hat_parity/supernet_state_dict.pt"), space, 1);
        model->eval();
        batch = loadTensorDict(fixture("hat_parity/batch.pt"));
        subnets = readJson(fixture("hat_parity/subnet_results.json"));
        QCOMPARE(model->options().vocabSize, int64_t(100));
    }

    void outputsMatchHat_data() {
        QTest::addColumn<int>("index");
        for (int i = 0; i < static_cast<int>(subnets.size()); ++i) {
            QTest::newRow(subnets[i]["name"].get<std::string>().c_str()) << i;
        }
    }
    void outputsMatchHat() {
        QFETCH(int, index);
        torch::NoGradGuard g;
        const auto& s = subnets[index];
        const SubConfig c = configFromJson(s["config"]);
        const TensorDict expected = loadTensorDict(fixture("hat_parity/" + s["outputs_file"].get<std::string>()));

        const EncoderOutput enc = model->encode(batch["src_tokens"], c);
        const double dEnc = maxAbsDiff(enc.out, expected.at("encoder_out"));
        const double dAll = maxAbsDiff(torch::stack(enc.all), expected.at("encoder_out_all"));
        const auto logits = model->decode(batch["prev_output_tokens"], enc, c);
        const auto lprobs = torch::log_softmax(logits, -1);
        const double dLogits = maxAbsDiff(logits, expected.at("logits"));
        const double dLprobs = maxAbsDiff(lprobs, expected.at("lprobs"));
        worst = std::max({worst, dEnc, dAll, dLogits, dLprobs});
        QVERIFY2(dEnc <= parityTolerance(), std::to_string(dEnc).c_str());
        QVERIFY2(dAll <= parityTolerance(), std::to_string(dAll).c_str());
        QVERIFY2(dLogits <= parityTolerance(), std::to_string(dLogits).c_str());
        QVERIFY2(dLprobs <= parityTolerance(), std::to_string(dLprobs).c_str());

        const LossSums loss = labelSmoothedLoss(lprobs, batch["target"], 0.1, 1);
        QCOMPARE(loss.ntokens, s["ntokens"].get<int64_t>());
        QVERIFY(relDiff(loss.loss.item<double>(), s["loss_sum_nats"]) <= 1e-6);
        QVERIFY(relDiff(loss.nll.item<double>(), s["nll_loss_sum_nats"]) <= 1e-6);
        QVERIFY(relDiff(toBase2PerToken(loss.loss.item<double>(), loss.ntokens), s["valid_loss_base2_per_token"]) <= 1e-6);
        QVERIFY(relDiff(toBase2PerToken(loss.nll.item<double>(), loss.ntokens), s["valid_nll_loss_base2_per_token"]) <= 1e-6);
    }

    void parameterCountEqualsSlicedTensors() {
        // Independent of hatParameterCount's formula: count the elements the forward pass slices.
        for (const auto& s : subnets) {
            const SubConfig c = configFromJson(s["config"]);
            int64_t n = 0;
            const int64_t Q = space.qkvDim;
            for (int i = 0; i < c.encoderLayerNum; ++i) {
                const int64_t d = c.encoderEmbedDim, f = c.encoderFfnDim[i];
                n += 3 * Q * d + 3 * Q + d * Q + d + 4 * d + (f * d + f) + (d * f + d);
            }
            for (int i = 0; i < c.decoderLayerNum; ++i) {
                const int64_t d = c.decoderEmbedDim, e = c.encoderEmbedDim, f = c.decoderFfnDim[i];
                n += 3 * Q * d + 3 * Q + d * Q + d;              // self-attention
                n += Q * d + 2 * Q * e + 3 * Q + d * Q + d;      // encoder attention
                n += 6 * d + (f * d + f) + (d * f + d);
            }
            QCOMPARE(n, s["hat_sampled_params_numel"].get<int64_t>());
        }
    }

    void incrementalMatchesTeacherForcing() {
        // Feeding prev_output_tokens one step at a time gives the teacher-forced logits at every
        // real position (a pad position has another position row in the two paths).
        torch::NoGradGuard g;
        for (const auto& s : subnets) {
            const SubConfig c = configFromJson(s["config"]);
            const auto prev = batch["prev_output_tokens"];
            const EncoderOutput enc = model->encode(batch["src_tokens"], c);
            const auto full = model->decode(prev, enc, c);
            DecoderState st = model->initialState();
            for (int64_t t = 0; t < prev.size(1); ++t) {
                const auto step = model->decodeStep(prev.slice(1, 0, t + 1), enc, c, st).squeeze(1);
                const auto real = prev.select(1, t).ne(1);
                const double d = maxAbsDiff(step.index({real}), full.select(1, t).index({real}));
                // Two summation orders (one query vs all queries at once): rounding only.
                QVERIFY2(d <= 5 * parityTolerance(), (s["name"].get<std::string>() + " t=" + std::to_string(t) + " " + std::to_string(d)).c_str());
            }
        }
    }

    void searchMatchesHatGenerator_data() {
        QTest::addColumn<int>("run");
        const auto runs = readJson(fixture("hat_parity/beam_search.json"))["runs"];
        for (int i = 0; i < static_cast<int>(runs.size()); ++i) {
            QTest::newRow((runs[i]["config_name"].get<std::string>() + "/" + runs[i]["setting"].get<std::string>()).c_str()) << i;
        }
    }
    void searchMatchesHatGenerator() {
        QFETCH(int, run);
        const auto r = readJson(fixture("hat_parity/beam_search.json"))["runs"][run];
        SubConfig c;
        for (const auto& s : subnets) {
            if (s["name"] == r["config_name"]) c = configFromJson(s["config"]);
        }
        GenerationOptions opt;
        const bool greedy = r["setting"] == "beam1_greedy";
        opt.beam = greedy ? 1 : 4;
        opt.lenpen = greedy ? 1.0 : 0.6;
        const GenerationResult out = generate(model, c, batch["src_tokens"], opt);
        QCOMPARE(out.decoderSteps, r["decoder_steps"].get<int>());
        const auto& hyps = r["hypotheses"];
        QCOMPARE(out.nbest.size(), hyps.size());
        for (size_t row = 0; row < hyps.size(); ++row) {
            QCOMPARE(out.nbest[row].size(), hyps[row].size());
            for (size_t k = 0; k < hyps[row].size(); ++k) {
                const auto& e = hyps[row][k];
                const Hypothesis& h = out.nbest[row][k];
                QCOMPARE(h.tokens, e["tokens"].get<std::vector<int64_t>>());
                QVERIFY(std::abs(h.score - e["score"].get<double>()) <= parityTolerance());
                const auto pos = e["positional_scores"].get<std::vector<double>>();
                QCOMPARE(h.positionalScores.size(), pos.size());
                for (size_t j = 0; j < pos.size(); ++j) QVERIFY(std::abs(h.positionalScores[j] - pos[j]) <= parityTolerance());
            }
        }
    }

    void cleanupTestCase() {
        qInfo("BLAS: %s; largest difference from HAT's tensors: %.3g", blasName().c_str(), worst);
    }
};

QTEST_APPLESS_MAIN(TestSuperTransformer)
#include "test_super_transformer.moc"

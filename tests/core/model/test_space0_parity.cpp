// Real-size space0 SuperTransformer (640 / 3072 / 6+6 / qkv 512) with weights from the fixture's
// integer recipe: our outputs for HAT's published SubTransformers equal HAT's.
#include <QtTest>

#include "core/model/checkpoint.h"
#include "core/model/loss.h"
#include "support/fixtures.h"
#include "support/parity.h"

using namespace hat;
using namespace hat::test;

namespace {

uint64_t splitmix64(uint64_t z) {
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

torch::Tensor recipeTensor(const nlohmann::json& spec) {
    const auto shape = spec["shape"].get<std::vector<int64_t>>();
    auto t = torch::empty(shape, torch::kFloat);
    const uint64_t seed = spec["seed"].get<uint64_t>();
    const double mean = spec["mean"].get<double>();
    const double step = std::ldexp(1.0, spec["exp2"].get<int>() - 23);
    float* p = t.data_ptr<float>();
    for (int64_t j = 0; j < t.numel(); ++j) {
        const uint64_t r = splitmix64((seed << 32) | static_cast<uint64_t>(j));
        const int64_t k = static_cast<int64_t>(r >> 40) - (int64_t(1) << 23);
        p[j] = static_cast<float>(mean + static_cast<double>(k) * step);
    }
    if (!spec["zero_row"].is_null()) t[spec["zero_row"].get<int64_t>()].zero_();
    return t;
}

double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b) {
    if (a.sizes() != b.sizes()) return std::numeric_limits<double>::infinity();
    return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}

}  // namespace

class TestSpace0Parity : public QObject {
    Q_OBJECT
private:
    nlohmann::json meta;
    SuperTransformer model{nullptr};
    TensorDict batch;

private Q_SLOTS:
    void initTestCase() {
        meta = readJson(fixture("hat_parity/space0/space0_meta.json"));
        batch = loadTensorDict(fixture("hat_parity/space0/batch.pt"));
    }

    void recipeTensorsMatchChecks() {
        TensorDict dict;
        for (const auto& spec : meta["weight_recipe"]["tensors"]) {
            auto t = recipeTensor(spec);
            const auto& check = spec["check"];
            const auto flat = t.view(-1);
            const auto first3 = check["first3"].get<std::vector<double>>();
            for (int i = 0; i < 3; ++i) QCOMPARE(static_cast<double>(flat[i].item<float>()), first3[i]);
            QCOMPARE(static_cast<double>(flat[-1].item<float>()), check["last"].get<double>());
            QVERIFY(std::abs(t.to(torch::kDouble).sum().item<double>() - check["sum_f64"].get<double>()) < 1e-6);
            dict[spec["name"]] = t;
        }
        QCOMPARE(dict.size(), size_t(181));  // plus the shared decoder embedding: 182 tensors
        dict["decoder.embed_tokens.weight"] = dict.at("encoder.embed_tokens.weight");
        ModelOptions o;
        o.space = DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml"));
        o.vocabSize = meta["vocab_size"].get<int64_t>();
        model = SuperTransformer(o);
        model->loadHatStateDict(dict, "space0 recipe");
        model->eval();
    }

    void outputsMatchHat() {
        QVERIFY(model);
        torch::NoGradGuard g;
        double worst = 0;
        for (const auto& s : meta["subnets"]) {
            const SubConfig c = configFromJson(s["config"]);
            const TensorDict expected = loadTensorDict(fixture("hat_parity/space0/" + s["outputs_file"].get<std::string>()));
            const EncoderOutput enc = model->encode(batch["src_tokens"], c);
            const auto logits = model->decode(batch["prev_output_tokens"], enc, c);
            const auto lprobs = torch::log_softmax(logits, -1);
            const double d = std::max({maxAbsDiff(enc.out, expected.at("encoder_out")),
                                       maxAbsDiff(logits, expected.at("logits")),
                                       maxAbsDiff(lprobs, expected.at("lprobs"))});
            worst = std::max(worst, d);
            QVERIFY2(d <= parityTolerance(), (s["name"].get<std::string>() + ": " + std::to_string(d)).c_str());
            const LossSums loss = labelSmoothedLoss(lprobs, batch["target"], 0.1, 1);
            QVERIFY(std::abs(loss.loss.item<double>() / s["loss_sum_nats"].get<double>() - 1) <= 1e-6);
            QVERIFY(std::abs(toBase2PerToken(loss.loss.item<double>(), loss.ntokens) /
                                 s["valid_loss_base2_per_token"].get<double>() - 1) <= 1e-6);
        }
        qInfo("BLAS: %s; space0: largest difference from HAT's tensors: %.3g", blasName().c_str(), worst);
    }
};

QTEST_APPLESS_MAIN(TestSpace0Parity)
#include "test_space0_parity.moc"

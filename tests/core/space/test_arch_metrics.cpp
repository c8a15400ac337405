// Latency features and parameter counts against HAT's outputs; FLOPs against a hand count.
#include <QtTest>

#include "core/space/arch_metrics.h"
#include "support/fixtures.h"

using namespace hat;
using namespace hat::test;

class TestArchMetrics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void smallSupernetFeaturesAndParams() {
        for (const auto& s : readJson(fixture("hat_parity/subnet_results.json"))) {
            const SubConfig c = configFromJson(s["config"]);
            const auto f = latencyFeatures(c);
            const auto expected = s["latency_features"].get<std::vector<double>>();
            for (int i = 0; i < 10; ++i) QVERIFY(std::abs(f[i] - expected[i]) <= 1e-12);
            QCOMPARE(hatParameterCount(c, 64), s["hat_sampled_params_numel"].get<int64_t>());
        }
    }
    void space0FeaturesAndParams() {
        const auto meta = readJson(fixture("hat_parity/space0/space0_meta.json"));
        for (const auto& s : meta["subnets"]) {
            const SubConfig c = configFromJson(s["config"]);
            const auto f = latencyFeatures(c);
            const auto expected = s["latency_features"].get<std::vector<double>>();
            for (int i = 0; i < 10; ++i) QVERIFY(std::abs(f[i] - expected[i]) <= 1e-12);
            QCOMPARE(hatParameterCount(c, 512), s["hat_sampled_params_numel"].get<int64_t>());
        }
    }
    void sampledConfigFeatures() {
        for (const auto& sp : readJson(fixture("hat_parity/sample_configs.json"))["spaces"]) {
            for (const auto& s : sp["samples"]) {
                const auto f = latencyFeatures(configFromJson(s["config"]));
                const auto expected = s["latency_features"].get<std::vector<double>>();
                for (int i = 0; i < 10; ++i) QVERIFY(std::abs(f[i] - expected[i]) <= 1e-12);
            }
        }
    }
    void flopsByHand() {
        // One encoder and one decoder layer, width 4, FFN 8, qkv 4, arbitrary -1, S=2, T=3, V=10.
        SubConfig c;
        c.encoderEmbedDim = 4; c.encoderLayerNum = 1; c.encoderFfnDim = {8}; c.encoderSelfHeads = {2};
        c.decoderEmbedDim = 4; c.decoderLayerNum = 1; c.decoderFfnDim = {8}; c.decoderSelfHeads = {2};
        c.decoderEndeHeads = {2}; c.decoderArbitraryEndeAttn = {-1};
        // encoder: qkv 2*4*12=96, scores+values 2*2*2*4=32, out 2*4*4=32, ffn 2*2*4*8=128 -> 288
        // decoder self: 3*4*12=144 + 2*3*3*4=72 + 3*4*4=48 -> 264
        // decoder cross: q 3*4*4=48, kv 2*2*4*4=64, scores+values 2*3*2*4=48, out 48 -> 208
        // decoder ffn: 2*3*4*8=192; projection 3*4*10=120. MACs = 288+264+208+192+120 = 1072
        QCOMPARE(flops(c, 4, 2, 3, 10), int64_t(2 * 1072));
        // Arbitrary attention 2 triples the keys: cross kv 192, scores+values 144 -> +224 MACs.
        c.decoderArbitraryEndeAttn = {2};
        QCOMPARE(flops(c, 4, 2, 3, 10), int64_t(2 * (1072 + 128 + 96)));
    }
};

QTEST_APPLESS_MAIN(TestArchMetrics)
#include "test_arch_metrics.moc"

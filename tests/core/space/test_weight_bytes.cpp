// Weight bytes at a precision: fp32 layers are HAT's parameter count at 4 bytes, a hand count of
// one small model at int8 and w4a8, and the compression the issue asks for on space0.
#include <QtTest>

#include "core/space/arch_metrics.h"
#include "core/space/design_space.h"
#include "core/space/weight_bytes.h"
#include "support/fixtures.h"

using namespace hat;
using namespace hat::test;

class TestWeightBytes : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fp32LayersAreHatsParameterCount() {
        const auto meta = readJson(fixture("hat_parity/space0/space0_meta.json"));
        int checked = 0;
        for (const auto& s : meta["subnets"]) {
            const SubConfig c = configFromJson(s["config"]);
            const WeightBytes b = weightBytes(c, 512, 0, Precision::Fp32);
            QCOMPARE(b.layers, 4 * s["hat_sampled_params_numel"].get<int64_t>());
            QCOMPARE(b.embeddings, int64_t(0));
            ++checked;
        }
        QVERIFY(checked >= 3);
    }

    void smallModelByHand() {
        // One encoder and one decoder layer, widths 4 (encoder) and 6 (decoder), FFN 8, qkv 4, V 10.
        SubConfig c;
        c.encoderEmbedDim = 4; c.encoderLayerNum = 1; c.encoderFfnDim = {8}; c.encoderSelfHeads = {2};
        c.decoderEmbedDim = 6; c.decoderLayerNum = 1; c.decoderFfnDim = {8}; c.decoderSelfHeads = {2};
        c.decoderEndeHeads = {2}; c.decoderArbitraryEndeAttn = {-1};
        // int8: a [r, k] matrix is r * (k + 5) bytes, a bias 4 bytes a row, a LayerNorm 8 bytes a unit.
        // encoder: qkv 12*(4+5)+48, out 4*(4+5)+16, fc1 8*(4+5)+32, fc2 4*(8+5)+16, 2 norms 2*32
        const int64_t enc8 = (108 + 48) + (36 + 16) + (72 + 32) + (52 + 16) + 64;
        // decoder: self qkv 12*(6+5)+48, out 6*(4+5)+24, q 4*(6+5)+16, kv 8*(4+5)+32,
        // cross out 6*(4+5)+24, fc1 8*(6+5)+32, fc2 6*(8+5)+24, 3 norms 3*48
        const int64_t dec8 = (132 + 48) + (54 + 24) + (44 + 16) + (72 + 32) + (54 + 24) + (88 + 32) +
                             (78 + 24) + 144;
        WeightBytes b = weightBytes(c, 4, 10, Precision::Int8);
        QCOMPARE(b.layers, enc8 + dec8);
        QCOMPARE(b.embeddings, int64_t(10 * (4 + 5) + 10 * (6 + 5)));  // two widths: two tables
        QCOMPARE(b.outputProjection, int64_t(10 * (6 + 5)));
        QCOMPARE(b.total(), b.layers + b.embeddings);
        // w4a8: a row of k values takes ceil(k/2) bytes + 5; each linear adds a 4-byte input scale;
        // a LayerNorm 2*(d + 4); one 256-byte softmax table.
        const int64_t enc4 = (12 * 7 + 48 + 4) + (4 * 7 + 16 + 4) + (8 * 7 + 32 + 4) + (4 * 9 + 16 + 4) +
                             2 * 16;
        const int64_t dec4 = (12 * 8 + 48 + 4) + (6 * 7 + 24 + 4) + (4 * 8 + 16 + 4) + (8 * 7 + 32 + 4) +
                             (6 * 7 + 24 + 4) + (8 * 8 + 32 + 4) + (6 * 9 + 24 + 4) + 3 * 20;
        b = weightBytes(c, 4, 10, Precision::W4A8);
        QCOMPARE(b.layers, enc4 + dec4 + 256);
        QCOMPARE(b.embeddings, int64_t(10 * 7 + 10 * 8));
        // Equal widths share one table.
        c.decoderEmbedDim = 4;
        QCOMPARE(weightBytes(c, 4, 10, Precision::Fp32).embeddings, int64_t(4 * 10 * 4));
    }

    void space0CompressesAsFqBertDoes() {
        // The goals: int8 at least 3.9x and w4a8 at least 7.5x smaller than fp32, for the
        // largest and the smallest SubTransformer with a 32k vocabulary.
        const DesignSpace space = DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml"));
        for (const SubConfig& c : {SubConfig::largest(space), SubConfig::smallest(space)}) {
            const double fp32 = weightBytes(c, space.qkvDim, 32768, Precision::Fp32).total();
            const double int8 = weightBytes(c, space.qkvDim, 32768, Precision::Int8).total();
            const double w4 = weightBytes(c, space.qkvDim, 32768, Precision::W4A8).total();
            qInfo("%s: fp32 %.2f MB, int8 %.2f MB (%.2fx), w4a8 %.2f MB (%.2fx)", c.summary().c_str(),
                  fp32 / 1e6, int8 / 1e6, fp32 / int8, w4 / 1e6, fp32 / w4);
            QVERIFY(fp32 / int8 >= 3.9 && fp32 / int8 < 4.0);
            QVERIFY(fp32 / w4 >= 7.5 && fp32 / w4 < 8.0);
        }
    }
};

QTEST_APPLESS_MAIN(TestWeightBytes)
#include "test_weight_bytes.moc"

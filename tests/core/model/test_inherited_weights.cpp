// Inherited weights hold exactly what a SubTransformer uses: written back into the matching slices
// of a differently initialised SuperTransformer, they reproduce the original's logits for that
// SubTransformer; shapes follow the SubTransformer's widths.
#include <QtTest>

#include "core/model/inherited_weights.h"
#include "support/fixtures.h"

using namespace hat;
using namespace hat::test;

class TestInheritedWeights : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void reproduceTheSubTransformer() {
        DesignSpace space = DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml"));
        ModelOptions mo;
        mo.space = space;
        mo.vocabSize = 50;
        mo.widthDivisor = 16;
        torch::manual_seed(1);
        SuperTransformer a(mo);
        torch::manual_seed(2);
        SuperTransformer b(mo);
        a->eval();
        b->eval();
        SubConfig c = SubConfig::largest(space);
        c.encoderEmbedDim = 640;
        c.decoderEmbedDim = 512;  // different widths: separate q/k/v for encoder attention
        c.encoderFfnDim = {3072, 1024, 2048, 3072, 1024, 2048};
        c.decoderLayerNum = 2;
        c.decoderFfnDim = {2048, 1024, 3072, 3072, 3072, 3072};
        c.decoderArbitraryEndeAttn = {1, 2, 1, 1, 1, 1};
        const TensorDict w = inheritedWeights(*a, c);
        // Widths at divisor 16: encoder 40, decoder 32, qkv 32.
        QCOMPARE(w.at("encoder.embed_tokens.weight").sizes(), (torch::IntArrayRef{50, 40}));
        QCOMPARE(w.at("decoder.embed_tokens.weight").sizes(), (torch::IntArrayRef{50, 32}));
        QCOMPARE(w.at("encoder.layers.1.fc1.weight").sizes(), (torch::IntArrayRef{64, 40}));
        QCOMPARE(w.at("decoder.layers.1.fc2.weight").sizes(), (torch::IntArrayRef{32, 64}));
        QCOMPARE(w.at("decoder.layers.0.encoder_attn.k_proj_weight").sizes(), (torch::IntArrayRef{32, 40}));
        QCOMPARE(w.at("decoder.layers.0.encoder_attn.q_proj_weight").sizes(), (torch::IntArrayRef{32, 32}));
        QVERIFY(!w.count("decoder.layers.2.fc1.weight"));  // inactive layers are left out

        // Write every exported tensor into b's matching slice (the inverse of the export).
        {
            torch::NoGradGuard g;
            const auto params = b->named_parameters(true);
            for (const auto& [name, t] : w) {
                std::string target = name;
                int64_t rowOffset = 0;
                for (const auto& [part, offset] : {std::pair{"q_proj_weight", 0}, std::pair{"k_proj_weight", 1},
                                                   std::pair{"v_proj_weight", 2}}) {
                    const auto pos = name.find(part);
                    if (pos != std::string::npos) {
                        target = name.substr(0, pos) + "in_proj_weight";
                        rowOffset = offset * 32;
                    }
                }
                const torch::Tensor* p = params.find(target);
                QVERIFY2(p, name.c_str());
                torch::Tensor dst = *p;
                dst = dst.slice(0, rowOffset, rowOffset + t.size(0));
                if (t.dim() == 2) dst = dst.slice(1, 0, t.size(1));
                dst.copy_(t);
            }
        }
        const auto src = torch::tensor({{5, 9, 12, 7, 2}, {1, 8, 30, 4, 2}}, torch::kLong);
        const auto prev = torch::tensor({{2, 11, 6, 40}, {2, 13, 21, 1}}, torch::kLong);
        torch::InferenceMode g;
        const auto la = a->forward(src, prev, c), lb = b->forward(src, prev, c);
        QCOMPARE((la - lb).abs().max().item<double>(), 0.0);
        // And b is not simply a copy of a: another SubTransformer differs.
        const auto other = SubConfig::largest(space);
        QVERIFY((a->forward(src, prev, other) - b->forward(src, prev, other)).abs().max().item<double>() > 1e-3);
    }
};

QTEST_GUILESS_MAIN(TestInheritedWeights)
#include "test_inherited_weights.moc"

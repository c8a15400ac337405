// batchedMatmul against LibTorch's bmm: values and gradients, for the layouts attention produces
// (contiguous, transposed views, head-split views) and for the tiny sizes it hands back to bmm.
#include <QtTest>

#include <torch/torch.h>

#include "core/model/batched_matmul.h"

using namespace hat;

class TestBatchedMatmul : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchesBmmOnEveryLayout() {
        torch::manual_seed(3);
        struct Case {
            int64_t n, m, k, p;
        };
        for (const Case c : {Case{96, 25, 8, 75}, Case{7, 1, 16, 40}, Case{3, 30, 64, 1},
                             Case{5, 2, 3, 4}, Case{12, 17, 13, 19}}) {
            const auto a = torch::randn({c.n, c.m, c.k});
            const auto b = torch::randn({c.n, c.k, c.p});
            // b as the transpose of a contiguous (n, p, k) tensor: what q·kᵀ passes.
            const auto bT = torch::randn({c.n, c.p, c.k}).transpose(1, 2);
            // a as a head split of a (m, n, k) tensor: rows strided by n·k.
            const auto aSplit = torch::randn({c.m, c.n, c.k}).transpose(0, 1);
            for (const auto& [x, y] : {std::pair{a, b}, std::pair{a, bT}, std::pair{aSplit, b},
                                       std::pair{aSplit, bT}}) {
                const auto want = torch::bmm(x, y);
                const auto got = batchedMatmul(x, y);
                QCOMPARE(got.sizes(), want.sizes());
                QVERIFY2(torch::allclose(got, want, 1e-5, 1e-5),
                         qPrintable(QString("n=%1 m=%2 k=%3 p=%4: max diff %5")
                                        .arg(c.n).arg(c.m).arg(c.k).arg(c.p)
                                        .arg((got - want).abs().max().item<double>())));
            }
        }
    }
    void gradientsMatchBmm() {
        torch::manual_seed(4);
        const auto a0 = torch::randn({6, 9, 8});
        const auto b0 = torch::randn({6, 8, 11});
        const auto g = torch::randn({6, 9, 11});
        auto a1 = a0.clone().requires_grad_(true), b1 = b0.clone().requires_grad_(true);
        auto a2 = a0.clone().requires_grad_(true), b2 = b0.clone().requires_grad_(true);
        (batchedMatmul(a1, b1) * g).sum().backward();
        (torch::bmm(a2, b2) * g).sum().backward();
        QVERIFY(torch::allclose(a1.grad(), a2.grad(), 1e-5, 1e-5));
        QVERIFY(torch::allclose(b1.grad(), b2.grad(), 1e-5, 1e-5));
        QVERIFY(a1.grad().abs().sum().item<double>() > 1.0);
    }
    void emptyAndDegenerateShapes() {
        QCOMPARE(batchedMatmul(torch::randn({0, 3, 4}), torch::randn({0, 4, 5})).sizes(),
                 (torch::IntArrayRef{0, 3, 5}));
        const auto z = batchedMatmul(torch::randn({2, 30, 0}), torch::randn({2, 0, 40}));
        QCOMPARE(z.abs().sum().item<double>(), 0.0);
        QVERIFY_THROWS_EXCEPTION(c10::Error, batchedMatmul(torch::randn({2, 30, 20}), torch::randn({2, 21, 40})));
    }
};

QTEST_GUILESS_MAIN(TestBatchedMatmul)
#include "test_batched_matmul.moc"

// Collation reproduces HAT's language_pair_dataset.collate on the parity batch; batches respect
// the token budget and group similar lengths.
#include <QtTest>

#include "core/data/batching.h"
#include "core/model/checkpoint.h"
#include "support/fixtures.h"

using namespace hat;
using namespace hat::test;

class TestBatching : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void collateMatchesHat() {
        const auto j = readJson(fixture("hat_parity/batch.json"));
        TokenizedCorpus c;
        for (const auto& pair : j["pairs_before_collate_without_eos"]) {
            auto s = pair[0].get<std::vector<int32_t>>();
            auto t = pair[1].get<std::vector<int32_t>>();
            s.push_back(2);
            t.push_back(2);
            c.source.push_back(s);
            c.target.push_back(t);
        }
        const Batch b = collate(c, {0, 1, 2});
        const TensorDict expected = loadTensorDict(fixture("hat_parity/batch.pt"));
        QVERIFY(torch::equal(b.source, expected.at("src_tokens")));
        QVERIFY(torch::equal(b.prevOutput, expected.at("prev_output_tokens")));
        QVERIFY(torch::equal(b.target, expected.at("target")));
        QCOMPARE(b.ids, (std::vector<int64_t>{0, 2, 1}));
        QCOMPARE(b.ntokens, int64_t(24));
    }
    void batchesRespectBudget() {
        TokenizedCorpus c;
        std::mt19937_64 rng(3);
        for (int i = 0; i < 500; ++i) {
            c.source.emplace_back(1 + rng() % 60, 5);
            c.target.emplace_back(1 + rng() % 60, 6);
        }
        std::mt19937_64 shuffle(1);
        const auto batches = makeBatches(c, 256, &shuffle);
        std::vector<int> seen(500, 0);
        for (const auto& b : batches) {
            size_t longest = 0;
            for (int64_t i : b) {
                longest = std::max({longest, c.source[i].size(), c.target[i].size()});
                ++seen[i];
            }
            QVERIFY(b.size() == 1 || longest * b.size() <= 256);
        }
        for (int n : seen) QCOMPARE(n, 1);  // every sentence exactly once
        std::mt19937_64 again(1);
        QCOMPARE(makeBatches(c, 256, &again), batches);  // seeded: reproducible
    }
};

QTEST_APPLESS_MAIN(TestBatching)
#include "test_batching.moc"

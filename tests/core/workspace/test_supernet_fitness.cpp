// Fitness from the SuperTransformer: equals the validation loss computed directly, is stored in
// the workspace as it is computed, and is looked up instead of recomputed; a race stores only
// what it scored in full.
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "core/data/batching.h"
#include "core/data/dictionary.h"
#include "core/eval/validation.h"
#include "core/model/checkpoint.h"
#include "core/workspace/supernet_fitness.h"
#include "core/space/sampling.h"
#include "core/store/workspace_db.h"
#include "support/fixtures.h"
#include "support/tiny_supernet.h"

using namespace hat;
using namespace hat::test;

class TestSupernetFitness : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir;
    FitnessSetOptions opts;
    std::string ckpt;
    DesignSpace space = DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml"));

private Q_SLOTS:
    void initTestCase() {
        const TinySupernet t = makeTinySupernet(dir.path().toStdString(), 60, 3);
        ckpt = t.checkpoint;
        opts.corpusDir = t.corpusDir;
        opts.dictionary = t.dictionary;
        opts.sentences = 40;
    }
    void computesStoresAndReuses() {
        WorkspaceDb db = WorkspaceDb::open(dir.filePath("w.db").toStdString(), true);
        db.setSpace(space);
        SupernetFitness fit(ckpt, opts, db);
        std::mt19937_64 rng(1);
        std::vector<Gene> genes;
        for (int i = 0; i < 12; ++i) genes.push_back(sampleGene(space, rng));
        genes.push_back(genes[0]);  // a duplicate within the call
        const auto f = fit.fitness(genes, nullptr);
        QCOMPARE(fit.computed(), 12);
        QCOMPARE(f[12], f[0]);
        QCOMPARE(db.evaluationCount(fit.supernetId(), fit.fitnessSetId()), int64_t(12));

        // Independently: the same number from validLoss on the same 40 sentences, spread over the
        // 60-line split (lines 0, 1, 3, 4, 6, ...: every 1.5th).
        SuperTransformer model = loadSuperTransformer(ckpt, &space);
        const Dictionary dict = Dictionary::loadFairseq(opts.dictionary);
        const ParallelText all = loadParallelText(opts.corpusDir + "/valid.en", opts.corpusDir + "/valid.de");
        QCOMPARE(all.source.size(), size_t(60));
        ParallelText text;
        for (size_t i = 0; i < 40; ++i) {
            text.source.push_back(all.source[i * 3 / 2]);
            text.target.push_back(all.target[i * 3 / 2]);
        }
        const TokenizedCorpus data = tokenize(text, dict, nullptr, 1022, "valid");
        std::vector<Batch> batches;
        for (const auto& ids : makeBatches(data, opts.maxTokens)) batches.push_back(collate(data, ids));
        QCOMPARE(validLoss(model, geneToConfig(genes[3], space), batches).loss, f[3]);

        // A gene differing only in unused slots is the same architecture: looked up.
        Gene alias = genes[5];
        const SubConfig c = geneToConfig(alias, space);
        if (c.decoderLayerNum < 6) alias[16 + 5] = alias[16 + 5] == 1024 ? 2048 : 1024;
        const int reusedBefore = fit.reused();
        const auto again = fit.fitness({genes[1], alias}, nullptr);
        QCOMPARE(fit.computed(), c.decoderLayerNum < 6 ? 12 : 13);
        QCOMPARE(fit.reused() - reusedBefore, c.decoderLayerNum < 6 ? 2 : 1);
        QCOMPARE(again[0], f[1]);

        // A new process sees the stored evaluations.
        SupernetFitness later(ckpt, opts, db);
        later.fitness({genes[7]}, nullptr);
        QCOMPARE(later.computed(), 0);
        QCOMPARE(later.reused(), 1);
    }
    void racesStoreOnlyWhatTheyScoredInFull() {
        // The losses first, in a database of their own: the head is the 3 best of 15, so every
        // other gene is worse than the head's worst and may be stopped.
        std::mt19937_64 rng(4);
        std::vector<Gene> genes;
        for (int i = 0; i < 15; ++i) genes.push_back(sampleGene(space, rng));
        std::vector<double> truth;
        {
            WorkspaceDb scratch = WorkspaceDb::open(dir.filePath("truth.db").toStdString(), true);
            scratch.setSpace(space);
            SupernetFitness all(ckpt, opts, scratch);
            truth = all.fitness(genes, nullptr);
        }
        std::vector<size_t> order(genes.size());
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return truth[a] < truth[b]; });
        std::vector<Gene> ranked;
        for (size_t i : order) ranked.push_back(genes[i]);
        const double threshold = truth[order[2]];

        WorkspaceDb db = WorkspaceDb::open(dir.filePath("race.db").toStdString(), true);
        db.setSpace(space);
        SupernetFitness fit(ckpt, opts, db);
        RaceRequest request;
        request.exact = 3;
        request.sigmas = 1.0;
        const std::vector<Score> scores = fit.race(ranked, request, nullptr);
        QVERIFY(fit.raced() > 0);
        QVERIFY(fit.racedShare() > 0 && fit.racedShare() < 1);
        QCOMPARE(fit.computed() + fit.raced(), 15);
        QCOMPARE(db.evaluationCount(fit.supernetId(), fit.fitnessSetId()), int64_t(fit.computed()));
        for (size_t i = 0; i < ranked.size(); ++i) {
            const auto stored = db.evaluation(fit.supernetId(), fit.fitnessSetId(), canonicalGene(ranked[i], space));
            if (scores[i].raced) {
                QVERIFY(i >= 3);
                QVERIFY(scores[i].fitness > threshold);
                QVERIFY(!stored);  // a bound is not an evaluation
            } else {
                QCOMPARE(scores[i].fitness, truth[order[i]]);
                QVERIFY(stored);
            }
        }
        // Raced again at the same threshold: answered from the bounds and the database.
        const int computed = fit.computed(), raced = fit.raced();
        const std::vector<Score> again = fit.race(ranked, request, nullptr);
        QCOMPARE(fit.computed(), computed);
        QCOMPARE(fit.raced(), raced);
        for (size_t i = 0; i < ranked.size(); ++i) {
            QCOMPARE(again[i].raced, scores[i].raced);
            QCOMPARE(again[i].fitness, scores[i].fitness);
        }
    }
    void wrongDictionaryIsRefused() {
        WorkspaceDb db = WorkspaceDb::open(dir.filePath("w2.db").toStdString(), true);
        db.setSpace(space);
        FitnessSetOptions bad = opts;
        bad.dictionary = sourcePath("data/demo/dict.txt");
        QVERIFY(errorOf([&] { SupernetFitness f(ckpt, bad, db); }).find("symbols") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestSupernetFitness)
#include "test_supernet_fitness.moc"

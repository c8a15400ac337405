// Fitness from the SuperTransformer: equals the validation loss computed directly, is stored in
// the workspace as it is computed, and is looked up instead of recomputed.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

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

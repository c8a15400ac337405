// A workspace end to end on a small real SuperTransformer and a real (briefly trained) latency
// predictor: search under a limit, instant answers from the database, warm re-search, resume.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "core/data/dictionary.h"
#include "core/data/parallel_corpus.h"
#include "core/latency/latency_dataset.h"
#include "core/latency/latency_predictor.h"
#include "core/model/checkpoint.h"
#include "core/search/workspace.h"
#include "core/space/sampling.h"
#include "core/util/compute_threads.h"
#include "support/fixtures.h"
#include "support/tiny_supernet.h"

using namespace hat;
using namespace hat::test;

namespace {
const char* kDevice = "hat/wmt14ende_cpu_raspberrypi";

EvolutionSettings small(double limit, uint64_t seed) {
    EvolutionSettings s;
    s.population = 16;
    s.parents = 4;
    s.mutations = 6;
    s.crossovers = 6;
    s.generations = 4;
    s.maxLatencyMs = limit;
    s.seed = seed;
    return s;
}

struct CancelAfter : EvolutionObserver {
    CancelToken* token;
    int at;
    void onGeneration(const GenerationReport& r) override {
        if (r.generation == at) token->cancel();
    }
};
}  // namespace

class TestWorkspace : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir;
    std::string ws;

private Q_SLOTS:
    void initTestCase() {
        const TinySupernet t = makeTinySupernet(dir.path().toStdString(), 40, 5);
        const std::string corpus = t.corpusDir;
        const std::string ckpt = t.checkpoint;

        // A quickly trained predictor on HAT's Raspberry Pi data (accuracy is not the point here).
        const LatencyDataset data = LatencyDataset::load(sourcePath("data/latency/hat/wmt14ende_cpu_raspberrypi_all.csv"));
        PredictorTrainOptions po;
        po.steps = 150;
        po.folds = 2;
        po.threads = 1;
        const std::string pred = dir.filePath("pi.pt").toStdString();
        LatencyPredictor::train(data, po).save(pred);

        WorkspaceInit in;
        in.dir = dir.filePath("ws").toStdString();
        in.spacePath = sourcePath("data/spaces/space0.yml");
        in.checkpoint = ckpt;
        in.fitness.corpusDir = corpus;
        in.fitness.dictionary = corpus + "/dict.txt";
        in.fitness.sentences = 30;
        in.deviceIds = {kDevice};
        in.dataDir = sourcePath("data");
        in.predictorOverrides[kDevice] = pred;
        Workspace::init(in);
        ws = in.dir;
        QVERIFY(errorOf([&] { Workspace::init(in); }).find("a workspace already exists here") != std::string::npos);
    }
    void searchInstantAnswerWarmStart() {
        Workspace w = Workspace::open(ws);
        QCOMPARE(w.device("raspberrypi").name, std::string(kDevice));  // a unique part of the id
        // A mid-range limit: the median predicted latency of random genes.
        std::mt19937_64 rng(2);
        std::vector<double> lats;
        for (int i = 0; i < 101; ++i) lats.push_back(w.latency(kDevice, sampleGene(w.space(), rng)).ms);
        std::nth_element(lats.begin(), lats.begin() + 50, lats.end());
        const double limit = lats[50];

        const SearchOutcome cold = w.search(kDevice, small(limit, 1), false);
        QVERIFY(cold.best.latency.ms <= limit);
        QVERIFY(cold.computed > 0);
        QCOMPARE(w.db().run(cold.runId)->status, std::string("finished"));

        // The instant answer is the best stored evaluation under the limit: at least as good as
        // the search's answer (which is stored), and under the limit.
        const auto instant = w.instantAnswer(kDevice, limit);
        QVERIFY(instant.has_value());
        QVERIFY(instant->validLoss <= cold.best.fitness);
        QVERIFY(instant->latencyMs <= limit);
        // Everything stored has a latency row; the front is monotone.
        const auto points = w.evaluatedPoints(kDevice);
        QCOMPARE(int64_t(points.size()), w.db().evaluationCount(1, 1));
        const auto front = paretoFront(points);
        for (size_t i = 1; i < front.size(); ++i) {
            QVERIFY(front[i].latencyMs >= front[i - 1].latencyMs);
            QVERIFY(front[i].validLoss < front[i - 1].validLoss);
        }
        // BLEU of a front member: stored next to its (unchanged) validation loss, looked up after.
        const EvaluatedPoint member = front.front();
        const double bleu = w.fitness().bleu({member.gene})[0];
        QVERIFY(bleu >= 0.0 && bleu <= 100.0);
        QCOMPARE(*w.db().evaluationBleu(1, 1, member.gene), bleu);
        bool found = false;
        for (const auto& p : w.evaluatedPoints(kDevice)) {
            if (p.gene != member.gene) continue;
            found = true;
            QCOMPARE(*p.bleu, bleu);
            QCOMPARE(p.validLoss, member.validLoss);
        }
        QVERIFY(found);
        const int before = w.fitness().computed();
        QCOMPARE(w.fitness().bleu({member.gene})[0], bleu);
        QCOMPARE(w.fitness().computed(), before);
        // A warm re-search at a slightly tighter limit reuses stored evaluations.
        const SearchOutcome warm = w.search(kDevice, small(limit * 0.95, 1), true);
        QVERIFY(warm.reused > 0);
        QVERIFY(warm.best.latency.ms <= limit * 0.95);
    }
    void resumeEndsLikeAnUninterruptedRun() {
        Workspace w = Workspace::open(ws);
        const double limit = w.latency(kDevice, configToGene(SubConfig::largest(w.space()), w.space())).ms * 0.8;
        const SearchOutcome whole = w.search(kDevice, small(limit, 9), false);
        CancelToken token;
        CancelAfter stop;
        stop.token = &token;
        stop.at = 1;
        const SearchOutcome cut = w.search(kDevice, small(limit, 9), false, &stop, &token);
        QVERIFY(cut.cancelled);
        QCOMPARE(w.db().run(cut.runId)->status, std::string("cancelled"));
        Workspace again = Workspace::open(ws);  // as a new process would
        const SearchOutcome resumed = again.resume(cut.runId);
        QCOMPARE(resumed.best.gene, whole.best.gene);
        QCOMPARE(resumed.best.fitness, whole.best.fitness);
        QVERIFY(errorOf([&] { again.resume(cut.runId); }).find("nothing to resume") != std::string::npos);
        QVERIFY(errorOf([&] { again.device("gpu"); }).find("unknown device 'gpu'") != std::string::npos);
    }
    void measureHereStoresTheMeasurementNextToThePrediction() {
        // A workspace with this machine at one thread (its shipped predictor) beside HAT's Pi.
        WorkspaceInit in;
        in.dir = dir.filePath("ws-local").toStdString();
        in.spacePath = sourcePath("data/spaces/space0.yml");
        in.checkpoint = dir.filePath("supernet.pt").toStdString();
        in.fitness.corpusDir = dir.filePath("corpus").toStdString();
        in.fitness.dictionary = in.fitness.corpusDir + "/dict.txt";
        in.fitness.sentences = 10;
        in.deviceIds = {"local/1t", kDevice};
        in.dataDir = sourcePath("data");
        in.predictorOverrides[kDevice] = dir.filePath("pi.pt").toStdString();
        Workspace::init(in);
        Workspace w = Workspace::open(in.dir);
        const Gene gene = configToGene(SubConfig::smallest(w.space()), w.space());

        QVERIFY(errorOf([&] { w.measureHere(kDevice, gene); }).find("only a local device can be measured here") !=
                std::string::npos);
        CancelToken cancelled;
        cancelled.cancel();
        QVERIFY_THROWS_EXCEPTION(Cancelled, w.measureHere("local/1t", gene, &cancelled));
        QVERIFY(w.measurements("local/1t").empty());

        setComputeThreads(2);  // the caller's setting survives a 1-thread measurement
        const MeasurementRecord m = w.measureHere("local/1t", gene);
        QCOMPARE(computeThreads(), 2);
        QVERIFY(m.id > 0);
        QCOMPARE(m.gene, gene);
        QVERIFY(m.encoderMs > 0.0 && m.decoderMs > 0.0);
        QVERIFY(m.encoderSdMs >= 0.0 && m.decoderSdMs >= 0.0);
        // The smallest SubTransformer's decoder (30 steps at beam 5) costs more than its encoder.
        QVERIFY(m.decoderMs > m.encoderMs);
        QVERIFY2(m.protocol.find("1 thread") != std::string::npos, m.protocol.c_str());
        QCOMPARE(m.predictedMs, w.latency("local/1t", gene).ms);
        QVERIFY(m.lowerMs <= m.predictedMs && m.predictedMs <= m.upperMs);
        QCOMPARE(static_cast<int>(m.measuredAt.size()), 19);  // "YYYY-MM-DD HH:MM:SS"

        Workspace again = Workspace::open(in.dir);  // stored, not cached
        const auto stored = again.measurements("local/1t");
        QCOMPARE(static_cast<int>(stored.size()), 1);
        QCOMPARE(stored[0].totalMs(), m.totalMs());
        QCOMPARE(stored[0].gene, gene);
        QVERIFY(again.measurements(kDevice).empty());
    }
};

QTEST_APPLESS_MAIN(TestWorkspace)
#include "test_workspace.moc"

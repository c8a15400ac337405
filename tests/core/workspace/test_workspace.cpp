// A workspace end to end on a small real SuperTransformer and a real (briefly trained) latency
// predictor: search under a limit, instant answers from the database, warm re-search, resume.
#include <QCryptographicHash>
#include <QDirIterator>
#include <QTemporaryDir>
#include <QtTest>

#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/data/dictionary.h"
#include "core/data/parallel_corpus.h"
#include "core/latency/latency_dataset.h"
#include "core/latency/latency_predictor.h"
#include "core/model/checkpoint.h"
#include "core/workspace/run_owner.h"
#include "core/workspace/workspace.h"
#include "core/space/sampling.h"
#include "core/model/compute_threads.h"
#include "core/store/workspace_db.h"
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

// Every file under `dir` (hidden ones too, so a -wal or -shm would show) with its SHA-1.
QMap<QString, QByteArray> fingerprint(const std::string& dir) {
    QMap<QString, QByteArray> out;
    const QString root = QString::fromStdString(dir);
    QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        f.open(QIODevice::ReadOnly);
        out[QDir(root).relativeFilePath(path)] = QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha1);
    }
    return out;
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

    // A new workspace like `ws` (same SuperTransformer, predictor and fitness set), nothing stored.
    std::string freshWorkspace(const char* name) {
        WorkspaceInit in;
        in.dir = dir.filePath(name).toStdString();
        in.spacePath = sourcePath("data/spaces/space0.yml");
        in.checkpoint = dir.filePath("supernet.pt").toStdString();
        in.fitness.corpusDir = dir.filePath("corpus").toStdString();
        in.fitness.dictionary = in.fitness.corpusDir + "/dict.txt";
        in.fitness.sentences = 30;
        in.deviceIds = {kDevice};
        in.dataDir = sourcePath("data");
        in.predictorOverrides[kDevice] = dir.filePath("pi.pt").toStdString();
        Workspace::init(in);
        return in.dir;
    }

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
        QCOMPARE(w.run(cold.runId)->status, std::string("finished"));

        // The instant answer is the best stored evaluation under the limit: at least as good as
        // the search's answer (which is stored), and under the limit.
        const auto instant = w.instantAnswer(kDevice, limit);
        QVERIFY(instant.has_value());
        QVERIFY(instant->validLoss <= cold.best.fitness);
        QVERIFY(instant->latencyMs <= limit);
        // Everything stored has a latency row; the front is monotone.
        const auto points = w.evaluatedPoints(kDevice);
        QCOMPARE(int64_t(points.size()), w.evaluationCount());
        const auto front = paretoFront(points);
        for (size_t i = 1; i < front.size(); ++i) {
            QVERIFY(front[i].latencyMs >= front[i - 1].latencyMs);
            QVERIFY(front[i].validLoss < front[i - 1].validLoss);
        }
        // BLEU of a front member: stored next to its (unchanged) validation loss, looked up after.
        const EvaluatedPoint member = front.front();
        const double bleu = w.fitness().bleu({member.gene})[0];
        QVERIFY(bleu >= 0.0 && bleu <= 100.0);
        QCOMPARE(*w.storedBleu(member.gene), bleu);
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
        QCOMPARE(w.run(cut.runId)->status, std::string("cancelled"));
        Workspace again = Workspace::open(ws);  // as a new process would
        const SearchOutcome resumed = again.resume(cut.runId);
        QCOMPARE(resumed.best.gene, whole.best.gene);
        QCOMPARE(resumed.best.fitness, whole.best.fitness);
        QVERIFY(errorOf([&] { again.resume(cut.runId); }).find("nothing to resume") != std::string::npos);
        QVERIFY(errorOf([&] { again.device("gpu"); }).find("unknown device 'gpu'") != std::string::npos);
    }
    void aRacingRunStoresWhatItRacedAndResumesTheSame() {
        Workspace w = Workspace::open(freshWorkspace("racing"));
        const double limit = w.latency(kDevice, configToGene(SubConfig::largest(w.space()), w.space())).ms * 0.8;
        EvolutionSettings s = small(limit, 4);
        s.racing = true;
        s.raceSigmas = 2.0;
        const SearchOutcome whole = w.search(kDevice, s, false);
        WorkspaceDb wholeDb = WorkspaceDb::openReadOnly(dir.filePath("racing/workspace.db").toStdString());
        QCOMPARE(settingsFromJson(w.run(whole.runId)->settingsJson).racing, true);
        QCOMPARE(settingsFromJson(w.run(whole.runId)->settingsJson).raceSigmas, 2.0);
        // Each raced member is stored as raced, with a bound above every parent it raced against
        // (the previous generation's best `parents`), and is not an evaluation.
        int racedMembers = 0;
        for (int g = 1; g <= s.generations; ++g) {
            const auto before = wholeDb.generationMembers(whole.runId, g - 1);
            const double worstParent = before[s.parents - 1].fitness;
            const auto members = wholeDb.generationMembers(whole.runId, g);
            for (size_t i = 0; i < members.size(); ++i) {
                if (!members[i].raced) continue;
                ++racedMembers;
                QVERIFY(i >= size_t(s.parents));
                QVERIFY(members[i].fitness > worstParent);
            }
        }
        QCOMPARE(racedMembers, whole.raced);
        QVERIFY(whole.raced > 0);
        // The run's history: one row a generation, from the stored members.
        const std::vector<GenerationSummary> history = w.runHistory(whole.runId);
        QCOMPARE(int(history.size()), s.generations + 1);
        QCOMPARE(history[0].newMembers, s.population);
        int racedInHistory = 0;
        for (size_t g = 0; g < history.size(); ++g) {
            const auto members = wholeDb.generationMembers(whole.runId, int(g));
            QCOMPARE(history[g].generation, int(g));
            QCOMPARE(history[g].best.gene, members.front().gene);
            QCOMPARE(history[g].best.fitness, members.front().fitness);
            QVERIFY(history[g].seconds > 0);
            QVERIFY(history[g].newMembers <= s.population - (g > 0 ? s.parents : 0));
            if (g > 0) QVERIFY(history[g].bestSoFar <= history[g - 1].bestSoFar);
            racedInHistory += history[g].raced;
        }
        QCOMPARE(racedInHistory, whole.raced);
        QCOMPARE(history.back().bestSoFar, whole.best.fitness);
        // Cut after generation 1 and resumed by a new process: the same answer.
        Workspace cutW = Workspace::open(freshWorkspace("racing_cut"));
        CancelToken token;
        CancelAfter stop;
        stop.token = &token;
        stop.at = 1;
        const SearchOutcome cut = cutW.search(kDevice, s, false, &stop, &token);
        QVERIFY(cut.cancelled);
        Workspace again = Workspace::open(dir.filePath("racing_cut").toStdString());
        const SearchOutcome resumed = again.resume(cut.runId);
        QCOMPARE(resumed.best.gene, whole.best.gene);
        QCOMPARE(resumed.best.fitness, whole.best.fitness);
        WorkspaceDb cutDb = WorkspaceDb::openReadOnly(dir.filePath("racing_cut/workspace.db").toStdString());
        for (int g = 0; g <= s.generations; ++g) {
            const auto a = cutDb.generationMembers(cut.runId, g), b = wholeDb.generationMembers(whole.runId, g);
            QCOMPARE(a.size(), b.size());
            for (size_t i = 0; i < a.size(); ++i) {
                QCOMPARE(a[i].gene, b[i].gene);
                QCOMPARE(a[i].fitness, b[i].fitness);
                QCOMPARE(a[i].raced, b[i].raced);
            }
        }
    }
    void aRunStoppedInGenerationZeroResumesToTheSameResult() {
        const std::string fresh = freshWorkspace("ws-gen0"), reference = dir.filePath("ws-gen0-ref").toStdString();
        Workspace::copy(fresh, reference);
        Workspace w = Workspace::open(fresh);
        const double limit = w.latency(kDevice, configToGene(SubConfig::largest(w.space()), w.space())).ms * 0.8;
        const EvolutionSettings s = small(limit, 13);
        Workspace ref = Workspace::open(reference);
        const SearchOutcome whole = ref.search(kDevice, s, false);

        // Stopped while generation 0 is scored, once a few of its evaluations are in the database
        // (watched over a connection of its own, as another process would).
        CancelToken token;
        std::atomic<bool> over{false};
        std::thread watch([&] {
            WorkspaceDb db = WorkspaceDb::open(w.databasePath());
            while (!over && db.evaluationCount(1, 1) < 3) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            token.cancel();
        });
        const SearchOutcome cut = w.search(kDevice, s, false, nullptr, &token);
        over = true;
        watch.join();
        QVERIFY(cut.cancelled);
        const int64_t stored = w.evaluationCount();
        QVERIFY2(stored >= 3 && stored < s.population, qPrintable(QString::number(stored)));
        QCOMPARE(int64_t(cut.computed), stored);  // every evaluation made is stored
        QCOMPARE(w.lastGeneration(cut.runId).generation, -1);
        QCOMPARE(w.run(cut.runId)->status, std::string("cancelled"));
        QVERIFY(!w.run(cut.runId)->owner);  // let go when it stopped

        Workspace again = Workspace::open(fresh);  // as a new process would
        const SearchOutcome resumed = again.resume(cut.runId);
        QCOMPARE(resumed.generations, s.generations + 1);
        QCOMPARE(resumed.best.gene, whole.best.gene);
        QCOMPARE(resumed.best.fitness, whole.best.fitness);
        // What was stored is reused, not recomputed; the final populations are the same.
        QCOMPARE(int64_t(resumed.computed) + stored, int64_t(whole.computed));
        const auto got = again.lastGeneration(cut.runId), want = ref.lastGeneration(whole.runId);
        QCOMPARE(got.generation, s.generations);
        QCOMPARE(got.members.size(), want.members.size());
        for (size_t i = 0; i < want.members.size(); ++i) {
            QCOMPARE(got.members[i].gene, want.members[i].gene);
            QCOMPARE(got.members[i].fitness, want.members[i].fitness);
            QCOMPARE(got.members[i].latency.ms, want.members[i].latency.ms);
        }
        QCOMPARE(again.run(cut.runId)->status, std::string("finished"));
        QVERIFY(!again.run(cut.runId)->owner);
    }
    void aLiveOwnerKeepsItsRunAndADeadOnesIsTakenOver() {
        const std::string fresh = freshWorkspace("ws-owner");
        Workspace w = Workspace::open(fresh);
        const double limit = w.latency(kDevice, configToGene(SubConfig::largest(w.space()), w.space())).ms * 0.8;
        CancelToken stop;
        stop.cancel();  // stored with its start, then stopped before any evaluation
        const int64_t run = w.search(kDevice, small(limit, 3), false, nullptr, &stop).runId;
        QCOMPARE(w.evaluationCount(), int64_t(0));
        WorkspaceDb db = WorkspaceDb::open(w.databasePath());
        auto own = [&](int64_t pid, const std::string& host, double heartbeat) {
            QVERIFY(db.claimRun(run, {pid, host, heartbeat}, [](const RunOwner&) { return true; }).claimed);
        };
        const RunOwner me = thisProcess();
        const int64_t gone = 0x7ffffff0;  // above any pid_max: no such process
        QVERIFY(!processAlive(gone));

        // Alive here (this very process, e.g. the window's other search), or fresh elsewhere: refused.
        own(me.pid, me.host, unixSeconds());
        QCOMPARE(shownStatus(*w.run(run), thisProcess()), std::string("cancelled"));
        db.setRunStatus(run, "running");
        QCOMPARE(shownStatus(*w.run(run), thisProcess()), std::string("running"));
        std::string m = errorOf([&] { w.resume(run, nullptr, &stop); });
        const std::string prefix = w.databasePath() + ": search run " + std::to_string(run) + " is already running (process ";
        QVERIFY2(m.find(prefix + std::to_string(me.pid) + " on host " + me.host + ", heartbeat ") == 0, m.c_str());
        QCOMPARE(std::count(m.begin(), m.end(), '\n'), 0L);
        own(4242, "elsewhere", unixSeconds() - 5);
        m = errorOf([&] { w.resume(run, nullptr, &stop); });
        QVERIFY2(m.find(prefix + "4242 on host elsewhere, heartbeat 5 s ago)") == 0, m.c_str());
        QCOMPARE(w.run(run)->owner->pid, int64_t(4242));  // the refusal changed nothing
        QCOMPARE(w.run(run)->status, std::string("running"));

        // Dead: no such process on this host, or a heartbeat older than the stale limit elsewhere.
        own(gone, me.host, unixSeconds());
        QCOMPARE(shownStatus(*w.run(run), thisProcess()), std::string("interrupted"));
        SearchOutcome took = w.resume(run, nullptr, &stop);
        QVERIFY(took.cancelled);
        QVERIFY(!w.run(run)->owner);
        QCOMPARE(w.run(run)->status, std::string("cancelled"));
        own(4242, "elsewhere", unixSeconds() - kStaleSeconds - 1);
        took = w.resume(run, nullptr, &stop);
        QVERIFY(took.cancelled);
        QVERIFY(!w.run(run)->owner);
        // Taken over for real, the run ends as any other.
        own(gone, me.host, unixSeconds());
        const SearchOutcome done = w.resume(run);
        QCOMPARE(done.generations, small(limit, 3).generations + 1);
        QCOMPARE(w.run(run)->status, std::string("finished"));
        QVERIFY(!w.run(run)->owner);
        QCOMPARE(shownStatus(*w.run(run), thisProcess()), std::string("finished"));
        QVERIFY(errorOf([&] { w.resume(run); }).find("nothing to resume") != std::string::npos);
        QVERIFY(!w.run(run)->owner);  // a refused resume leaves no owner behind
    }
    void latencyRangeIsTheSpacesTwoEnds() {
        Workspace w = Workspace::open(ws);
        const DesignSpace space = w.space();
        const LatencyRange r = w.latencyRange(kDevice);
        // Independently: straight from the predictor file, and through a second workspace's cache.
        const LatencyPredictor p = LatencyPredictor::load(dir.filePath("pi.pt").toStdString());
        Workspace other = Workspace::open(ws);
        auto check = [&](const LatencyBound& got, const SubConfig& end) {
            const Gene gene = configToGene(end, space);
            const LatencyEstimate e = p.estimate(geneToConfig(gene, space));
            QCOMPARE(got.ms, e.ms);
            QCOMPARE(got.upperMs, e.hasInterval() ? e.highMs : e.ms);
            QCOMPARE(got.ms, other.latency(kDevice, gene).ms);
            QCOMPARE(got.upperMs, other.latency(kDevice, gene).upperMs);
            QVERIFY(got.upperMs >= got.ms);
        };
        check(r.smallest, SubConfig::smallest(space));
        check(r.largest, SubConfig::largest(space));
        QVERIFY(r.smallest.ms < r.largest.ms);
        QVERIFY(errorOf([&] { w.latencyRange("gpu"); }).find("unknown device 'gpu'") != std::string::npos);
    }
    void widthDivisorFromTheTrainingRecordOrTheCheckpoint() {
        // The fixture's checkpoint has no record beside it: its metadata says 16.
        QCOMPARE(Workspace::open(ws).widthDivisor(), 16);
        Workspace loaded = Workspace::open(ws);
        loaded.fitness();
        QCOMPARE(loaded.widthDivisor(), 16);

        // With a record beside it the checkpoint is not read at all (after init, which checks it,
        // it is replaced by something that is not a checkpoint).
        const std::string trained = dir.filePath("trained").toStdString();
        std::filesystem::create_directories(trained);
        std::filesystem::copy_file(dir.filePath("supernet.pt").toStdString(), trained + "/checkpoint_last.pt");
        std::ofstream(trained + "/train_options.json") << R"({"width_divisor": 8, "src": "en"})";
        WorkspaceInit in;
        in.dir = dir.filePath("ws-recorded").toStdString();
        in.spacePath = sourcePath("data/spaces/space0.yml");
        in.checkpoint = trained + "/checkpoint_last.pt";
        in.fitness.corpusDir = dir.filePath("corpus").toStdString();
        in.fitness.dictionary = in.fitness.corpusDir + "/dict.txt";
        in.deviceIds = {kDevice};
        in.dataDir = sourcePath("data");
        in.predictorOverrides[kDevice] = dir.filePath("pi.pt").toStdString();
        Workspace::init(in);
        std::ofstream(trained + "/checkpoint_last.pt") << "not read";
        Workspace recorded = Workspace::open(in.dir);
        QCOMPARE(recorded.widthDivisor(), 8);
        std::ofstream(trained + "/train_options.json") << R"({"width_divisor": 4})";
        QCOMPARE(recorded.widthDivisor(), 8);  // cached
        QCOMPARE(Workspace::open(in.dir).widthDivisor(), 4);

        // A record that does not say: the checkpoint's metadata.
        std::filesystem::copy_file(dir.filePath("supernet.pt").toStdString(), trained + "/checkpoint_last.pt",
                                   std::filesystem::copy_options::overwrite_existing);
        std::ofstream(trained + "/train_options.json") << R"({"src": "en"})";
        QCOMPARE(Workspace::open(in.dir).widthDivisor(), 16);
    }
    void copyRebasesPathsAndNeverWritesTheSource() {
        const DesignSpace space = Workspace::open(ws).space();
        std::mt19937_64 rng(4);
        std::vector<Gene> genes = {configToGene(SubConfig::smallest(space), space),
                                   configToGene(SubConfig::largest(space), space), sampleGene(space, rng)};
        std::string checkpoint;
        std::vector<EvaluatedPoint> points;
        std::vector<LatencyBound> latencies;
        {
            Workspace a = Workspace::open(ws);
            checkpoint = a.checkpointPath();
            points = a.evaluatedPoints(kDevice);
            for (const Gene& g : genes) latencies.push_back(a.latency(kDevice, g));
        }
        QVERIFY(!points.empty());
        const auto before = fingerprint(ws);
        QVERIFY(before.contains("workspace.db"));

        // Deeper than the source, so every relative path needs another "../".
        const std::string copy = dir.filePath("elsewhere/a/b/copy").toStdString();
        Workspace::copy(ws, copy);
        QCOMPARE(fingerprint(ws), before);

        Workspace b = Workspace::open(copy);
        QVERIFY(std::filesystem::equivalent(b.checkpointPath(), checkpoint));
        QVERIFY(std::filesystem::equivalent(std::filesystem::path(copy) / b.devices()[0].predictorPath,
                                            dir.filePath("pi.pt").toStdString()));
        QVERIFY(std::filesystem::path(b.devices()[0].predictorPath).is_relative());
        QCOMPARE(b.fitnessSet().subwordModel, std::string());  // empty stays empty
        for (size_t i = 0; i < genes.size(); ++i) {
            QCOMPARE(b.latency(kDevice, genes[i]).ms, latencies[i].ms);
            QCOMPARE(b.latency(kDevice, genes[i]).upperMs, latencies[i].upperMs);
        }
        const auto copied = b.evaluatedPoints(kDevice);
        QCOMPARE(copied.size(), points.size());
        for (size_t i = 0; i < points.size(); ++i) {
            QCOMPARE(copied[i].gene, points[i].gene);
            QCOMPARE(copied[i].validLoss, points[i].validLoss);
            QVERIFY(copied[i].bleu == points[i].bleu);
            QCOMPARE(copied[i].latencyMs, points[i].latencyMs);
        }

        const std::string err = errorOf([&] { Workspace::copy(ws, copy); });
        QVERIFY2(err.find(copy + "/workspace.db") != std::string::npos, err.c_str());
        QVERIFY2(err.find("a workspace already exists here") != std::string::npos, err.c_str());
        QCOMPARE(fingerprint(ws), before);
    }
    void aMovedWorkspaceKeepsItsPredictors() {
        const DesignSpace space = Workspace::open(ws).space();
        const Gene gene = configToGene(SubConfig::largest(space), space);
        const LatencyBound want = Workspace::open(ws).latency(kDevice, gene);
        // Moved by hand, one level deeper and nothing rebased: "../pi.pt" names no file there.
        const std::string moved = dir.filePath("moved/deeper/ws").toStdString();
        std::filesystem::create_directories(moved);
        std::filesystem::copy_file(ws + "/workspace.db", moved + "/workspace.db");
        Workspace w = Workspace::open(moved);
        QVERIFY(!std::filesystem::exists(std::filesystem::path(moved) / w.devices()[0].predictorPath));
        QCOMPARE(w.latency(kDevice, gene).ms, want.ms);
        QCOMPARE(w.latency(kDevice, gene).upperMs, want.upperMs);
        QCOMPARE(w.predictor(kDevice).heldOut().size(), LatencyPredictor::load(dir.filePath("pi.pt").toStdString()).heldOut().size());
    }
    void aWorkspaceFromSchema2TakesItsPredictorInOnOpen() {
        const std::string predictor = dir.filePath("pi-v2.pt").toStdString();
        std::filesystem::copy_file(dir.filePath("pi.pt").toStdString(), predictor);
        WorkspaceInit in;
        in.dir = dir.filePath("ws-v2").toStdString();
        in.spacePath = sourcePath("data/spaces/space0.yml");
        in.checkpoint = dir.filePath("supernet.pt").toStdString();
        in.fitness.corpusDir = dir.filePath("corpus").toStdString();
        in.fitness.dictionary = in.fitness.corpusDir + "/dict.txt";
        in.deviceIds = {kDevice};
        in.dataDir = sourcePath("data");
        in.predictorOverrides[kDevice] = predictor;
        Workspace::init(in);
        {  // As a schema-2 build left it: the predictor only by path.
            sqlite3* raw = nullptr;
            QCOMPARE(sqlite3_open((in.dir + "/workspace.db").c_str(), &raw), SQLITE_OK);
            QCOMPARE(sqlite3_exec(raw,
                                  "ALTER TABLE search_run DROP COLUMN start_population; "
                                  "ALTER TABLE search_run DROP COLUMN start_rng; "
                                  "ALTER TABLE search_run DROP COLUMN owner_pid; "
                                  "ALTER TABLE search_run DROP COLUMN owner_host; "
                                  "ALTER TABLE search_run DROP COLUMN heartbeat; "
                                  "ALTER TABLE generation_member DROP COLUMN raced; "
                                  "ALTER TABLE device DROP COLUMN predictor; PRAGMA user_version = 2",
                                  nullptr, nullptr, nullptr),
                     SQLITE_OK);
            sqlite3_close(raw);
        }
        const DesignSpace space = Workspace::open(ws).space();
        const Gene gene = configToGene(SubConfig::smallest(space), space);
        const double want = LatencyPredictor::load(predictor).estimate(geneToConfig(gene, space)).ms;
        {
            Workspace w = Workspace::open(in.dir);
            WorkspaceDb db = WorkspaceDb::open(w.databasePath());
            QCOMPARE(db.schemaVersion(), WorkspaceDb::kSchemaVersion);
            QVERIFY(!db.devicePredictor(w.device(kDevice).id).empty());
        }
        std::filesystem::remove(predictor);
        QCOMPARE(Workspace::open(in.dir).latency(kDevice, gene).ms, want);
        // Without a stored predictor or its file, the error names the file.
        {
            Workspace w = Workspace::open(in.dir);
            WorkspaceDb::open(w.databasePath()).setDevicePredictor(w.device(kDevice).id, {});
        }
        const std::string err = errorOf([&] { Workspace::open(in.dir).latency(kDevice, gene); });
        QVERIFY2(err.find("pi-v2.pt") != std::string::npos && err.find("cannot open file") != std::string::npos,
                 err.c_str());
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

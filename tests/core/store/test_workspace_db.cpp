// The workspace database: schema and migrations, refusal of newer/foreign/corrupted files without
// touching them, evaluations and the instant answer, generations and resume.
#include <QCryptographicHash>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <sqlite3.h>

#include <fstream>
#include <random>

#include "core/space/sampling.h"
#include "core/store/workspace_db.h"
#include "support/fixtures.h"

using namespace hat;
using namespace hat::test;

namespace {
QByteArray fileHash(const std::string& p) {
    QFile f(QString::fromStdString(p));
    f.open(QIODevice::ReadOnly);
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}
DesignSpace space0() { return DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml")); }

struct Lat : LatencySource {
    LatencyBound latency(const Gene& g) override {
        double s = 0;
        for (int v : g) s += v;
        return {s / 1000.0, s / 900.0};
    }
};
struct Loss : FitnessSource {
    std::vector<double> fitness(const std::vector<Gene>& genes, const CancelToken*) override {
        std::vector<double> out;
        for (const auto& g : genes) {
            double s = 0;
            for (size_t i = 0; i < g.size(); ++i) s += g[i] * ((i % 3) + 1);
            out.push_back(100.0 - s / 1000.0);
        }
        return out;
    }
};
// Stores every generation as it happens and stops the process (here: cancels) after one of them.
struct Store : EvolutionObserver {
    Store(WorkspaceDb* d, int64_t r, int s, CancelToken* t) : db(d), run(r), stopAfter(s), token(t) {}
    WorkspaceDb* db;
    int64_t run;
    int stopAfter;
    CancelToken* token;
    void onGeneration(const GenerationReport& r) override {
        db->writeGeneration(run, r);
        if (r.generation == stopAfter) token->cancel();
    }
};
}  // namespace

class TestWorkspaceDb : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir;
    std::string path(const char* n) { return dir.filePath(n).toStdString(); }

private Q_SLOTS:
    void createAndReopen() {
        {
            WorkspaceDb db = WorkspaceDb::open(path("w.db"), true);
            QCOMPARE(db.schemaVersion(), WorkspaceDb::kSchemaVersion);
            db.setSpace(space0());
            db.setMeta("name", "demo");
        }
        WorkspaceDb db = WorkspaceDb::open(path("w.db"));
        QVERIFY(db.space() == space0());
        QCOMPARE(*db.meta("name"), std::string("demo"));
        QVERIFY(!db.meta("missing"));
        QVERIFY(errorOf([&] { WorkspaceDb::open(path("nope.db")); }).find("no such workspace database") != std::string::npos);
    }
    void evaluationsAndInstantAnswer() {
        WorkspaceDb db = WorkspaceDb::open(path("e.db"), true);
        const int64_t sn = db.addSupernet({0, "/x/supernet.pt", "abc", 8});
        QCOMPARE(db.addSupernet({0, "/y/supernet.pt", "abc", 8}), sn);  // same checksum: same row
        const int64_t fs = db.addFitnessSet({0, "valid", 500, "f00"});
        const int64_t dev = db.addDevice({0, "raspberrypi", "dataset", "HAT", ""});
        const DesignSpace space = space0();
        std::mt19937_64 rng(5);
        std::vector<EvaluationRecord> evals;
        std::vector<std::pair<Gene, LatencyBound>> lats;
        for (int i = 0; i < 2000; ++i) {
            const Gene g = canonicalGene(sampleGene(space, rng), space);
            evals.push_back({g, 5.0 + (rng() % 100000) / 1e4, std::nullopt});
            const double ms = 100 + (rng() % 100000) / 100.0;
            lats.push_back({g, {ms, ms * 1.2}});
        }
        db.addEvaluations(sn, fs, evals);
        db.addLatencies(dev, lats);
        QCOMPARE(db.evaluationCount(sn, fs), int64_t(2000));
        QCOMPARE(*db.evaluation(sn, fs, evals[17].gene), evals[17].validLoss);
        QVERIFY(!db.evaluation(sn, fs + 1, evals[17].gene));
        for (double limit : {150.0, 400.0, 900.0}) {
            for (bool upper : {false, true}) {
                // Brute force over what was written.
                double best = 1e9;
                for (size_t i = 0; i < evals.size(); ++i) {
                    const double l = upper ? lats[i].second.upperMs : lats[i].second.ms;
                    if (l <= limit) best = std::min(best, evals[i].validLoss);
                }
                const auto a = db.bestUnder(sn, fs, dev, limit, upper);
                QVERIFY(a.has_value());
                QCOMPARE(a->validLoss, best);
                QVERIFY((upper ? a->latencyUpperMs : a->latencyMs) <= limit);
            }
        }
        QVERIFY(!db.bestUnder(sn, fs, dev, 50.0));
        QCOMPARE(db.evaluatedPoints(sn, fs, dev).size(), size_t(2000));
    }
    void searchResumesFromTheDatabase() {
        const DesignSpace space = space0();
        EvolutionSettings s;
        s.maxLatencyMs = 20.0;
        s.generations = 8;
        s.seed = 11;
        Lat lat;
        Loss loss;
        // Uninterrupted.
        Evolution whole(space, s, lat, loss);
        const EvolutionResult full = whole.run(whole.initialState());
        // Interrupted after generation 3, then resumed by a new process from the file alone.
        {
            WorkspaceDb db = WorkspaceDb::open(path("r.db"), true);
            const int64_t dev = db.addDevice({0, "d", "local", "test", ""});
            const int64_t run = db.createRun({0, dev, 20.0, 11, "{}", ""});
            CancelToken token;
            Store store(&db, run, 3, &token);
            Evolution first(space, s, lat, loss);
            QVERIFY(first.run(first.initialState(), &store, &token).cancelled);
            QCOMPARE(db.generationCount(run), 4);
        }
        WorkspaceDb db = WorkspaceDb::open(path("r.db"));
        const auto state = db.resumeState(1);
        QVERIFY(state.has_value());
        QCOMPARE(state->generation, 4);
        CancelToken never;
        Store store(&db, 1, -1, &never);
        Evolution second(space, s, lat, loss);
        const EvolutionResult resumed = second.run(*state, &store);
        QCOMPARE(resumed.best.gene, full.best.gene);
        QCOMPARE(db.generationCount(1), 9);
        QCOMPARE(db.run(1)->status, std::string("finished"));
        QVERIFY(!db.resumeState(1));
        QCOMPARE(db.generationMembers(1, 8).front().gene, full.best.gene);
        // The device's newest run with a generation; a newer one without any is passed over.
        QCOMPARE(db.latestRun(1)->id, int64_t(1));
        const int64_t empty = db.createRun({0, 1, 30.0, 12, "{}", "running"});
        QVERIFY(empty > 1);
        QCOMPARE(db.latestRun(1)->id, int64_t(1));
        QVERIFY(!db.latestRun(db.addDevice({0, "other", "local", "test", ""})));
    }
    void newerVersionIsRefusedUntouched() {
        { WorkspaceDb::open(path("new.db"), true); }
        sqlite3* raw = nullptr;
        sqlite3_open(path("new.db").c_str(), &raw);
        sqlite3_exec(raw, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
        sqlite3_close(raw);
        const QByteArray before = fileHash(path("new.db"));
        const auto m = errorOf([&] { WorkspaceDb::open(path("new.db")); });
        QVERIFY2(m.find("newer HAT Explorer (schema 99") != std::string::npos, m.c_str());
        QCOMPARE(fileHash(path("new.db")), before);
    }
    void foreignAndCorruptedFilesAreRefusedUntouched() {
        sqlite3* raw = nullptr;
        sqlite3_open(path("other.db").c_str(), &raw);
        sqlite3_exec(raw, "CREATE TABLE x(a); INSERT INTO x VALUES(1);", nullptr, nullptr, nullptr);
        sqlite3_close(raw);
        QByteArray before = fileHash(path("other.db"));
        auto m = errorOf([&] { WorkspaceDb::open(path("other.db")); });
        QVERIFY2(m.find("not a HAT Explorer workspace") != std::string::npos, m.c_str());
        QCOMPARE(fileHash(path("other.db")), before);

        { std::ofstream(path("junk.db")) << "definitely not sqlite, just some text that is long enough"; }
        before = fileHash(path("junk.db"));
        m = errorOf([&] { WorkspaceDb::open(path("junk.db")); });
        QVERIFY2(m.find("junk.db: not a workspace database") != std::string::npos, m.c_str());
        QCOMPARE(fileHash(path("junk.db")), before);

        // A real workspace with its pages damaged past the header.
        { WorkspaceDb db = WorkspaceDb::open(path("bad.db"), true); db.setMeta("k", "v"); }
        {
            std::fstream f(path("bad.db"), std::ios::in | std::ios::out | std::ios::binary);
            f.seekp(100);
            const std::string garbage(3000, '\x5a');
            f.write(garbage.data(), garbage.size());
        }
        before = fileHash(path("bad.db"));
        m = errorOf([&] { WorkspaceDb::open(path("bad.db")); });
        QVERIFY2(m.find("bad.db") != std::string::npos, m.c_str());
        QCOMPARE(fileHash(path("bad.db")), before);
    }
    void migrationFromVersion1KeepsDataAndAddsMeasurements() {
        int64_t dev = 0;
        {
            WorkspaceDb db = WorkspaceDb::open(path("v1.db"), true);
            dev = db.addDevice({0, "local/1t", "local", "this machine", "p.pt"});
            db.setMeta("kept", "yes");
        }
        {  // Back to what a schema-1 build wrote.
            sqlite3* raw = nullptr;
            QCOMPARE(sqlite3_open(path("v1.db").c_str(), &raw), SQLITE_OK);
            QCOMPARE(sqlite3_exec(raw, "DROP TABLE measurement; ALTER TABLE device DROP COLUMN predictor; PRAGMA user_version = 1", nullptr, nullptr, nullptr), SQLITE_OK);
            sqlite3_close(raw);
        }
        WorkspaceDb db = WorkspaceDb::open(path("v1.db"));
        QCOMPARE(db.schemaVersion(), WorkspaceDb::kSchemaVersion);
        QCOMPARE(*db.meta("kept"), std::string("yes"));
        MeasurementRecord m;
        m.gene = {640, 512, 6, 2};
        m.encoderMs = 40.5;
        m.decoderMs = 210.25;
        m.encoderSdMs = 0.5;
        m.decoderSdMs = 2.0;
        m.protocol = "1 warm-ups, 5 timed runs";
        m.predictedMs = 240.0;
        m.lowerMs = 220.0;
        m.upperMs = 262.0;
        const int64_t id = db.addMeasurement(dev, m);
        const int64_t id2 = db.addMeasurement(dev, m);
        QVERIFY(id2 > id);
        const auto all = db.measurements(dev);
        QCOMPARE(static_cast<int>(all.size()), 2);
        QCOMPARE(all[0].id, id);
        QCOMPARE(all[0].gene, m.gene);
        QCOMPARE(all[0].totalMs(), 250.75);
        QCOMPARE(all[0].upperMs, 262.0);
        QCOMPARE(all[0].protocol, m.protocol);
        QVERIFY(db.measurements(dev + 1).empty());
        // A measurement of a device that does not exist breaks the foreign key.
        QVERIFY(errorOf([&] { db.addMeasurement(dev + 7, m); }).find("FOREIGN KEY") != std::string::npos);
    }
    void predictorsAreStoredInTheDatabase() {
        int64_t dev = 0;
        const std::vector<char> bytes = {'P', 'K', '\0', '\x03', '\xff'};  // binary, with a NUL
        {
            WorkspaceDb db = WorkspaceDb::open(path("pred.db"), true);
            dev = db.addDevice({0, "hat/x", "dataset", "HAT", "../x.pt"});
            QVERIFY(db.devicePredictor(dev).empty());
            db.setDevicePredictor(dev, bytes);
            db.addDevice({0, "hat/x", "dataset", "HAT", "../../x.pt"});  // a rebased path keeps it
            QVERIFY(errorOf([&] { db.setDevicePredictor(dev + 5, bytes); }).find("no device") != std::string::npos);
        }
        {
            WorkspaceDb db = WorkspaceDb::open(path("pred.db"));
            QCOMPARE(db.devicePredictor(dev), bytes);
            QCOMPARE(db.devices()[0].predictorPath, std::string("../../x.pt"));
            db.setDevicePredictor(dev, {});
            QVERIFY(db.devicePredictor(dev).empty());
        }
    }
    void migrationFromVersion2KeepsDevicesWithoutStoredPredictors() {
        int64_t dev = 0;
        {
            WorkspaceDb db = WorkspaceDb::open(path("v2.db"), true);
            dev = db.addDevice({0, "local/1t", "local", "this machine", "p.pt"});
        }
        {  // Back to what a schema-2 build wrote.
            sqlite3* raw = nullptr;
            QCOMPARE(sqlite3_open(path("v2.db").c_str(), &raw), SQLITE_OK);
            QCOMPARE(sqlite3_exec(raw, "ALTER TABLE device DROP COLUMN predictor; PRAGMA user_version = 2",
                                  nullptr, nullptr, nullptr),
                     SQLITE_OK);
            sqlite3_close(raw);
        }
        WorkspaceDb db = WorkspaceDb::open(path("v2.db"));
        QCOMPARE(db.schemaVersion(), WorkspaceDb::kSchemaVersion);
        QCOMPARE(db.devices()[0].predictorPath, std::string("p.pt"));
        QVERIFY(db.devicePredictor(dev).empty());
        db.setDevicePredictor(dev, {'x'});
        QCOMPARE(db.devicePredictor(dev), std::vector<char>{'x'});
    }
    void migrationFromAnEmptyFile() {
        // A zero-length file (e.g. created by `touch`) is a version-0 database: migrated in place.
        { std::ofstream(path("empty.db")); }
        WorkspaceDb db = WorkspaceDb::open(path("empty.db"));
        QCOMPARE(db.schemaVersion(), WorkspaceDb::kSchemaVersion);
        db.setMeta("a", "b");
        QCOMPARE(*db.meta("a"), std::string("b"));
    }
};

QTEST_GUILESS_MAIN(TestWorkspaceDb)
#include "test_workspace_db.moc"

// The workspace database: schema and migrations, refusal of newer/foreign/corrupted files without
// touching them, evaluations and the instant answer, generations and resume.
#include <QCryptographicHash>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <sqlite3.h>

#include <sys/stat.h>

#include <QDir>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "core/space/sampling.h"
#include "core/space/sub_config.h"
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
// Takes a file back to what a schema-3 build wrote: search runs without start state or owner.
const char* kDropSchemas4And5 =
    "ALTER TABLE search_run DROP COLUMN start_population; ALTER TABLE search_run DROP COLUMN start_rng; "
    "ALTER TABLE search_run DROP COLUMN owner_pid; ALTER TABLE search_run DROP COLUMN owner_host; "
    "ALTER TABLE search_run DROP COLUMN heartbeat; ALTER TABLE generation_member DROP COLUMN raced;";
bool sameOwner(const RunOwner& a, const RunOwner& b) {
    return a.pid == b.pid && a.host == b.host && a.heartbeat == b.heartbeat;
}

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
    bool sideFiles(const char* n) {
        for (const char* side : {"-wal", "-shm", "-journal"}) {
            if (std::filesystem::exists(path(n) + side)) return true;
        }
        return false;
    }

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
            QCOMPARE(sqlite3_exec(raw, kDropSchemas4And5, nullptr, nullptr, nullptr), SQLITE_OK);
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
            QCOMPARE(sqlite3_exec(raw, kDropSchemas4And5, nullptr, nullptr, nullptr), SQLITE_OK);
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
    void anEmptyFileIsRefusedUntouched() {
        // A zero-length file (e.g. `touch`, or an interrupted init) is no workspace: opening it
        // must not turn it into an empty schema. Only create fills it.
        { std::ofstream(path("empty.db")); }
        for (bool readOnly : {false, true}) {
            const auto m = errorOf([&] {
                if (readOnly) WorkspaceDb::openReadOnly(path("empty.db"));
                else WorkspaceDb::open(path("empty.db"));
            });
            QVERIFY2(m.rfind(path("empty.db") + ": not a workspace database (an empty file", 0) == 0, m.c_str());
            QCOMPARE(std::filesystem::file_size(path("empty.db")), uintmax_t(0));
            QVERIFY(!sideFiles("empty.db"));
        }
        WorkspaceDb db = WorkspaceDb::open(path("empty.db"), true);
        QCOMPARE(db.schemaVersion(), WorkspaceDb::kSchemaVersion);
    }
    void aFifoOrAFolderIsRefusedWithoutReadingIt() {
        QCOMPARE(mkfifo(path("fifo.db").c_str(), 0600), 0);
        auto m = errorOf([&] { WorkspaceDb::open(path("fifo.db")); });  // reading it would block forever
        QVERIFY2(m == path("fifo.db") + ": not a workspace database (not a regular file)", m.c_str());
        QVERIFY(QDir().mkdir(dir.filePath("folder.db")));
        m = errorOf([&] { WorkspaceDb::openReadOnly(path("folder.db")); });
        QVERIFY2(m == path("folder.db") + ": is a folder, not a workspace database", m.c_str());
    }
    // A read-only open writes nothing, not even beside the file, and refuses every write.
    void readOnlyOpenNeverWrites() {
        {
            WorkspaceDb db = WorkspaceDb::open(path("ro.db"), true);
            db.setSpace(space0());
            db.setMeta("name", "demo");
            db.addDevice({0, "d", "local", "test", ""});
        }
        QVERIFY(!sideFiles("ro.db"));
        const QByteArray before = fileHash(path("ro.db"));
        {
            WorkspaceDb db = WorkspaceDb::openReadOnly(path("ro.db"));
            QVERIFY(db.readOnly());
            QCOMPARE(*db.meta("name"), std::string("demo"));
            QVERIFY(db.space() == space0());
            QCOMPARE(db.devices().size(), size_t(1));
            QVERIFY(!sideFiles("ro.db"));
            for (const std::string& m : {errorOf([&] { db.setMeta("name", "changed"); }),
                                         errorOf([&] { db.addDevice({0, "e", "local", "test", ""}); }),
                                         errorOf([&] { db.exec("CREATE TABLE x (a)"); })}) {
                QVERIFY2(m.find("readonly") != std::string::npos, m.c_str());
            }
            QCOMPARE(*db.meta("name"), std::string("demo"));
        }
        QCOMPARE(fileHash(path("ro.db")), before);
        QVERIFY(!sideFiles("ro.db"));
        QVERIFY(!WorkspaceDb::open(path("ro.db")).readOnly());
        // What open() refuses, openReadOnly refuses the same way.
        { std::ofstream(path("text.db")) << "no database at all, but long enough to have a header"; }
        QVERIFY(errorOf([&] { WorkspaceDb::openReadOnly(path("text.db")); }).find("text.db: not a workspace database (not SQLite)") !=
                std::string::npos);
        QVERIFY(errorOf([&] { WorkspaceDb::openReadOnly(path("missing.db")); }).find("no such workspace database") != std::string::npos);
    }
    // A writer's committed transactions still in its write-ahead log are seen.
    void readOnlyOpenReadsALiveWritersLog() {
        WorkspaceDb writer = WorkspaceDb::open(path("live.db"), true);
        writer.setMeta("step", "1");
        writer.setMeta("step", "2");  // committed into the -wal; the writer keeps it open
        QVERIFY(std::filesystem::file_size(path("live.db") + "-wal") > 0);
        WorkspaceDb reader = WorkspaceDb::openReadOnly(path("live.db"));
        QCOMPARE(*reader.meta("step"), std::string("2"));
        writer.setMeta("step", "3");
        QCOMPARE(*reader.meta("step"), std::string("2"));  // a snapshot taken at open
    }
    // An older schema is brought up to date in the snapshot only: the file keeps its version.
    void readOnlyOpenMigratesAnOlderSchemaInMemoryOnly() {
        {
            WorkspaceDb db = WorkspaceDb::open(path("old.db"), true);
            db.addDevice({0, "local/1t", "local", "this machine", "p.pt"});
        }
        {
            sqlite3* raw = nullptr;
            QCOMPARE(sqlite3_open(path("old.db").c_str(), &raw), SQLITE_OK);
            QCOMPARE(sqlite3_exec(raw, kDropSchemas4And5, nullptr, nullptr, nullptr), SQLITE_OK);
            QCOMPARE(sqlite3_exec(raw, "DROP TABLE measurement; ALTER TABLE device DROP COLUMN predictor; PRAGMA user_version = 1",
                                  nullptr, nullptr, nullptr),
                     SQLITE_OK);
            sqlite3_close(raw);
        }
        QVERIFY(!sideFiles("old.db"));
        const QByteArray before = fileHash(path("old.db"));
        {
            WorkspaceDb db = WorkspaceDb::openReadOnly(path("old.db"));
            QCOMPARE(db.schemaVersion(), WorkspaceDb::kSchemaVersion);
            QCOMPARE(db.devices()[0].name, std::string("local/1t"));
            QVERIFY(db.measurements(db.devices()[0].id).empty());  // a table only the migration made
            QVERIFY(db.devicePredictor(db.devices()[0].id).empty());
        }
        QCOMPARE(fileHash(path("old.db")), before);
        QVERIFY(!sideFiles("old.db"));
    }
    // Genes read back are genes of the space, or an error naming the file and the row.
    void storedGenesAreCheckedAgainstTheSpace() {
        const DesignSpace space = space0();
        const Gene good = configToGene(SubConfig::largest(space), space);
        Gene huge = good;
        huge[1] = 2000000000;
        int64_t sn = 0, fs = 0, dev = 0;
        {
            WorkspaceDb db = WorkspaceDb::open(path("genes.db"), true);
            db.setSpace(space);
            sn = db.addSupernet({0, "/x.pt", "c", 16});
            fs = db.addFitnessSet({0, "valid", 20, "f"});
            dev = db.addDevice({0, "d", "dataset", "test", ""});
            db.addEvaluations(sn, fs, {{good, 5.0, std::nullopt}});
            db.addLatencies(dev, {{good, {10.0, 12.0}}});
            QCOMPARE(db.evaluatedPoints(sn, fs, dev).size(), size_t(1));
            db.addEvaluations(sn, fs, {{huge, 4.0, std::nullopt}});
        }
        for (bool readOnly : {false, true}) {
            WorkspaceDb db = readOnly ? WorkspaceDb::openReadOnly(path("genes.db")) : WorkspaceDb::open(path("genes.db"));
            const std::string m = errorOf([&] { db.genesWithoutLatency(sn, fs, dev); });
            QVERIFY2(m.rfind(path("genes.db") + ": evaluation: gene '640,2000000000,", 0) == 0, m.c_str());
            QVERIFY2(m.find("encoder layer count 2000000000 is not in the space (6)") != std::string::npos, m.c_str());
        }
        const std::string goodText = geneToText(good);
        auto sql = [&](const std::string& q) {
            sqlite3* raw = nullptr;
            sqlite3_open(path("genes.db").c_str(), &raw);
            char* err = nullptr;
            const int rc = sqlite3_exec(raw, q.c_str(), nullptr, nullptr, &err);
            sqlite3_free(err);
            sqlite3_close(raw);
            return rc;
        };
        QCOMPARE(sql("DELETE FROM evaluation WHERE gene LIKE '640,2000000000,%'"), SQLITE_OK);
        // Text that is no gene, a gene spelled otherwise than stored (its rows would not match),
        // and rows of the other tables that hold genes.
        for (const std::string& text : {std::string("abc"), "0" + goodText, std::string("640,6")}) {
            QCOMPARE(sql("UPDATE latency SET gene = '" + text + "'; UPDATE evaluation SET gene = '" + text + "'"), SQLITE_OK);
            WorkspaceDb db = WorkspaceDb::openReadOnly(path("genes.db"));
            const std::string m = errorOf([&] { db.evaluatedPoints(sn, fs, dev); });
            QVERIFY2(m.rfind(path("genes.db") + ": evaluation: gene '" + text.substr(0, 10), 0) == 0, m.c_str());
            QVERIFY2(!errorOf([&] { db.bestUnder(sn, fs, dev, 1e9); }).empty(), text.c_str());
        }
        const std::string hugeText = geneToText(huge);
        QCOMPARE(sql("INSERT INTO search_run (id, device_id, max_latency_ms, seed, settings, status) VALUES (1, " +
                     std::to_string(dev) + ", 100, 1, '{}', 'running');"
                     "INSERT INTO generation VALUES (1, 0, 0, 1.5, '" + goodText + ";" + hugeText + ";', 'rng');"
                     "INSERT INTO generation_member VALUES (1, 0, 0, '" + goodText + "', 5.0, 10.0, 12.0, 0);"
                     "INSERT INTO generation_member VALUES (1, 0, 1, '" + hugeText + "', 4.0, 10.0, 12.0, 0);"
                     "INSERT INTO measurement (device_id, gene, encoder_ms, decoder_ms, encoder_sd_ms, decoder_sd_ms, protocol, "
                     "predicted_ms, lower_ms, upper_ms) VALUES (" + std::to_string(dev) + ", '" + hugeText + "', 1, 2, 0, 0, 'p', 3, 2, 4)"),
                 SQLITE_OK);
        WorkspaceDb db = WorkspaceDb::open(path("genes.db"));
        std::string m = errorOf([&] { db.generationMembers(1, 0); });
        QVERIFY2(m.find("genes.db: search run 1 generation 0 member 2: gene '640,2000000000,") != std::string::npos, m.c_str());
        m = errorOf([&] { db.resumeState(1); });
        QVERIFY2(m.find("genes.db: search run 1 generation 0 (next population): gene '640,2000000000,") != std::string::npos,
                 m.c_str());
        m = errorOf([&] { db.measurements(dev); });
        QVERIFY2(m.find("genes.db: measurement 1: gene '640,2000000000,") != std::string::npos, m.c_str());
    }
    // The check behind the automatic read-only fallback looks at the file, its folder and the log.
    void databaseWritableLooksAtTheFileItsFolderAndItsLog() {
        { WorkspaceDb::open(path("w4.db"), true); }
        QVERIFY(databaseWritable(path("w4.db")));  // as this process really can
        static std::string refused;
        auto check = [](const std::string& p) { return p != refused; };
        for (const std::string& r : {path("w4.db"), dir.path().toStdString()}) {
            refused = r;
            QVERIFY2(!databaseWritable(path("w4.db"), check), r.c_str());
        }
        refused = path("w4.db") + "-wal";
        QVERIFY(databaseWritable(path("w4.db"), check));  // no log there: nothing to write
        { std::ofstream(path("w4.db") + "-wal"); }
        QVERIFY(!databaseWritable(path("w4.db"), check));
        refused = "";
        QVERIFY(databaseWritable(path("w4.db"), check));
        QVERIFY(!databaseWritable(path("no-such.db")));
    }
    void aRunResumesFromItsStartBeforeItsFirstGeneration() {
        const DesignSpace space = space0();
        EvolutionSettings s;
        s.maxLatencyMs = 20.0;
        s.generations = 3;
        s.seed = 21;
        Lat lat;
        Loss loss;
        Evolution whole(space, s, lat, loss);
        const EvolutionResult full = whole.run(whole.initialState());

        WorkspaceDb db = WorkspaceDb::open(path("start.db"), true);
        const int64_t dev = db.addDevice({0, "d", "local", "test", ""});
        Evolution first(space, s, lat, loss);
        const EvolutionState start = first.initialState();
        const int64_t run = db.createRun({0, dev, 20.0, 21, "{}", "running"}, start);
        // Killed before generation 0 was stored: the start is what resumes.
        auto st = db.resumeState(run);
        QVERIFY(st.has_value());
        QCOMPARE(st->generation, 0);
        QCOMPARE(st->population, start.population);
        QCOMPARE(st->rngState, start.rngState);
        QVERIFY(!start.rngState.empty());
        CancelToken never;
        Store store(&db, run, -1, &never);
        Evolution second(space, s, lat, loss);
        QCOMPARE(second.run(*st, &store).best.gene, full.best.gene);
        QCOMPARE(db.generationCount(run), 4);
        QVERIFY(!db.resumeState(run));  // finished
        // Once a generation is stored it, not the start, continues the run.
        const int64_t other = db.createRun({0, dev, 20.0, 21, "{}", "running"}, start);
        CancelToken token;
        Store once(&db, other, 0, &token);
        Evolution third(space, s, lat, loss);
        QVERIFY(third.run(start, &once, &token).cancelled);
        st = db.resumeState(other);
        QVERIFY(st.has_value());
        QCOMPARE(st->generation, 1);
        QVERIFY(st->population != start.population);
        // A run created without a start (as before schema 4) has nothing to resume.
        QVERIFY(!db.resumeState(db.createRun({0, dev, 20.0, 21, "{}", "running"})));
    }
    void aRunHasOneOwnerAtATime() {
        WorkspaceDb db = WorkspaceDb::open(path("owner.db"), true);
        const int64_t dev = db.addDevice({0, "d", "local", "test", ""});
        const RunOwner a{100, "host-a", 1000.0}, b{200, "host-b", 1010.0};
        RunRecord rec{0, dev, 20.0, 1, "{}", "running", a};
        const int64_t run = db.createRun(rec);
        QVERIFY(sameOwner(*db.run(run)->owner, a));
        // A live owner keeps it: the claimer is told who has it.
        int asked = 0;
        RunClaim c = db.claimRun(run, b, [&](const RunOwner& o) {
            ++asked;
            return !sameOwner(o, a);
        });
        QVERIFY(!c.claimed);
        QCOMPARE(asked, 1);
        QVERIFY(c.previous && sameOwner(*c.previous, a));
        QVERIFY(sameOwner(*db.run(run)->owner, a));
        // A dead one is taken over.
        c = db.claimRun(run, b, [](const RunOwner&) { return true; });
        QVERIFY(c.claimed);
        QVERIFY(c.previous && sameOwner(*c.previous, a));
        QVERIFY(sameOwner(*db.run(run)->owner, b));
        // The old owner learns it lost the run: no heartbeat, no generation, no status.
        RunOwner late = a;
        late.heartbeat = 1020.0;
        QVERIFY(!db.heartbeatRun(run, late));
        GenerationReport g;
        g.generation = 0;
        g.population = {{{640, 512}, 5.0, {1.0, 1.0}}};
        g.best = g.population[0];
        g.next.generation = 1;
        g.next.population = {{640, 512}};
        const std::string m = errorOf([&] { db.writeGeneration(run, g, &late); });
        QVERIFY2(m.find("owner.db: search run " + std::to_string(run) + " was taken over by process 200 on host host-b") !=
                     std::string::npos,
                 m.c_str());
        QCOMPARE(db.generationCount(run), 0);
        QVERIFY(!db.releaseRun(run, a, "failed"));
        QCOMPARE(db.run(run)->status, std::string("running"));
        // The owner's writes refresh its heartbeat.
        RunOwner now = b;
        now.heartbeat = 1030.0;
        QVERIFY(db.heartbeatRun(run, now));
        QCOMPARE(db.run(run)->owner->heartbeat, 1030.0);
        now.heartbeat = 1040.0;
        db.writeGeneration(run, g, &now);
        QCOMPARE(db.generationCount(run), 1);
        QCOMPARE(db.run(run)->owner->heartbeat, 1040.0);
        // Released: no owner, and the next claim asks nobody.
        QVERIFY(db.releaseRun(run, b, "cancelled"));
        QCOMPARE(db.run(run)->status, std::string("cancelled"));
        QVERIFY(!db.run(run)->owner);
        asked = 0;
        c = db.claimRun(run, a, [&](const RunOwner&) {
            ++asked;
            return false;
        });
        QVERIFY(c.claimed && !c.previous);
        QCOMPARE(asked, 0);
        QVERIFY(db.releaseRun(run, a));
        QCOMPARE(db.run(run)->status, std::string("cancelled"));  // kept when none is given
        QVERIFY(errorOf([&] { db.claimRun(run + 9, a, [](const RunOwner&) { return true; }); })
                    .find("owner.db: no search run " + std::to_string(run + 9)) != std::string::npos);
    }
    void claimsAtTheSameTimeHaveOneWinner() {
        { WorkspaceDb::open(path("race.db"), true).addDevice({0, "d", "local", "test", ""}); }
        for (int round = 0; round < 5; ++round) {
            const int64_t run = WorkspaceDb::open(path("race.db")).createRun({0, 1, 20.0, 1, "{}", "running"});
            constexpr int kClaimers = 6;
            std::atomic<int> ready{0};
            std::vector<RunClaim> claims(kClaimers);
            std::vector<std::string> errors(kClaimers);
            std::vector<std::thread> threads;
            for (int t = 0; t < kClaimers; ++t) {
                threads.emplace_back([&, t] {
                    try {
                        WorkspaceDb db = WorkspaceDb::open(path("race.db"));  // a connection per thread
                        ++ready;
                        while (ready < kClaimers) std::this_thread::yield();
                        // Every owner is alive: only the first claim may succeed.
                        claims[t] = db.claimRun(run, {1000 + t, "h", 1.0}, [](const RunOwner&) { return false; });
                    } catch (const std::exception& e) {
                        errors[t] = e.what();
                    }
                });
            }
            for (auto& t : threads) t.join();
            int winners = 0;
            int64_t winner = 0;
            for (int t = 0; t < kClaimers; ++t) {
                QVERIFY2(errors[t].empty(), errors[t].c_str());
                if (claims[t].claimed) {
                    ++winners;
                    winner = 1000 + t;
                }
            }
            QCOMPARE(winners, 1);
            for (const RunClaim& c : claims) {
                if (!c.claimed) QCOMPARE(c.previous->pid, winner);
            }
            QCOMPARE(WorkspaceDb::open(path("race.db")).run(run)->owner->pid, winner);
        }
    }
    void migrationFromVersion3KeepsRunsWithoutOwners() {
        int64_t run = 0;
        {
            WorkspaceDb db = WorkspaceDb::open(path("v3.db"), true);
            const int64_t dev = db.addDevice({0, "d", "local", "test", ""});
            run = db.createRun({0, dev, 20.0, 7, "{\"seed\": 7}", "running"});
        }
        {  // Back to what a schema-3 build wrote.
            sqlite3* raw = nullptr;
            QCOMPARE(sqlite3_open(path("v3.db").c_str(), &raw), SQLITE_OK);
            QCOMPARE(sqlite3_exec(raw, kDropSchemas4And5, nullptr, nullptr, nullptr), SQLITE_OK);
            QCOMPARE(sqlite3_exec(raw, "PRAGMA user_version = 3", nullptr, nullptr, nullptr), SQLITE_OK);
            sqlite3_close(raw);
        }
        WorkspaceDb db = WorkspaceDb::open(path("v3.db"));
        QCOMPARE(db.schemaVersion(), WorkspaceDb::kSchemaVersion);
        const auto r = db.run(run);
        QVERIFY(r.has_value());
        QCOMPARE(r->seed, uint64_t(7));
        QCOMPARE(r->settingsJson, std::string("{\"seed\": 7}"));
        QCOMPARE(r->status, std::string("running"));
        QVERIFY(!r->owner);
        QVERIFY(!db.resumeState(run));  // it stored no generation and, then, no start
        const RunClaim c = db.claimRun(run, {5, "h", 2.0}, [](const RunOwner&) { return false; });
        QVERIFY(c.claimed && !c.previous);
        QCOMPARE(db.run(run)->owner->pid, int64_t(5));
    }
};

QTEST_GUILESS_MAIN(TestWorkspaceDb)
#include "test_workspace_db.moc"

#include "core/store/workspace_db.h"

#include "core/store/meta_keys.h"

#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "core/space/gene.h"
#include "core/util/error.h"

namespace hat {

namespace {

// Every schema change is a new entry; a database at version v runs entries v..end in order.
const char* kMigrations[] = {
    // 1: the first schema.
    R"sql(
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE supernet (
        id INTEGER PRIMARY KEY, path TEXT NOT NULL, checksum TEXT NOT NULL,
        width_divisor INTEGER NOT NULL, UNIQUE (checksum, width_divisor));
    CREATE TABLE fitness_set (
        id INTEGER PRIMARY KEY, split TEXT NOT NULL, sentences INTEGER NOT NULL,
        checksum TEXT NOT NULL, UNIQUE (checksum));
    CREATE TABLE device (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
        source TEXT NOT NULL, predictor_path TEXT NOT NULL DEFAULT '');
    CREATE TABLE evaluation (
        supernet_id INTEGER NOT NULL REFERENCES supernet(id),
        fitness_set_id INTEGER NOT NULL REFERENCES fitness_set(id),
        gene TEXT NOT NULL, valid_loss REAL NOT NULL, bleu REAL,
        created_at TEXT NOT NULL DEFAULT (datetime('now')),
        PRIMARY KEY (supernet_id, fitness_set_id, gene)) WITHOUT ROWID;
    CREATE TABLE latency (
        device_id INTEGER NOT NULL REFERENCES device(id), gene TEXT NOT NULL,
        ms REAL NOT NULL, upper_ms REAL NOT NULL,
        PRIMARY KEY (device_id, gene)) WITHOUT ROWID;
    CREATE INDEX latency_by_ms ON latency (device_id, ms);
    CREATE TABLE search_run (
        id INTEGER PRIMARY KEY, device_id INTEGER NOT NULL REFERENCES device(id),
        max_latency_ms REAL NOT NULL, seed INTEGER NOT NULL, settings TEXT NOT NULL,
        status TEXT NOT NULL, created_at TEXT NOT NULL DEFAULT (datetime('now')));
    CREATE TABLE generation (
        run_id INTEGER NOT NULL REFERENCES search_run(id) ON DELETE CASCADE,
        number INTEGER NOT NULL, last INTEGER NOT NULL, seconds REAL NOT NULL,
        next_population TEXT NOT NULL, next_rng TEXT NOT NULL,
        PRIMARY KEY (run_id, number));
    CREATE TABLE generation_member (
        run_id INTEGER NOT NULL, number INTEGER NOT NULL, rank INTEGER NOT NULL,
        gene TEXT NOT NULL, fitness REAL NOT NULL, latency_ms REAL NOT NULL, upper_ms REAL NOT NULL,
        PRIMARY KEY (run_id, number, rank),
        FOREIGN KEY (run_id, number) REFERENCES generation(run_id, number) ON DELETE CASCADE);
    )sql",
    // 2: architectures measured here from the explorer, next to their prediction.
    R"sql(
    CREATE TABLE measurement (
        id INTEGER PRIMARY KEY, device_id INTEGER NOT NULL REFERENCES device(id),
        gene TEXT NOT NULL, encoder_ms REAL NOT NULL, decoder_ms REAL NOT NULL,
        encoder_sd_ms REAL NOT NULL, decoder_sd_ms REAL NOT NULL, protocol TEXT NOT NULL,
        predicted_ms REAL NOT NULL, lower_ms REAL NOT NULL, upper_ms REAL NOT NULL,
        measured_at TEXT NOT NULL DEFAULT (datetime('now')));
    CREATE INDEX measurement_by_device ON measurement (device_id, id);
    )sql",
    // 3: each device's predictor file inside the database, so a moved workspace keeps its
    // predictors. Older workspaces get theirs from predictor_path when the Workspace opens them.
    R"sql(
    ALTER TABLE device ADD COLUMN predictor BLOB;
    )sql",
    // 4: a run's starting state (resumable before its first generation is stored) and its owner
    // (the one process that may run it: id, host, heartbeat in Unix seconds). Older runs have
    // neither: a run stored as running then reads as interrupted and can be taken over.
    R"sql(
    ALTER TABLE search_run ADD COLUMN start_population TEXT;
    ALTER TABLE search_run ADD COLUMN start_rng TEXT;
    ALTER TABLE search_run ADD COLUMN owner_pid INTEGER;
    ALTER TABLE search_run ADD COLUMN owner_host TEXT;
    ALTER TABLE search_run ADD COLUMN heartbeat REAL;
    )sql",
    // 5: members a race stopped early (issue 19): their fitness is a lower bound, above every
    // parent's. Older members were all scored in full.
    R"sql(
    ALTER TABLE generation_member ADD COLUMN raced INTEGER NOT NULL DEFAULT 0;
    )sql",
};
constexpr int kMigrationCount = sizeof(kMigrations) / sizeof(kMigrations[0]);
static_assert(kMigrationCount == WorkspaceDb::kSchemaVersion, "one migration per schema version");

// Identifies our files among SQLite databases (PRAGMA application_id), "HATX".
constexpr int kApplicationId = 0x48415458;

class Statement {
public:
    Statement(sqlite3* db, const char* sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql, -1, &st_, nullptr) != SQLITE_OK) {
            throw Error(std::string("database: ") + sqlite3_errmsg(db));
        }
    }
    ~Statement() { sqlite3_finalize(st_); }
    Statement& bind(int i, int64_t v) { check(sqlite3_bind_int64(st_, i, v)); return *this; }
    Statement& bind(int i, double v) { check(sqlite3_bind_double(st_, i, v)); return *this; }
    Statement& bind(int i, const std::string& v) {
        check(sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
        return *this;
    }
    Statement& bindNull(int i) { check(sqlite3_bind_null(st_, i)); return *this; }
    Statement& bindBlob(int i, const std::vector<char>& v) {
        if (v.empty()) return bindNull(i);
        check(sqlite3_bind_blob64(st_, i, v.data(), v.size(), SQLITE_TRANSIENT));
        return *this;
    }
    bool step() {
        const int rc = sqlite3_step(st_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        throw Error(std::string("database: ") + sqlite3_errmsg(db_));
    }
    void reset() { sqlite3_reset(st_); sqlite3_clear_bindings(st_); }
    int64_t integer(int c) { return sqlite3_column_int64(st_, c); }
    std::vector<char> blob(int c) {
        const auto* p = static_cast<const char*>(sqlite3_column_blob(st_, c));
        return p ? std::vector<char>(p, p + sqlite3_column_bytes(st_, c)) : std::vector<char>();
    }
    double real(int c) { return sqlite3_column_double(st_, c); }
    bool isNull(int c) { return sqlite3_column_type(st_, c) == SQLITE_NULL; }
    std::string text(int c) {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, c));
        return p ? std::string(p, sqlite3_column_bytes(st_, c)) : std::string();
    }

private:
    void check(int rc) {
        if (rc != SQLITE_OK) throw Error(std::string("database: ") + sqlite3_errmsg(db_));
    }
    sqlite3* db_;
    sqlite3_stmt* st_ = nullptr;
};

std::string populationText(const std::vector<Gene>& pop) {
    std::string s;
    for (const auto& g : pop) s += geneToText(g) + ";";
    return s;
}

// The gene texts of a stored population ("g1;g2;...;"), each ended by ';'.
std::vector<std::string> populationItems(const std::string& s) {
    std::vector<std::string> items;
    size_t start = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == ';') {
            items.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    }
    return items;
}

// The owner in columns c (pid), c + 1 (host), c + 2 (heartbeat); none when the pid is NULL.
std::optional<RunOwner> ownerAt(Statement& s, int c) {
    if (s.isNull(c)) return std::nullopt;
    return RunOwner{s.integer(c), s.text(c + 1), s.real(c + 2)};
}

namespace fs = std::filesystem;
using Connection = std::unique_ptr<sqlite3, decltype(&sqlite3_close_v2)>;

// Looks at an existing file before SQLite may touch it (SQLite turns an empty file into a
// database on its first write): a folder, a FIFO (reading it would block), an empty file, or
// a file without SQLite's header is refused naming it and stays as it was. `emptyIsNew`: an
// empty file is where a new database goes (create).
void checkExistingFile(const std::string& path, bool emptyIsNew) {
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (fs::is_directory(st)) fail(path, "is a folder, not a workspace database");
    if (ec || !fs::is_regular_file(st)) fail(path, "not a workspace database (not a regular file)");
    const uintmax_t size = fs::file_size(path, ec);
    if (ec) fail(path, "cannot read: " + ec.message());
    if (size == 0) {
        if (emptyIsNew) return;
        fail(path, "not a workspace database (an empty file; `hat workspace init` creates one)");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(path, "cannot be read: " + std::string(std::strerror(errno)));
    char header[16] = {};
    in.read(header, sizeof header);
    if (in.gcount() != sizeof header || std::memcmp(header, "SQLite format 3", sizeof header) != 0) {
        fail(path, "not a workspace database (not SQLite)");
    }
    // SQLite's smallest page is 512 bytes: a shorter file is a truncated one.
    if (size < 512) fail(path, "not a workspace database (an SQLite header but only " + std::to_string(size) + " bytes)");
}

// Refuses, naming the file, a database that is not a workspace (another program's SQLite file:
// any other application id, or none, unless `create` may fill an empty one) or one from a newer
// version. Only reads.
void checkIdentity(sqlite3* db, const std::string& path, bool create) {
    // Each query in its own scope: an unfinished statement would hold a read transaction.
    auto scalar = [&](const char* sql) {
        Statement q(db, sql);
        q.step();
        return q.integer(0);
    };
    const int64_t app = scalar("PRAGMA application_id");
    const int64_t version = scalar("PRAGMA user_version");
    const int64_t tables = scalar("SELECT count(*) FROM sqlite_master");
    const bool fresh = app == 0 && version == 0 && tables == 0;
    if (app != kApplicationId && !(create && fresh)) fail(path, "an SQLite file, but not a HAT Explorer workspace");
    if (version > WorkspaceDb::kSchemaVersion) {
        fail(path, "written by a newer HAT Explorer (schema " + std::to_string(version) + ", this version reads up to " +
                       std::to_string(WorkspaceDb::kSchemaVersion) + "); update HAT Explorer to open it");
    }
}

// An SQLite URI for `path`: characters with a meaning in URIs are percent-encoded.
std::string fileUri(const std::string& path) {
    std::string out = "file:";
    for (unsigned char c : path) {
        if (c == '%' || c == '?' || c == '#' || c == ' ' || c < 0x20 || c >= 0x80) {
            static const char* hex = "0123456789ABCDEF";
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

Connection connect(const std::string& path, const std::string& name, int flags) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(name.c_str(), &raw, flags, nullptr);
    Connection c(raw, &sqlite3_close_v2);
    if (rc != SQLITE_OK) fail(path, std::string("cannot open database: ") + (raw ? sqlite3_errmsg(raw) : "out of memory"));
    return c;
}

// Copies every page of `from` into `to` (SQLite's online backup); hat::Error naming `path`.
void copyPages(sqlite3* from, sqlite3* to, const std::string& path) {
    sqlite3_backup* b = sqlite3_backup_init(to, "main", from, "main");
    if (!b) fail(path, std::string("cannot copy the database: ") + sqlite3_errmsg(to));
    const int rc = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) fail(path, std::string("cannot copy the database: ") + sqlite3_errstr(rc));
}

// A private in-memory copy of the database at `path`, read without writing to it or beside it.
Connection snapshotOf(const std::string& path) {
    // A write-ahead log with frames in it may hold committed pages the file does not have yet:
    // read through it then (a live writer's -shm is beside it). Without one the file alone is
    // the database, and immutable keeps SQLite from creating -wal/-shm or taking locks for the
    // milliseconds the copy takes (a read-only connection would leave both files behind).
    std::error_code ec;
    const uintmax_t logBytes = fs::file_size(path + "-wal", ec);
    const bool log = !ec && logBytes > 0;
    Connection source = connect(path, fileUri(path) + (log ? "?mode=ro" : "?mode=ro&immutable=1"),
                                SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
    sqlite3_busy_timeout(source.get(), 5000);
    Connection memory = connect(path, ":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    copyPages(source.get(), memory.get(), path);
    return memory;
}

}  // namespace

WorkspaceDb WorkspaceDb::open(const std::string& path, bool create) {
    std::error_code ec;
    const bool exists = fs::exists(path, ec);
    if (!exists && !create) fail(path, "no such workspace database");
    if (exists) checkExistingFile(path, create);
    WorkspaceDb w;
    w.path_ = path;
    const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path.c_str(), &w.db_, flags, nullptr) != SQLITE_OK) {
        const std::string msg = w.db_ ? sqlite3_errmsg(w.db_) : "cannot open";
        fail(path, "cannot open database: " + msg);
    }
    sqlite3_busy_timeout(w.db_, 5000);
    try {
        checkIdentity(w.db_, path, create);  // before the first write
        w.exec("PRAGMA foreign_keys = ON");
        w.exec("PRAGMA journal_mode = WAL");
        w.exec("PRAGMA synchronous = NORMAL");
        w.migrate();
    } catch (const Error& e) {
        const std::string what = e.what();
        if (what.rfind(path, 0) == 0) throw;
        fail(path, what);  // e.g. "database: file is not a database" for a corrupted file
    }
    return w;
}

WorkspaceDb WorkspaceDb::openReadOnly(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) fail(path, "no such workspace database");
    checkExistingFile(path, false);
    WorkspaceDb w;
    w.path_ = path;
    w.readOnly_ = true;
    try {
        w.db_ = snapshotOf(path).release();
        checkIdentity(w.db_, path, false);
        w.exec("PRAGMA foreign_keys = ON");
        w.migrate();  // an older schema, brought up to date in the snapshot only
        w.exec("PRAGMA query_only = ON");
    } catch (const Error& e) {
        const std::string what = e.what();
        if (what.rfind(path, 0) == 0) throw;
        fail(path, what);
    }
    return w;
}

void WorkspaceDb::copyTo(const std::string& target) const {
    if (fs::exists(target)) fail(target, "already exists");
    try {
        Connection copy = connect(target, target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        copyPages(db_, copy.get(), target);
    } catch (const Error&) {
        std::error_code ec;
        fs::remove(target, ec);  // no half copy left behind
        throw;
    }
}

bool databaseWritable(const std::string& path, bool (*canWrite)(const std::string&)) {
    auto writable = [&](const std::string& p) { return canWrite ? canWrite(p) : ::access(p.c_str(), W_OK) == 0; };
    const fs::path folder = fs::path(path).has_parent_path() ? fs::path(path).parent_path() : fs::path(".");
    if (!writable(path) || !writable(folder.string())) return false;
    std::error_code ec;
    for (const char* side : {"-wal", "-shm"}) {
        if (fs::exists(path + side, ec) && !writable(path + side)) return false;
    }
    return true;
}

WorkspaceDb::WorkspaceDb(WorkspaceDb&& o) noexcept
    : db_(o.db_), path_(std::move(o.path_)), readOnly_(o.readOnly_), geneSpaceRead_(o.geneSpaceRead_),
      geneSpace_(std::move(o.geneSpace_)) {
    o.db_ = nullptr;
}
WorkspaceDb& WorkspaceDb::operator=(WorkspaceDb&& o) noexcept {
    std::swap(db_, o.db_);
    std::swap(path_, o.path_);
    std::swap(readOnly_, o.readOnly_);
    std::swap(geneSpaceRead_, o.geneSpaceRead_);
    std::swap(geneSpace_, o.geneSpace_);
    return *this;
}
WorkspaceDb::~WorkspaceDb() {
    if (db_) sqlite3_close_v2(db_);
}

void WorkspaceDb::exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        const std::string msg = err ? err : "error";
        sqlite3_free(err);
        throw Error("database: " + msg);
    }
}

int WorkspaceDb::schemaVersion() {
    Statement v(db_, "PRAGMA user_version");
    v.step();
    return static_cast<int>(v.integer(0));
}

void WorkspaceDb::migrate() {
    int version = schemaVersion();
    while (version < kSchemaVersion) {
        transaction([&] {
            exec(kMigrations[version]);
            exec("PRAGMA application_id = " + std::to_string(kApplicationId));
            exec("PRAGMA user_version = " + std::to_string(version + 1));
        });
        ++version;
    }
}

void WorkspaceDb::setMeta(const std::string& key, const std::string& value) {
    Statement s(db_, "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    s.bind(1, key).bind(2, value).step();
}

std::optional<std::string> WorkspaceDb::meta(const std::string& key) {
    Statement s(db_, "SELECT value FROM meta WHERE key = ?");
    s.bind(1, key);
    if (!s.step()) return std::nullopt;
    return s.text(0);
}

void WorkspaceDb::setSpace(const DesignSpace& space) {
    setMeta(meta::kSpaceYaml, space.toYaml());
    geneSpace_ = space;
    geneSpaceRead_ = true;
}

Gene WorkspaceDb::storedGene(const std::string& text, const std::string& where) {
    if (!geneSpaceRead_) {
        if (meta(meta::kSpaceYaml)) geneSpace_ = space();
        geneSpaceRead_ = true;
    }
    try {
        Gene g = geneFromText(text);
        if (geneSpace_) validateGene(g, *geneSpace_);
        // Rows are found by the gene's text: "06" for 6 would be the same gene under another key.
        if (geneToText(g) != text) throw Error("gene '" + text.substr(0, 60) + "' is not written as genes are stored");
        return g;
    } catch (const Error& e) {
        fail(path_, where + ": " + e.what());
    }
}

std::vector<Gene> WorkspaceDb::storedPopulation(const std::string& text, const std::string& where) {
    std::vector<Gene> pop;
    for (const std::string& item : populationItems(text)) pop.push_back(storedGene(item, where));
    return pop;
}

DesignSpace WorkspaceDb::space() {
    const auto y = meta(meta::kSpaceYaml);
    if (!y) fail(path_, "workspace has no design space");
    return DesignSpace::parseYaml(*y, path_ + " (design space)");
}

int64_t WorkspaceDb::addSupernet(const SupernetRecord& r) {
    Statement s(db_, "INSERT INTO supernet(path, checksum, width_divisor) VALUES(?, ?, ?) "
                     "ON CONFLICT(checksum, width_divisor) DO UPDATE SET path = excluded.path RETURNING id");
    s.bind(1, r.path).bind(2, r.checksum).bind(3, static_cast<int64_t>(r.widthDivisor));
    s.step();
    return s.integer(0);
}

std::optional<SupernetRecord> WorkspaceDb::supernet(int64_t id) {
    Statement s(db_, "SELECT id, path, checksum, width_divisor FROM supernet WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return SupernetRecord{s.integer(0), s.text(1), s.text(2), static_cast<int>(s.integer(3))};
}

std::vector<SupernetRecord> WorkspaceDb::supernets() {
    Statement s(db_, "SELECT id, path, checksum, width_divisor FROM supernet ORDER BY id");
    std::vector<SupernetRecord> out;
    while (s.step()) out.push_back({s.integer(0), s.text(1), s.text(2), static_cast<int>(s.integer(3))});
    return out;
}

int64_t WorkspaceDb::addFitnessSet(const FitnessSetRecord& r) {
    Statement s(db_, "INSERT INTO fitness_set(split, sentences, checksum) VALUES(?, ?, ?) "
                     "ON CONFLICT(checksum) DO UPDATE SET split = excluded.split RETURNING id");
    s.bind(1, r.split).bind(2, static_cast<int64_t>(r.sentences)).bind(3, r.checksum);
    s.step();
    return s.integer(0);
}

std::optional<int64_t> WorkspaceDb::supernetId(const std::string& checksum, int widthDivisor) {
    Statement s(db_, "SELECT id FROM supernet WHERE checksum = ? AND width_divisor = ?");
    s.bind(1, checksum).bind(2, static_cast<int64_t>(widthDivisor));
    if (!s.step()) return std::nullopt;
    return s.integer(0);
}

std::optional<int64_t> WorkspaceDb::fitnessSetId(const std::string& checksum) {
    Statement s(db_, "SELECT id FROM fitness_set WHERE checksum = ?");
    s.bind(1, checksum);
    if (!s.step()) return std::nullopt;
    return s.integer(0);
}

std::optional<FitnessSetRecord> WorkspaceDb::fitnessSet(int64_t id) {
    Statement s(db_, "SELECT id, split, sentences, checksum FROM fitness_set WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return FitnessSetRecord{s.integer(0), s.text(1), static_cast<int>(s.integer(2)), s.text(3)};
}

int64_t WorkspaceDb::addDevice(const DeviceRecord& d) {
    Statement s(db_, "INSERT INTO device(name, kind, source, predictor_path) VALUES(?, ?, ?, ?) "
                     "ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, source = excluded.source, "
                     "predictor_path = excluded.predictor_path RETURNING id");
    s.bind(1, d.name).bind(2, d.kind).bind(3, d.source).bind(4, d.predictorPath);
    s.step();
    return s.integer(0);
}

void WorkspaceDb::setDevicePredictor(int64_t deviceId, const std::vector<char>& bytes) {
    Statement s(db_, "UPDATE device SET predictor = ? WHERE id = ?");
    s.bindBlob(1, bytes).bind(2, deviceId).step();
    if (sqlite3_changes(db_) != 1) throw Error("database: no device " + std::to_string(deviceId));
}

std::vector<char> WorkspaceDb::devicePredictor(int64_t deviceId) {
    Statement s(db_, "SELECT predictor FROM device WHERE id = ?");
    s.bind(1, deviceId);
    return s.step() ? s.blob(0) : std::vector<char>();
}

std::vector<DeviceRecord> WorkspaceDb::devices() {
    Statement s(db_, "SELECT id, name, kind, source, predictor_path FROM device ORDER BY id");
    std::vector<DeviceRecord> out;
    while (s.step()) out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4)});
    return out;
}

std::optional<DeviceRecord> WorkspaceDb::device(const std::string& name) {
    for (auto& d : devices()) {
        if (d.name == name) return d;
    }
    return std::nullopt;
}

std::optional<double> WorkspaceDb::evaluation(int64_t sn, int64_t fs, const Gene& gene) {
    Statement s(db_, "SELECT valid_loss FROM evaluation WHERE supernet_id = ? AND fitness_set_id = ? AND gene = ?");
    s.bind(1, sn).bind(2, fs).bind(3, geneToText(gene));
    if (!s.step()) return std::nullopt;
    return s.real(0);
}

std::optional<double> WorkspaceDb::evaluationBleu(int64_t sn, int64_t fs, const Gene& gene) {
    Statement s(db_, "SELECT bleu FROM evaluation WHERE supernet_id = ? AND fitness_set_id = ? AND gene = ?");
    s.bind(1, sn).bind(2, fs).bind(3, geneToText(gene));
    if (!s.step() || s.isNull(0)) return std::nullopt;
    return s.real(0);
}

void WorkspaceDb::addEvaluations(int64_t sn, int64_t fs, const std::vector<EvaluationRecord>& e) {
    transaction([&] {
        Statement s(db_, "INSERT INTO evaluation(supernet_id, fitness_set_id, gene, valid_loss, bleu) VALUES(?, ?, ?, ?, ?) "
                         "ON CONFLICT DO UPDATE SET valid_loss = excluded.valid_loss, bleu = coalesce(excluded.bleu, bleu)");
        for (const auto& r : e) {
            s.bind(1, sn).bind(2, fs).bind(3, geneToText(r.gene)).bind(4, r.validLoss);
            if (r.bleu) s.bind(5, *r.bleu); else s.bindNull(5);
            s.step();
            s.reset();
        }
    });
}

int64_t WorkspaceDb::evaluationCount(int64_t sn, int64_t fs) {
    Statement s(db_, "SELECT count(*) FROM evaluation WHERE supernet_id = ? AND fitness_set_id = ?");
    s.bind(1, sn).bind(2, fs).step();
    return s.integer(0);
}

void WorkspaceDb::addLatencies(int64_t deviceId, const std::vector<std::pair<Gene, LatencyBound>>& l) {
    transaction([&] {
        Statement s(db_, "INSERT INTO latency(device_id, gene, ms, upper_ms) VALUES(?, ?, ?, ?) "
                         "ON CONFLICT DO UPDATE SET ms = excluded.ms, upper_ms = excluded.upper_ms");
        for (const auto& [g, e] : l) {
            s.bind(1, deviceId).bind(2, geneToText(g)).bind(3, e.ms).bind(4, e.upperMs);
            s.step();
            s.reset();
        }
    });
}

std::vector<Gene> WorkspaceDb::genesWithoutLatency(int64_t sn, int64_t fs, int64_t deviceId) {
    Statement s(db_, "SELECT e.gene FROM evaluation e WHERE e.supernet_id = ? AND e.fitness_set_id = ? AND NOT EXISTS "
                     "(SELECT 1 FROM latency l WHERE l.device_id = ? AND l.gene = e.gene)");
    s.bind(1, sn).bind(2, fs).bind(3, deviceId);
    std::vector<Gene> out;
    while (s.step()) out.push_back(storedGene(s.text(0), "evaluation"));
    return out;
}

std::optional<EvaluatedPoint> WorkspaceDb::bestUnder(int64_t sn, int64_t fs, int64_t deviceId, double limitMs,
                                                     bool useUpper) {
    const std::string sql =
        "SELECT e.gene, e.valid_loss, e.bleu, l.ms, l.upper_ms FROM latency l JOIN evaluation e "
        "ON e.gene = l.gene AND e.supernet_id = ? AND e.fitness_set_id = ? "
        "WHERE l.device_id = ? AND " + latencyWithinSql("l", useUpper) + " ORDER BY e.valid_loss, e.gene LIMIT 1";
    Statement s(db_, sql.c_str());
    s.bind(1, sn).bind(2, fs).bind(3, deviceId).bind(4, limitMs);
    if (!s.step()) return std::nullopt;
    EvaluatedPoint p{storedGene(s.text(0), "evaluation"), s.real(1), std::nullopt, s.real(3), s.real(4)};
    if (!s.isNull(2)) p.bleu = s.real(2);
    return p;
}

int64_t WorkspaceDb::addMeasurement(int64_t deviceId, const MeasurementRecord& m) {
    Statement q(db_,
                "INSERT INTO measurement (device_id, gene, encoder_ms, decoder_ms, encoder_sd_ms, "
                "decoder_sd_ms, protocol, predicted_ms, lower_ms, upper_ms) VALUES (?,?,?,?,?,?,?,?,?,?)");
    q.bind(1, deviceId).bind(2, geneToText(m.gene)).bind(3, m.encoderMs).bind(4, m.decoderMs);
    q.bind(5, m.encoderSdMs).bind(6, m.decoderSdMs).bind(7, m.protocol).bind(8, m.predictedMs);
    q.bind(9, m.lowerMs).bind(10, m.upperMs);
    q.step();
    return sqlite3_last_insert_rowid(db_);
}

std::vector<MeasurementRecord> WorkspaceDb::measurements(int64_t deviceId) {
    Statement q(db_,
                "SELECT id, gene, encoder_ms, decoder_ms, encoder_sd_ms, decoder_sd_ms, protocol, "
                "predicted_ms, lower_ms, upper_ms, measured_at FROM measurement WHERE device_id = ? "
                "ORDER BY id");
    q.bind(1, deviceId);
    std::vector<MeasurementRecord> out;
    while (q.step()) {
        MeasurementRecord m;
        m.id = q.integer(0);
        m.gene = storedGene(q.text(1), "measurement " + std::to_string(m.id));
        m.encoderMs = q.real(2);
        m.decoderMs = q.real(3);
        m.encoderSdMs = q.real(4);
        m.decoderSdMs = q.real(5);
        m.protocol = q.text(6);
        m.predictedMs = q.real(7);
        m.lowerMs = q.real(8);
        m.upperMs = q.real(9);
        m.measuredAt = q.text(10);
        out.push_back(std::move(m));
    }
    return out;
}

std::vector<EvaluatedPoint> WorkspaceDb::evaluatedPoints(int64_t sn, int64_t fs, int64_t deviceId) {
    Statement s(db_, "SELECT e.gene, e.valid_loss, e.bleu, l.ms, l.upper_ms FROM evaluation e JOIN latency l "
                     "ON l.gene = e.gene AND l.device_id = ? WHERE e.supernet_id = ? AND e.fitness_set_id = ? "
                     "ORDER BY l.ms");
    s.bind(1, deviceId).bind(2, sn).bind(3, fs);
    std::vector<EvaluatedPoint> out;
    while (s.step()) {
        EvaluatedPoint p{storedGene(s.text(0), "evaluation"), s.real(1), std::nullopt, s.real(3), s.real(4)};
        if (!s.isNull(2)) p.bleu = s.real(2);
        out.push_back(std::move(p));
    }
    return out;
}

int64_t WorkspaceDb::createRun(const RunRecord& r, const std::optional<EvolutionState>& start) {
    Statement s(db_, "INSERT INTO search_run(device_id, max_latency_ms, seed, settings, status, start_population, "
                     "start_rng, owner_pid, owner_host, heartbeat) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    s.bind(1, r.deviceId).bind(2, r.maxLatencyMs).bind(3, static_cast<int64_t>(r.seed)).bind(4, r.settingsJson)
        .bind(5, r.status.empty() ? std::string("running") : r.status);
    if (start) s.bind(6, populationText(start->population)).bind(7, start->rngState);
    else s.bindNull(6).bindNull(7);
    if (r.owner) s.bind(8, r.owner->pid).bind(9, r.owner->host).bind(10, r.owner->heartbeat);
    else s.bindNull(8).bindNull(9).bindNull(10);
    s.step();
    return s.integer(0);
}

RunClaim WorkspaceDb::claimRun(int64_t runId, const RunOwner& me, const std::function<bool(const RunOwner&)>& ownerDead) {
    RunClaim claim;
    transaction([&] {
        {
            Statement s(db_, "SELECT owner_pid, owner_host, heartbeat FROM search_run WHERE id = ?");
            s.bind(1, runId);
            if (!s.step()) fail(path_, "no search run " + std::to_string(runId));
            claim.previous = ownerAt(s, 0);
        }
        if (claim.previous && !ownerDead(*claim.previous)) return;
        // The WHERE repeats the owner read above: the write lock makes it hold, and says so.
        Statement u(db_, "UPDATE search_run SET owner_pid = ?, owner_host = ?, heartbeat = ? "
                         "WHERE id = ? AND owner_pid IS ? AND owner_host IS ?");
        u.bind(1, me.pid).bind(2, me.host).bind(3, me.heartbeat).bind(4, runId);
        if (claim.previous) u.bind(5, claim.previous->pid).bind(6, claim.previous->host);
        else u.bindNull(5).bindNull(6);
        u.step();
        claim.claimed = sqlite3_changes(db_) == 1;
    });
    return claim;
}

bool WorkspaceDb::heartbeatRun(int64_t runId, const RunOwner& me) {
    Statement s(db_, "UPDATE search_run SET heartbeat = ? WHERE id = ? AND owner_pid = ? AND owner_host = ?");
    s.bind(1, me.heartbeat).bind(2, runId).bind(3, me.pid).bind(4, me.host).step();
    return sqlite3_changes(db_) == 1;
}

bool WorkspaceDb::releaseRun(int64_t runId, const RunOwner& me, const std::string& status) {
    Statement s(db_, "UPDATE search_run SET owner_pid = NULL, owner_host = NULL, status = coalesce(?, status) "
                     "WHERE id = ? AND owner_pid = ? AND owner_host = ?");
    if (status.empty()) s.bindNull(1); else s.bind(1, status);
    s.bind(2, runId).bind(3, me.pid).bind(4, me.host).step();
    return sqlite3_changes(db_) == 1;
}

void WorkspaceDb::setRunStatus(int64_t runId, const std::string& status) {
    Statement s(db_, "UPDATE search_run SET status = ? WHERE id = ?");
    s.bind(1, status).bind(2, runId).step();
}

std::optional<RunRecord> WorkspaceDb::run(int64_t runId) {
    Statement s(db_, "SELECT id, device_id, max_latency_ms, seed, settings, status, owner_pid, owner_host, heartbeat "
                     "FROM search_run WHERE id = ?");
    s.bind(1, runId);
    if (!s.step()) return std::nullopt;
    return RunRecord{s.integer(0), s.integer(1), s.real(2), static_cast<uint64_t>(s.integer(3)), s.text(4), s.text(5),
                     ownerAt(s, 6)};
}

std::optional<RunRecord> WorkspaceDb::latestRun(int64_t deviceId) {
    int64_t id = 0;
    {
        Statement s(db_, "SELECT id FROM search_run WHERE device_id = ? AND EXISTS "
                         "(SELECT 1 FROM generation WHERE generation.run_id = search_run.id) ORDER BY id DESC LIMIT 1");
        s.bind(1, deviceId);
        if (!s.step()) return std::nullopt;
        id = s.integer(0);
    }
    return run(id);
}

void WorkspaceDb::writeGeneration(int64_t runId, const GenerationReport& r, const RunOwner* owner) {
    transaction([&] {
        if (owner && !heartbeatRun(runId, *owner)) {
            const auto now = run(runId);
            const std::string who = now && now->owner ? "process " + std::to_string(now->owner->pid) + " on host " +
                                                            now->owner->host
                                                      : "another process";
            fail(path_, "search run " + std::to_string(runId) + " was taken over by " + who +
                            "; this process stopped searching it");
        }
        Statement g(db_, "INSERT INTO generation(run_id, number, last, seconds, next_population, next_rng) VALUES(?, ?, ?, ?, ?, ?)");
        g.bind(1, runId).bind(2, static_cast<int64_t>(r.generation)).bind(3, static_cast<int64_t>(r.last))
            .bind(4, r.seconds).bind(5, populationText(r.next.population)).bind(6, r.next.rngState).step();
        Statement m(db_, "INSERT INTO generation_member(run_id, number, rank, gene, fitness, latency_ms, upper_ms, raced) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
        for (size_t i = 0; i < r.population.size(); ++i) {
            const Candidate& c = r.population[i];
            m.bind(1, runId).bind(2, static_cast<int64_t>(r.generation)).bind(3, static_cast<int64_t>(i))
                .bind(4, geneToText(c.gene)).bind(5, c.fitness).bind(6, c.latency.ms).bind(7, c.latency.upperMs)
                .bind(8, static_cast<int64_t>(c.raced)).step();
            m.reset();
        }
        if (r.last) {
            Statement u(db_, "UPDATE search_run SET status = 'finished' WHERE id = ?");
            u.bind(1, runId).step();
        }
    });
}

std::optional<EvolutionState> WorkspaceDb::resumeState(int64_t runId) {
    EvolutionState st;
    {
        Statement s(db_, "SELECT number, last, next_population, next_rng FROM generation WHERE run_id = ? ORDER BY number DESC LIMIT 1");
        s.bind(1, runId);
        if (s.step()) {
            if (s.integer(1)) return std::nullopt;  // finished
            st.generation = static_cast<int>(s.integer(0)) + 1;
            st.population = storedPopulation(s.text(2), "search run " + std::to_string(runId) + " generation " +
                                                            std::to_string(s.integer(0)) + " (next population)");
            st.rngState = s.text(3);
            return st;
        }
    }
    // No generation stored yet: the run starts over from generation 0's population.
    Statement s(db_, "SELECT start_population, start_rng FROM search_run WHERE id = ? AND start_population IS NOT NULL");
    s.bind(1, runId);
    if (!s.step()) return std::nullopt;
    st.generation = 0;
    st.population = storedPopulation(s.text(0), "search run " + std::to_string(runId) + " (start population)");
    st.rngState = s.text(1);
    return st;
}

std::vector<Candidate> WorkspaceDb::generationMembers(int64_t runId, int generation) {
    Statement s(db_, "SELECT gene, fitness, latency_ms, upper_ms, raced FROM generation_member WHERE run_id = ? AND number = ? ORDER BY rank");
    s.bind(1, runId).bind(2, static_cast<int64_t>(generation));
    std::vector<Candidate> out;
    while (s.step()) {
        const std::string where = "search run " + std::to_string(runId) + " generation " + std::to_string(generation) +
                                  " member " + std::to_string(out.size() + 1);
        out.push_back({storedGene(s.text(0), where), s.real(1), {s.real(2), s.real(3)}, s.integer(4) != 0});
    }
    return out;
}

std::vector<double> WorkspaceDb::generationSeconds(int64_t runId) {
    Statement s(db_, "SELECT seconds FROM generation WHERE run_id = ? ORDER BY number");
    s.bind(1, runId);
    std::vector<double> out;
    while (s.step()) out.push_back(s.real(0));
    return out;
}

int WorkspaceDb::generationCount(int64_t runId) {
    Statement s(db_, "SELECT count(*) FROM generation WHERE run_id = ?");
    s.bind(1, runId).step();
    return static_cast<int>(s.integer(0));
}

}  // namespace hat

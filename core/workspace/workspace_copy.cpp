#include "core/workspace/workspace_copy.h"

#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "core/store/meta_keys.h"
#include "core/store/workspace_db.h"
#include "core/util/error.h"

namespace hat {

namespace fs = std::filesystem;

namespace {

using Db = std::unique_ptr<sqlite3, decltype(&sqlite3_close_v2)>;

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

Db openDb(const std::string& path, const std::string& uri, int flags) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(uri.c_str(), &raw, flags | SQLITE_OPEN_URI, nullptr);
    Db db(raw, &sqlite3_close_v2);
    if (rc != SQLITE_OK)
        fail(path,
             std::string("cannot open database: ") + (raw ? sqlite3_errmsg(raw) : "out of memory"));
    return db;
}

// The same file seen from `to` as `stored` named from `from`.
std::string rebase(const std::string& stored, const fs::path& from, const fs::path& to) {
    if (stored.empty() || fs::path(stored).is_absolute()) return stored;
    const fs::path target = (from / stored).lexically_normal();
    const fs::path relative = target.lexically_relative(to);
    return relative.empty() ? target.string() : relative.string();
}

}  // namespace

void copyWorkspace(const std::string& fromDir, const std::string& toDir) {
    const fs::path from = fs::absolute(fromDir).lexically_normal();
    const fs::path to = fs::absolute(toDir).lexically_normal();
    const std::string source = (from / "workspace.db").string(),
                      target = (to / "workspace.db").string();
    if (!fs::exists(source)) fail(source, "no such workspace database");
    if (fs::exists(target)) fail(target, "a workspace already exists here");
    // Read-only and immutable: SQLite neither locks nor journals the source, so a checkout's
    // committed workspace stays byte-for-byte as it was. A workspace in use has a write-ahead log
    // beside it whose pages immutable would skip: that one is read through the log instead.
    const bool inUse = fs::exists(source + "-wal");
    Db src = openDb(source, fileUri(source) + (inUse ? "?mode=ro" : "?mode=ro&immutable=1"),
                    SQLITE_OPEN_READONLY);
    fs::create_directories(to);
    {
        Db dst = openDb(target, fileUri(target), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        sqlite3_backup* b = sqlite3_backup_init(dst.get(), "main", src.get(), "main");
        if (!b)
            fail(target, std::string("cannot copy the workspace: ") + sqlite3_errmsg(dst.get()));
        const int rc = sqlite3_backup_step(b, -1);
        sqlite3_backup_finish(b);
        if (rc != SQLITE_DONE) {
            dst.reset();
            fs::remove(target);
            fail(target, std::string("cannot copy the workspace: ") + sqlite3_errstr(rc));
        }
    }
    src.reset();
    // Rebase through the store's own API, which also checks that this is a workspace at all.
    WorkspaceDb db = WorkspaceDb::open(target);
    db.transaction([&] {
        for (const char* key : meta::kPathKeys) {
            if (auto v = db.meta(key)) db.setMeta(key, rebase(*v, from, to));
        }
        for (DeviceRecord d : db.devices()) {
            d.predictorPath = rebase(d.predictorPath, from, to);
            db.addDevice(d);  // updates the device of that name in place
        }
    });
}

}  // namespace hat

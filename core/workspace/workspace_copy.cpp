#include "core/workspace/workspace_copy.h"

#include <filesystem>

#include "core/store/meta_keys.h"
#include "core/store/workspace_db.h"
#include "core/util/error.h"

namespace hat {

namespace fs = std::filesystem;

namespace {

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
    // Read as a read-only snapshot: a checkout's committed workspace stays byte-for-byte as it
    // was (no journal, no -wal/-shm beside it), a workspace in use is read through its log, and
    // only a workspace is copied (anything else is refused before TO is made).
    {
        const WorkspaceDb src = WorkspaceDb::openReadOnly(source);
        fs::create_directories(to);
        src.copyTo(target);
    }
    // Rebase through the store's own API.
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

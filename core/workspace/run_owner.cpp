#include "core/workspace/run_owner.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>

namespace hat {

double unixSeconds() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

RunOwner thisProcess() {
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    return {static_cast<int64_t>(getpid()), host[0] ? host : "localhost", unixSeconds()};
}

bool processAlive(int64_t pid) {
    if (pid <= 0 || pid != static_cast<pid_t>(pid)) return false;
    // Signal 0 checks existence only; EPERM is a live process of another user.
    return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

bool ownerIsDead(const RunOwner& owner, const RunOwner& me, double staleSeconds) {
    if (me.heartbeat - owner.heartbeat > staleSeconds) return true;
    return owner.host == me.host && !processAlive(owner.pid);
}

std::string describeOwner(const RunOwner& owner, double now) {
    char age[48];
    std::snprintf(age, sizeof age, "%.0f s ago", std::max(0.0, now - owner.heartbeat));
    return "process " + std::to_string(owner.pid) + " on host " + owner.host + ", heartbeat " + age;
}

std::string shownStatus(const RunRecord& run, const RunOwner& me) {
    if (run.status != "running") return run.status;
    return !run.owner || ownerIsDead(*run.owner, me) ? "interrupted" : run.status;
}

RunHeartbeat::RunHeartbeat(std::string databasePath, int64_t runId, RunOwner me, double intervalSeconds)
    : path_(std::move(databasePath)), runId_(runId), me_(std::move(me)), interval_(intervalSeconds) {
    thread_ = std::thread([this] { loop(); });
}

RunHeartbeat::~RunHeartbeat() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void RunHeartbeat::loop() {
    // One connection for this thread, opened lazily and again after a failure.
    std::optional<WorkspaceDb> db;
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        if (wake_.wait_for(lock, std::chrono::duration<double>(interval_), [this] { return stop_; })) return;
        lock.unlock();
        try {
            if (!db) db.emplace(WorkspaceDb::open(path_));
            RunOwner now = me_;
            now.heartbeat = unixSeconds();
            if (db->heartbeatRun(runId_, now)) {
                ++beats_;
            } else {
                lost_ = true;  // taken over: the search stops at its next stored generation
            }
        } catch (const std::exception&) {
            db.reset();
        }
        lock.lock();
        if (lost_) return;
    }
}

}  // namespace hat

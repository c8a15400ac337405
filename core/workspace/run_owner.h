#pragma once
// Who runs a search run. A run belongs to one process at a time, recorded in the database as
// process id + host name + heartbeat (WorkspaceDb::claimRun): a second process asked to continue a
// run is refused while its owner lives, and takes the run over once the owner is dead.
//
// Dead means: on this host, no process with that id any more; on any host, no heartbeat for
// kStaleSeconds. The second rule also covers what the first cannot see: a process id reused by
// another program, a workspace copied while its run was live, a host that went away.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "core/store/workspace_db.h"

namespace hat {

// The owner refreshes its heartbeat this often (and with every stored generation); an owner whose
// heartbeat is older than kStaleSeconds is taken for dead. The margin covers a busy disk (a write
// waits up to 5 s for the database lock) and modest clock differences between hosts.
constexpr double kHeartbeatSeconds = 5.0;
constexpr double kStaleSeconds = 60.0;

// Wall-clock time as Unix seconds: heartbeats are compared across processes and hosts.
double unixSeconds();
// This process as an owner, with a heartbeat of now.
RunOwner thisProcess();
// Whether a process with this id exists on this host (one of another user counts).
bool processAlive(int64_t pid);
// Whether `owner` can be taken over by `me` (whose heartbeat is now).
bool ownerIsDead(const RunOwner& owner, const RunOwner& me, double staleSeconds = kStaleSeconds);
// "process 1234 on host lab-3, heartbeat 4 s ago", as of `now`.
std::string describeOwner(const RunOwner& owner, double now);
// A run's status as it should be shown: a run stored as running whose owner is dead (or that has
// none, as runs from before owners were recorded) reads "interrupted"; others as stored.
std::string shownStatus(const RunRecord& run, const RunOwner& me);

// Keeps a run's heartbeat fresh on its own thread with its own database connection: the search
// thread can spend longer than the stale limit inside one generation, or one evaluation. Stops
// (and joins) on destruction. Failed writes (a locked or full disk) are retried next time.
class RunHeartbeat {
public:
    RunHeartbeat(std::string databasePath, int64_t runId, RunOwner me,
                 double intervalSeconds = kHeartbeatSeconds);
    ~RunHeartbeat();
    RunHeartbeat(const RunHeartbeat&) = delete;
    RunHeartbeat& operator=(const RunHeartbeat&) = delete;

    // True once a beat found the run owned by another process (it stops beating then).
    bool lost() const { return lost_.load(); }
    int beats() const { return beats_.load(); }  // heartbeats written

private:
    void loop();
    std::string path_;
    int64_t runId_;
    RunOwner me_;
    double interval_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::atomic<bool> lost_{false};
    std::atomic<int> beats_{0};
    std::thread thread_;
};

}  // namespace hat

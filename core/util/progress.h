#pragma once
// Cancellation and progress for long core jobs (training, measuring, searching). The UI's worker
// thread owns a CancelToken and sets it; core checks it between batches or generations.
#include <atomic>
#include <stdexcept>
#include <string>

namespace hat {

class CancelToken {
public:
    void cancel() { cancelled_.store(true); }
    bool cancelled() const { return cancelled_.load(); }

private:
    std::atomic<bool> cancelled_{false};
};

// Thrown by a job that cannot return a partial result when its token is cancelled (a single
// latency measurement, say); jobs that can stop cleanly return instead.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

}  // namespace hat

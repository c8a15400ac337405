#pragma once
// Cancellation and progress for long core jobs (training, measuring, searching). The UI's worker
// thread owns a CancelToken and sets it; core checks it between batches or generations.
#include <atomic>
#include <string>

namespace hat {

class CancelToken {
public:
    void cancel() { cancelled_.store(true); }
    bool cancelled() const { return cancelled_.load(); }

private:
    std::atomic<bool> cancelled_{false};
};

}  // namespace hat

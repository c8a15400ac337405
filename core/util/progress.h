#pragma once
// The one way long core jobs — training a SuperTransformer, measuring latency, training a
// predictor, computing BLEU, searching — report how far they are and learn that they should stop.
//
// A job gets a ProgressSink and a CancelToken. It reports a fraction done and a line of text; the
// sink adds the time left, estimated from the rate since its first report (a resumed job starts
// part-way, so timing it from zero would claim it is almost done). A job that can stop with a
// partial result checks cancelled() and returns; one that cannot calls throwIfCancelled(), and
// its caller sees Cancelled, never an ordinary error.
#include <atomic>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace hat {

class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

class CancelToken {
public:
    void cancel() { cancelled_.store(true); }
    bool cancelled() const { return cancelled_.load(); }
    void throwIfCancelled() const {
        if (cancelled()) throw Cancelled();
    }

private:
    std::atomic<bool> cancelled_{false};
};

// True when `token` is set; a null token never is.
inline bool isCancelled(const CancelToken* token) { return token && token->cancelled(); }

// Seconds on a monotonic clock. Tests inject their own.
using SecondsClock = std::function<double()>;
double steadySeconds();

struct ProgressUpdate {
    double fraction = -1.0;  // of the whole job, in [0, 1]; negative: not known
    std::string message;
    double secondsLeft = -1.0;  // negative: not known yet
};

class ProgressSink {
public:
    using Receiver = std::function<void(const ProgressUpdate&)>;

    // Reports nowhere.
    ProgressSink() = default;
    explicit ProgressSink(Receiver receiver, SecondsClock clock = steadySeconds);

    // `fraction` of this sink's part done (negative: not known). The time left is known once two
    // reports with known fractions lie at least kSettleSeconds apart.
    void report(double fraction, const std::string& message) const;
    // One step of a job in several (measure a dataset, then train its predictor): the step's
    // [0, 1] is [from, to] of this sink, and the time left is the whole job's.
    ProgressSink step(double from, double to) const;

    static constexpr double kSettleSeconds = 3.0;

private:
    struct State;
    std::shared_ptr<State> state_;
    double from_ = 0.0, to_ = 1.0;
};

}  // namespace hat

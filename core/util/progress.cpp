#include "core/util/progress.h"

#include <algorithm>
#include <chrono>

namespace hat {

double steadySeconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct ProgressSink::State {
    Receiver receiver;
    SecondsClock clock;
    // The first report with a known fraction: the rate is measured from here.
    double firstFraction = -1.0;
    double firstSeconds = 0.0;
};

ProgressSink::ProgressSink(Receiver receiver, SecondsClock clock)
    : state_(std::make_shared<State>(State{std::move(receiver), std::move(clock)})) {}

void ProgressSink::report(double fraction, const std::string& message) const {
    if (!state_ || !state_->receiver) return;
    State& s = *state_;
    ProgressUpdate u;
    u.message = message;
    if (fraction >= 0.0) {
        u.fraction = from_ + std::clamp(fraction, 0.0, 1.0) * (to_ - from_);
        const double now = s.clock();
        if (s.firstFraction < 0.0) {
            s.firstFraction = u.fraction;
            s.firstSeconds = now;
        }
        const double done = u.fraction - s.firstFraction, elapsed = now - s.firstSeconds;
        // A linear estimate, too noisy to show before it has settled.
        if (done > 0.0 && u.fraction < 1.0 && elapsed >= kSettleSeconds) {
            u.secondsLeft = elapsed / done * (1.0 - u.fraction);
        }
    }
    s.receiver(u);
}

ProgressSink ProgressSink::step(double from, double to) const {
    ProgressSink part = *this;
    part.from_ = from_ + from * (to_ - from_);
    part.to_ = from_ + to * (to_ - from_);
    return part;
}

}  // namespace hat

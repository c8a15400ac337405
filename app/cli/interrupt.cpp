#include "app/cli/interrupt.h"

#include <csignal>

namespace hat::cli {

namespace {
CancelToken gCancel;
extern "C" void onInterrupt(int) { gCancel.cancel(); }
}  // namespace

const CancelToken* cancelOnInterrupt() {
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    return &gCancel;
}

bool interrupted() { return gCancel.cancelled(); }

}  // namespace hat::cli

#pragma once
// Ctrl-C and SIGTERM for long commands: the first one sets a token the job checks between steps,
// so it stops cleanly (a training run saves its checkpoint, a measurement keeps its rows).
#include "core/util/progress.h"

namespace hat::cli {

// Installs the handlers (once) and returns the token they set.
const CancelToken* cancelOnInterrupt();
// True when an interrupt stopped the job.
bool interrupted();

}  // namespace hat::cli

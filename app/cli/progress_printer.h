#pragma once
// A long job's progress on stderr, the same way for every command: one line per report,
// "[ 37%] measured 118 of 320 SubTransformers (last 431.2 ms), about 4 min left".
#include <string>

#include "core/util/progress.h"

namespace hat::cli {

// `quiet`: reports nowhere. `everySeconds` > 0: at most one line that often (the first report
// and the end always print), for jobs that report many times a second.
ProgressSink stderrProgress(bool quiet = false, double everySeconds = 0.0);
// "about 4 min left", "about 35 s left"; empty when not known.
std::string timeLeftText(double seconds);

}  // namespace hat::cli

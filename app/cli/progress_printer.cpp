#include "app/cli/progress_printer.h"

#include <cmath>
#include <cstdio>
#include <memory>

namespace hat::cli {

std::string timeLeftText(double seconds) {
    if (seconds < 0.0) return {};
    char text[48];
    if (seconds < 90.0) {
        std::snprintf(text, sizeof text, "about %.0f s left", std::ceil(seconds));
    } else if (seconds < 90.0 * 60.0) {
        std::snprintf(text, sizeof text, "about %.0f min left", std::round(seconds / 60.0));
    } else {
        std::snprintf(text, sizeof text, "about %.1f h left", seconds / 3600.0);
    }
    return text;
}

ProgressSink stderrProgress(bool quiet, double everySeconds) {
    if (quiet) return {};
    auto lastPrinted = std::make_shared<double>(-1e300);
    return ProgressSink([everySeconds, lastPrinted](const ProgressUpdate& u) {
        const double now = steadySeconds();
        if (everySeconds > 0.0 && u.fraction < 1.0 && now - *lastPrinted < everySeconds) return;
        *lastPrinted = now;
        std::string line;
        if (u.fraction >= 0.0) {
            char pct[16];
            std::snprintf(pct, sizeof pct, "[%3.0f%%] ", std::floor(u.fraction * 100.0));
            line = pct;
        }
        line += u.message;
        const std::string left = timeLeftText(u.secondsLeft);
        if (!left.empty()) line += ", " + left;
        std::fprintf(stderr, "%s\n", line.c_str());
    });
}

}  // namespace hat::cli

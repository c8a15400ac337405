#include "core/search/device_comparison.h"

#include <cmath>

#include "core/search/workspace.h"
#include "core/util/error.h"

namespace hat {

double relativeLimitMs(double smallestMs, double largestMs, double relative) {
    return smallestMs + relative * (largestMs - smallestMs);
}

std::optional<EvaluatedPoint> bestOnFront(const std::vector<EvaluatedPoint>& front, double limitMs,
                                          bool useUpper) {
    // Along a front the loss falls as latency rises: the last member under the limit is the best.
    std::optional<EvaluatedPoint> best;
    for (const EvaluatedPoint& p : front) {
        if ((useUpper ? p.latencyUpperMs : p.latencyMs) <= limitMs) best = p;
    }
    return best;
}

std::vector<DeviceComparisonRow> compareDevices(Workspace& ws, const std::vector<std::string>& devices,
                                                double relative, bool useUpper) {
    if (!(relative >= 0.0 && relative <= 1.0)) {
        throw Error("relative limit must be between 0 and 1 (got " + std::to_string(relative) + ")");
    }
    std::vector<DeviceComparisonRow> rows;
    for (const std::string& name : devices) {
        DeviceComparisonRow r;
        r.device = ws.device(name).name;  // throws listing the names
        const LatencyRange range = ws.latencyRange(name);
        r.smallestMs = useUpper ? range.smallest.upperMs : range.smallest.ms;
        r.largestMs = useUpper ? range.largest.upperMs : range.largest.ms;
        r.limitMs = relativeLimitMs(r.smallestMs, r.largestMs, relative);
        r.points = ws.evaluatedPoints(name);
        r.front = paretoFront(r.points, useUpper);
        r.best = bestOnFront(r.front, r.limitMs, useUpper);
        rows.push_back(std::move(r));
    }
    return rows;
}

}  // namespace hat

#include "core/workspace/device_comparison.h"

#include <cmath>

#include "core/workspace/workspace.h"
#include "core/util/error.h"

namespace hat {

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
        r.smallestMs = range.smallest.constrained(useUpper);
        r.largestMs = range.largest.constrained(useUpper);
        r.limitMs = relativeLimitMs(r.smallestMs, r.largestMs, relative);
        r.points = ws.evaluatedPoints(name);
        r.front = paretoFront(r.points, useUpper);
        r.best = bestOnFront(r.front, r.limitMs, useUpper);
        rows.push_back(std::move(r));
    }
    return rows;
}

}  // namespace hat

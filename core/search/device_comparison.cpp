#include "core/search/device_comparison.h"

#include <cmath>

#include "core/search/workspace.h"
#include "core/space/design_space.h"
#include "core/space/gene.h"
#include "core/space/sub_config.h"
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
    const DesignSpace space = ws.space();
    const Gene smallest = configToGene(SubConfig::smallest(space), space);
    const Gene largest = configToGene(SubConfig::largest(space), space);
    std::vector<DeviceComparisonRow> rows;
    for (const std::string& name : devices) {
        DeviceComparisonRow r;
        r.device = ws.device(name).name;  // throws listing the names
        const LatencyBound lo = ws.latency(name, smallest), hi = ws.latency(name, largest);
        r.smallestMs = useUpper ? lo.upperMs : lo.ms;
        r.largestMs = useUpper ? hi.upperMs : hi.ms;
        r.limitMs = relativeLimitMs(r.smallestMs, r.largestMs, relative);
        r.points = ws.evaluatedPoints(name);
        r.front = paretoFront(r.points, useUpper);
        r.best = bestOnFront(r.front, r.limitMs, useUpper);
        rows.push_back(std::move(r));
    }
    return rows;
}

}  // namespace hat

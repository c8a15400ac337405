#include "core/search/pareto.h"

#include <algorithm>

namespace hat {

std::string latencyWithinSql(const std::string& table, bool useUpper) {
    return table + (useUpper ? ".upper_ms" : ".ms") + " <= ?";
}

std::vector<EvaluatedPoint> paretoFront(std::vector<EvaluatedPoint> points, bool useUpper) {
    auto lat = [&](const EvaluatedPoint& p) { return p.latency().constrained(useUpper); };
    std::sort(points.begin(), points.end(), [&](const EvaluatedPoint& a, const EvaluatedPoint& b) {
        return lat(a) != lat(b) ? lat(a) < lat(b) : a.validLoss < b.validLoss;
    });
    std::vector<EvaluatedPoint> front;
    for (auto& p : points) {
        if (front.empty() || p.validLoss < front.back().validLoss) front.push_back(std::move(p));
    }
    return front;
}

std::optional<EvaluatedPoint> bestOnFront(const std::vector<EvaluatedPoint>& front, double limitMs,
                                          bool useUpper) {
    // Along a front the loss falls as latency rises: the last member under the limit is the best.
    std::optional<EvaluatedPoint> best;
    for (const EvaluatedPoint& p : front) {
        if (p.latency().within(limitMs, useUpper)) best = p;
    }
    return best;
}

double relativeLimitMs(double smallestMs, double largestMs, double relative) {
    return smallestMs + relative * (largestMs - smallestMs);
}

}  // namespace hat

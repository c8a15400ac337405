#pragma once
// Everything evaluated, seen on one device: points of (latency, validation loss), their Pareto
// front and the best answer under a limit on it.
#include <optional>
#include <vector>

#include "core/search/latency_bound.h"
#include "core/space/gene.h"

namespace hat {

// An evaluated architecture joined with its latency on one device.
struct EvaluatedPoint {
    Gene gene;
    double validLoss = 0.0;
    std::optional<double> bleu;
    double latencyMs = 0.0, latencyUpperMs = 0.0;

    LatencyBound latency() const { return {latencyMs, latencyUpperMs}; }
};

// Lower envelope of (latency, loss): the points no other point beats on both, by latency.
std::vector<EvaluatedPoint> paretoFront(std::vector<EvaluatedPoint> points, bool useUpper = false);

// The lowest-loss member of a Pareto front (sorted by latency, as paretoFront returns it) within
// `limitMs`; none when even the fastest is over.
std::optional<EvaluatedPoint> bestOnFront(const std::vector<EvaluatedPoint>& front, double limitMs,
                                          bool useUpper = false);

// The limit on a device at `relative` (0 = the smallest SubTransformer's latency, 1 = the
// largest's).
double relativeLimitMs(double smallestMs, double largestMs, double relative);

}  // namespace hat

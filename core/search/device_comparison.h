#pragma once
// Devices side by side: the same design space searched for hardware whose latencies differ by
// orders of magnitude (a Raspberry Pi in seconds, a GPU in tens of milliseconds), compared at the
// same *relative* limit, so that "a third of the way from the smallest to the largest
// SubTransformer" means the same budget on every device.
#include <optional>
#include <string>
#include <vector>

#include "core/store/workspace_db.h"

namespace hat {

class Workspace;

struct DeviceComparisonRow {
    std::string device;
    double smallestMs = 0.0, largestMs = 0.0;  // predicted latency of the space's two ends
    double limitMs = 0.0;                      // smallestMs + relative × (largestMs − smallestMs)
    std::optional<EvaluatedPoint> best;        // lowest validation loss evaluated under limitMs
    std::vector<EvaluatedPoint> front;         // Pareto front of everything evaluated
    std::vector<EvaluatedPoint> points;        // everything evaluated, latency on this device
};

// The limit on a device at `relative` (0 = the smallest SubTransformer's latency, 1 = the largest's).
double relativeLimitMs(double smallestMs, double largestMs, double relative);

// The lowest-loss member of a Pareto front (sorted by latency, as paretoFront returns it) within
// `limitMs`; none when even the fastest is over.
std::optional<EvaluatedPoint> bestOnFront(const std::vector<EvaluatedPoint>& front, double limitMs,
                                          bool useUpper = false);

// One row per device, in the order given. Throws hat::Error for an unknown device or a relative
// limit outside [0, 1].
std::vector<DeviceComparisonRow> compareDevices(Workspace& ws, const std::vector<std::string>& devices,
                                                double relative, bool useUpper = false);

}  // namespace hat

#pragma once
// Devices side by side: the same design space searched for hardware whose latencies differ by
// orders of magnitude (a Raspberry Pi in seconds, a GPU in tens of milliseconds), compared at the
// same *relative* limit, so that "a third of the way from the smallest to the largest
// SubTransformer" means the same budget on every device.
#include <optional>
#include <string>
#include <vector>

#include "core/search/pareto.h"

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

// One row per device, in the order given. Throws hat::Error for an unknown device or a relative
// limit outside [0, 1].
std::vector<DeviceComparisonRow> compareDevices(Workspace& ws, const std::vector<std::string>& devices,
                                                double relative, bool useUpper = false);

}  // namespace hat

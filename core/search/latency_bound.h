#pragma once
// A predicted latency with the upper end of its 90% interval, and the one rule for "within the
// limit": the prediction, or with `useUpper` its upper end, is at most the limit. The store's
// queries use the same rule in SQL (latencyWithinSql); test_latency_bound checks that the two
// agree, including at the limit itself.
#include <string>

namespace hat {

struct LatencyBound {
    double ms = 0.0;       // predicted
    double upperMs = 0.0;  // upper end of the 90% interval

    // What a limit is compared with.
    double constrained(bool useUpper) const { return useUpper ? upperMs : ms; }
    bool within(double limitMs, bool useUpper) const { return constrained(useUpper) <= limitMs; }
};

// within() as an SQL condition over a row with columns `<table>.ms` and `<table>.upper_ms`, the
// limit a parameter to bind ("l.ms <= ?").
std::string latencyWithinSql(const std::string& table, bool useUpper);

}  // namespace hat

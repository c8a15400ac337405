#pragma once
// The evolution tests' stand-ins: a latency that grows with the parameter count (1 ms per
// million, the 90% upper end 10% above) and an observer that keeps every generation's report.
#include <vector>

#include "core/search/evolution.h"
#include "core/space/arch_metrics.h"
#include "support/fixtures.h"

namespace hat::test {

inline DesignSpace space0() { return DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml")); }

struct SizeLatency : LatencySource {
    DesignSpace space = space0();
    int calls = 0;
    LatencyBound latency(const Gene& g) override {
        ++calls;
        const double ms = hatParameterCount(geneToConfig(g, space), space.qkvDim) / 1e6;
        return {ms, ms * 1.1};
    }
};

struct Recorder : EvolutionObserver {
    std::vector<GenerationReport> reports;
    void onGeneration(const GenerationReport& r) override { reports.push_back(r); }
};

// The genes of two scored populations, member by member.
inline bool sameGenes(const std::vector<Candidate>& a, const std::vector<Candidate>& b) {
    if (a.size() != b.size()) return false;
    for (size_t k = 0; k < a.size(); ++k)
        if (a[k].gene != b[k].gene) return false;
    return true;
}

}  // namespace hat::test

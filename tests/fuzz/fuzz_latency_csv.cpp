// Fuzz target: latency datasets in HAT's CSV format, with or without our protocol columns
// (LatencyDataset::parse). An accepted dataset must write back to a CSV that reads as the same
// rows.
#include "core/latency/latency_dataset.h"
#include "fuzz_support.h"

using namespace hat;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text = fuzz::text(data, size);
    return fuzz::cleanly([&] {
        const LatencyDataset d = LatencyDataset::parse(text, "fuzz-latency.csv");
        (void)d.totalsMs();
        const LatencyDataset again = LatencyDataset::parse(d.toCsv(), "fuzz-roundtrip.csv");
        if (again.size() != d.size()) fuzz::finding("toCsv() round trip changed the row count");
        for (size_t i = 0; i < d.size(); ++i) {
            if (again.samples[i].gene != d.samples[i].gene) {
                fuzz::finding("toCsv() round trip changed a row's gene");
            }
        }
    });
}

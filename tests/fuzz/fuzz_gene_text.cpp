// Fuzz target: gene text as the workspace database and the settings store it ("640,512,6,...",
// geneFromText). Parsing must round-trip through geneToText; a gene that geneIsValid accepts for
// space0 must be usable as an architecture.
#include "core/space/design_space.h"
#include "core/space/gene.h"
#include "core/space/sub_config.h"
#include "fuzz_support.h"

using namespace hat;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text = fuzz::text(data, size);
    return fuzz::cleanly([&] {
        const Gene g = geneFromText(text);
        if (geneFromText(geneToText(g)) != g) fuzz::finding("geneToText() round trip changed the gene");
        const DesignSpace& space = fuzz::space0();
        if (!geneIsValid(g, space)) return;
        const SubConfig c = geneToConfig(g, space);
        (void)c.summary();
        if (!c.problems(space).empty()) fuzz::finding("a valid gene gives a config that does not fit: " + c.problems(space).front());
        if (!geneIsValid(canonicalGene(g, space), space)) fuzz::finding("the canonical gene of a valid gene is invalid");
    });
}

// Fuzz target: SubTransformer files, HAT's YAML and our JSON (core/space/subconfig_io), read
// with and without a space to check against. A config accepted against space0 must map to a
// valid gene and survive a round trip through our writer.
#include "core/space/arch_metrics.h"
#include "core/space/design_space.h"
#include "core/space/gene.h"
#include "core/space/sub_config.h"
#include "core/space/subconfig_io.h"
#include "fuzz_support.h"

using namespace hat;

namespace {

void use(const SubConfig& c, const DesignSpace* space) {
    (void)c.summary();
    (void)c.trimmed();
    if (!space) return;
    const Gene g = configToGene(c, *space);
    if (!geneIsValid(g, *space)) fuzz::finding("an accepted SubTransformer gives an invalid gene");
    (void)latencyFeatures(c);
    const SubConfig back = parseSubConfigYaml(subConfigToYaml(c), "fuzz-roundtrip.yml", space);
    if (!back.sameArchitecture(c)) fuzz::finding("subConfigToYaml() round trip changed the config");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text = fuzz::text(data, size);
    for (const DesignSpace* space : {&fuzz::space0(), static_cast<const DesignSpace*>(nullptr)}) {
        fuzz::cleanly([&] { use(parseSubConfigYaml(text, "fuzz-subtransformer.yml", space), space); });
        fuzz::cleanly([&] { use(parseSubConfigJson(text, "fuzz-subtransformer.json", space), space); });
    }
    return 0;
}

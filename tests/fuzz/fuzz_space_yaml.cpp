// Fuzz target: HAT's SuperTransformer/space YAML (DesignSpace::parseYaml). A space that is
// accepted must be usable the way the program uses one: its gene choices, its largest and
// smallest SubTransformers, and a lossless round trip through toYaml().
#include "core/space/design_space.h"
#include "core/space/gene.h"
#include "core/space/sub_config.h"
#include "fuzz_support.h"

using namespace hat;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text = fuzz::text(data, size);
    return fuzz::cleanly([&] {
        const DesignSpace space = DesignSpace::parseYaml(text, "fuzz-space.yml");
        if (space.geneChoices().size() != static_cast<size_t>(space.geneLength())) {
            fuzz::finding("geneChoices() and geneLength() disagree");
        }
        for (const SubConfig& c : {SubConfig::largest(space), SubConfig::smallest(space)}) {
            if (!c.problems(space).empty()) {
                fuzz::finding("an extreme SubTransformer of an accepted space does not fit it: " +
                              c.problems(space).front());
            }
            if (!geneIsValid(configToGene(c, space), space)) {
                fuzz::finding("the gene of an extreme SubTransformer is not valid in its space");
            }
        }
        const DesignSpace again = DesignSpace::parseYaml(space.toYaml(), "fuzz-space.yml");
        if (!(again == space)) fuzz::finding("toYaml() then parseYaml() changed the space");
    });
}

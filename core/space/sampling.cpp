#include "core/space/sampling.h"

#include "core/space/design_space.h"
#include "core/util/error.h"
#include "core/util/py_random.h"

namespace hat {

namespace {
// A space built in code rather than loaded may skip validate(); drawing from an empty choice list
// would divide by zero.
void requireChoices(const DesignSpace& space) {
    for (const auto* choices :
         {&space.encoderEmbedChoice, &space.decoderEmbedChoice, &space.encoderFfnChoice,
          &space.decoderFfnChoice, &space.encoderLayerNumChoice, &space.decoderLayerNumChoice,
          &space.encoderSelfHeadsChoice, &space.decoderSelfHeadsChoice,
          &space.decoderEndeHeadsChoice, &space.decoderArbitraryChoice}) {
        if (choices->empty()) fail(space.name, "cannot sample: the space has an empty choice list");
    }
}
}  // namespace

SubConfig sampleConfigHat(const DesignSpace& space, PyRandom& rng) {
    requireChoices(space);
    SubConfig c;
    // The exact draw order of HAT's utils.sample_configs.
    c.encoderEmbedDim = rng.choice(space.encoderEmbedChoice);
    c.decoderEmbedDim = rng.choice(space.decoderEmbedChoice);
    c.encoderLayerNum = rng.choice(space.encoderLayerNumChoice);
    c.decoderLayerNum = rng.choice(space.decoderLayerNumChoice);
    for (int i = 0; i < c.encoderLayerNum; ++i) {
        c.encoderFfnDim.push_back(rng.choice(space.encoderFfnChoice));
        c.encoderSelfHeads.push_back(rng.choice(space.encoderSelfHeadsChoice));
    }
    for (int i = 0; i < c.decoderLayerNum; ++i) {
        c.decoderFfnDim.push_back(rng.choice(space.decoderFfnChoice));
        c.decoderSelfHeads.push_back(rng.choice(space.decoderSelfHeadsChoice));
        c.decoderEndeHeads.push_back(rng.choice(space.decoderEndeHeadsChoice));
    }
    for (int i = 0; i < space.superDecoderLayers; ++i) {
        c.decoderArbitraryEndeAttn.push_back(rng.choice(space.decoderArbitraryChoice));
    }
    return c;
}

SubConfig sampleConfigHat(const DesignSpace& space, uint64_t seed) {
    PyRandom rng(seed);
    return sampleConfigHat(space, rng);
}

Gene sampleGene(const DesignSpace& space, std::mt19937_64& rng) {
    requireChoices(space);
    const auto choices = space.geneChoices();
    Gene g;
    g.reserve(choices.size());
    for (const auto& c : choices) {
        // Modulo of a 64-bit draw: the bias is below 2^-58 for our choice lists, and unlike
        // std::uniform_int_distribution the result is the same with every standard library.
        g.push_back(c[rng() % c.size()]);
    }
    return g;
}

}  // namespace hat

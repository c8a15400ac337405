#pragma once
// Random SubTransformers (HAT_SPEC §3, utils.sample_configs).
#include <cstdint>
#include <random>

#include "core/space/gene.h"
#include "core/space/sub_config.h"

namespace hat {

class PyRandom;

// HAT's sample_configs draw order with Python's generator: with a PyRandom seeded by s this equals
// HAT's sample_configs(reset_rand_seed=True, rand_seed=s) exactly. The arbitrary list has super
// length, the other lists the sampled layer counts.
SubConfig sampleConfigHat(const DesignSpace& space, PyRandom& rng);
SubConfig sampleConfigHat(const DesignSpace& space, uint64_t seed);

// Our own seeded sampling for everything else (search, datasets): uniform per gene position.
Gene sampleGene(const DesignSpace& space, std::mt19937_64& rng);

}  // namespace hat

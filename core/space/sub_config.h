#pragma once
// One SubTransformer spelled out per layer, in HAT's config form (HAT_SPEC §1). Per-layer lists
// may be longer than the layer count (HAT's gene2config yields super-length lists); only the first
// *LayerNum entries are used by the model, the features and the parameter count.
#include <string>
#include <vector>

namespace hat {

struct DesignSpace;

struct SubConfig {
    int encoderEmbedDim = 0;
    int encoderLayerNum = 0;
    std::vector<int> encoderFfnDim;
    std::vector<int> encoderSelfHeads;

    int decoderEmbedDim = 0;
    int decoderLayerNum = 0;
    std::vector<int> decoderFfnDim;
    std::vector<int> decoderSelfHeads;
    std::vector<int> decoderEndeHeads;
    std::vector<int> decoderArbitraryEndeAttn;  // -1, 1 or 2 per layer

    // The same architecture with every list cut to its layer count (HAT's SubTransformer YAML form).
    SubConfig trimmed() const;
    // Equal as architectures: same values on the used layers.
    bool sameArchitecture(const SubConfig& o) const;
    bool operator==(const SubConfig& o) const;

    // Empty when the config fits the space; otherwise one message per problem, each naming the
    // HAT key and the allowed values.
    std::vector<std::string> problems(const DesignSpace& space) const;
    // Throws hat::Error with the first problem, prefixed by `file` when given.
    void validate(const DesignSpace& space, const std::string& file = {}) const;

    // Short human summary, e.g. "enc 640x6 ffn~3072 | dec 512x3 ffn~2048 arb[-1,1,2]".
    std::string summary() const;

    static SubConfig largest(const DesignSpace& space);
    static SubConfig smallest(const DesignSpace& space);
};

}  // namespace hat

#pragma once
// A HAT design space: the SuperTransformer's sizes and the choices a SubTransformer may take
// (HAT_SPEC §1). Loaded from HAT's SuperTransformer/space YAML.
#include <string>
#include <vector>

namespace hat {

struct DesignSpace {
    std::string name;  // e.g. "space0"; the file stem when loaded from a file

    // SuperTransformer sizes (what the weights are built with).
    int superEncoderEmbedDim = 640;
    int superDecoderEmbedDim = 640;
    int superEncoderFfnDim = 3072;
    int superDecoderFfnDim = 3072;
    int superEncoderLayers = 6;
    int superDecoderLayers = 6;
    int superEncoderHeads = 8;
    int superDecoderHeads = 8;
    int qkvDim = 512;  // total Q/K/V width, fixed by the SuperTransformer

    // SubTransformer choices.
    std::vector<int> encoderEmbedChoice;
    std::vector<int> decoderEmbedChoice;
    std::vector<int> encoderFfnChoice;
    std::vector<int> decoderFfnChoice;
    std::vector<int> encoderLayerNumChoice;
    std::vector<int> decoderLayerNumChoice;
    std::vector<int> encoderSelfHeadsChoice;
    std::vector<int> decoderSelfHeadsChoice;
    std::vector<int> decoderEndeHeadsChoice;
    std::vector<int> decoderArbitraryChoice;

    // HAT's gene layout (HAT_SPEC §2): 4 + 2E + 4D positions.
    int geneLength() const { return 4 + 2 * superEncoderLayers + 4 * superDecoderLayers; }
    std::vector<std::vector<int>> geneChoices() const;

    // Throws hat::Error (naming `file`) when the space is inconsistent: empty choice lists,
    // choices larger than the super sizes, head counts that do not divide qkv_dim.
    void validate(const std::string& file = {}) const;

    // Reads HAT's space YAML (e.g. configs/wmt14.en-de/supertransformer/space0.yml).
    static DesignSpace loadYaml(const std::string& path);
    static DesignSpace parseYaml(const std::string& text, const std::string& file = {});
    std::string toYaml() const;
    bool operator==(const DesignSpace& o) const;
};

}  // namespace hat

#pragma once
// Small helpers shared by tests: fixture paths, JSON reading, HAT config dicts.
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "core/space/design_space.h"
#include "core/space/subconfig_io.h"

namespace hat::test {

inline std::string fixture(const std::string& rel) { return std::string(HAT_FIXTURES_DIR) + "/" + rel; }
inline std::string sourcePath(const std::string& rel) { return std::string(HAT_SOURCE_DIR) + "/" + rel; }

inline std::string readText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline nlohmann::json readJson(const std::string& path) { return nlohmann::json::parse(readText(path)); }

// HAT's config dict ({"encoder": {...}, "decoder": {...}}) as a SubConfig, lists kept as given.
inline SubConfig configFromJson(const nlohmann::json& j) {
    return parseSubConfigJson(j.dump(), "fixture", nullptr);
}

// The small SuperTransformer's space, from supernet_config.json's hat_args.
inline DesignSpace smallSpace() {
    const auto a = readJson(fixture("hat_parity/supernet_config.json"))["hat_args"];
    DesignSpace s;
    s.name = "small";
    s.superEncoderEmbedDim = a["encoder_embed_dim"];
    s.superDecoderEmbedDim = a["decoder_embed_dim"];
    s.superEncoderFfnDim = a["encoder_ffn_embed_dim"];
    s.superDecoderFfnDim = a["decoder_ffn_embed_dim"];
    s.superEncoderLayers = a["encoder_layers"];
    s.superDecoderLayers = a["decoder_layers"];
    s.superEncoderHeads = a["encoder_attention_heads"];
    s.superDecoderHeads = a["decoder_attention_heads"];
    s.qkvDim = a["qkv_dim"];
    s.encoderEmbedChoice = a["encoder_embed_choice"].get<std::vector<int>>();
    s.decoderEmbedChoice = a["decoder_embed_choice"].get<std::vector<int>>();
    s.encoderFfnChoice = a["encoder_ffn_embed_dim_choice"].get<std::vector<int>>();
    s.decoderFfnChoice = a["decoder_ffn_embed_dim_choice"].get<std::vector<int>>();
    s.encoderLayerNumChoice = a["encoder_layer_num_choice"].get<std::vector<int>>();
    s.decoderLayerNumChoice = a["decoder_layer_num_choice"].get<std::vector<int>>();
    s.encoderSelfHeadsChoice = a["encoder_self_attention_heads_choice"].get<std::vector<int>>();
    s.decoderSelfHeadsChoice = a["decoder_self_attention_heads_choice"].get<std::vector<int>>();
    s.decoderEndeHeadsChoice = a["decoder_ende_attention_heads_choice"].get<std::vector<int>>();
    s.decoderArbitraryChoice = a["decoder_arbitrary_ende_attn_choice"].get<std::vector<int>>();
    s.validate("supernet_config.json");
    return s;
}

// Catches hat::Error and returns its message ("" when nothing was thrown).
template <typename F>
std::string errorOf(F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return {};
}

}  // namespace hat::test

#include "core/space/subconfig_io.h"

#include <yaml-cpp/yaml.h>

#include <climits>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/space/design_space.h"
#include "core/util/error.h"
#include "core/util/input_file.h"

namespace hat {

namespace {

struct ScalarKey {
    const char* yaml;
    const char* json;  // key inside the "encoder"/"decoder" object of HAT's config dict
    bool encoder;
    int SubConfig::*member;
};
struct ListKey {
    const char* yaml;
    const char* json;
    bool encoder;
    std::vector<int> SubConfig::*member;
};

const ScalarKey kScalars[] = {
    {"encoder-embed-dim-subtransformer", "encoder_embed_dim", true, &SubConfig::encoderEmbedDim},
    {"decoder-embed-dim-subtransformer", "decoder_embed_dim", false, &SubConfig::decoderEmbedDim},
    {"encoder-layer-num-subtransformer", "encoder_layer_num", true, &SubConfig::encoderLayerNum},
    {"decoder-layer-num-subtransformer", "decoder_layer_num", false, &SubConfig::decoderLayerNum},
};
const ListKey kLists[] = {
    {"encoder-ffn-embed-dim-all-subtransformer", "encoder_ffn_embed_dim", true,
     &SubConfig::encoderFfnDim},
    {"decoder-ffn-embed-dim-all-subtransformer", "decoder_ffn_embed_dim", false,
     &SubConfig::decoderFfnDim},
    {"encoder-self-attention-heads-all-subtransformer", "encoder_self_attention_heads", true,
     &SubConfig::encoderSelfHeads},
    {"decoder-self-attention-heads-all-subtransformer", "decoder_self_attention_heads", false,
     &SubConfig::decoderSelfHeads},
    {"decoder-ende-attention-heads-all-subtransformer", "decoder_ende_attention_heads", false,
     &SubConfig::decoderEndeHeads},
    {"decoder-arbitrary-ende-attn-all-subtransformer", "decoder_arbitrary_ende_attn", false,
     &SubConfig::decoderArbitraryEndeAttn},
};

std::string knownYamlKeys() {
    std::string s;
    for (const auto& k : kScalars) s += std::string(s.empty() ? "" : ", ") + k.yaml;
    for (const auto& k : kLists) s += std::string(", ") + k.yaml;
    return s;
}

std::string readFile(const std::string& path) {
    return readSmallRegularFile(path, kMaxSubConfigFileBytes, "a SubTransformer file");
}

void checkSize(const std::string& text, const std::string& file) {
    if (text.size() > kMaxSubConfigFileBytes) {
        fail(file, "holds " + std::to_string(text.size()) +
                       " bytes, more than any SubTransformer file (at most " +
                       std::to_string(kMaxSubConfigFileBytes) + ")");
    }
}

// What a YAML node holds, for messages: its text when it is a scalar, else its shape.
std::string describe(const YAML::Node& node) {
    if (!node || node.IsNull()) return "nothing";
    if (node.IsSequence()) return "a list";
    if (node.IsMap()) return "a mapping";
    return "'" + shownText(node.Scalar()) + "'";
}

int yamlInteger(const YAML::Node& node, const std::string& file, const std::string& where) {
    if (node.IsScalar()) {
        try {
            return node.as<int>();
        } catch (const YAML::Exception&) {
            // falls through to the message below: not an integer, or outside int's range
        }
    }
    fail(file, where + ": expected an integer, got " + describe(node));
}

std::vector<int> yamlIntegers(const YAML::Node& node, const std::string& file,
                              const std::string& key) {
    if (!node.IsSequence()) {
        fail(file, "'" + key + "': expected a list of integers, got " + describe(node));
    }
    std::vector<int> values;
    for (const auto& entry : node) {
        values.push_back(
            yamlInteger(entry, file, "'" + key + "' entry " + std::to_string(values.size() + 1)));
    }
    return values;
}

// A JSON value for messages, cut short.
std::string describe(const nlohmann::json& value) {
    return std::string(value.type_name()) + " " + shownText(value.dump(), 40);
}

int jsonInteger(const nlohmann::json& value, const std::string& file, const std::string& where) {
    if (!value.is_number_integer()) {
        fail(file, where + ": expected an integer, got " + describe(value));
    }
    // nlohmann's get<int>() wraps a number that does not fit; refuse it instead.
    const bool fits = value.is_number_unsigned()
                          ? value.get<uint64_t>() <= static_cast<uint64_t>(INT_MAX)
                          : value.get<int64_t>() >= INT_MIN && value.get<int64_t>() <= INT_MAX;
    if (!fits) fail(file, where + ": " + value.dump() + " is out of range");
    return value.get<int>();
}

void finish(const SubConfig& c, const std::string& file, const DesignSpace* space) {
    if (c.encoderLayerNum <= 0) fail(file, "'encoder-layer-num-subtransformer' must be positive");
    if (c.decoderLayerNum <= 0) fail(file, "'decoder-layer-num-subtransformer' must be positive");
    if (space) c.validate(*space, file);
}

}  // namespace

SubConfig parseSubConfigYaml(const std::string& text, const std::string& file,
                             const DesignSpace* space) {
    checkSize(text, file);
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        fail(file, "not valid YAML: " + shownText(e.what(), 200));
    }
    if (!root.IsMap()) {
        fail(file, "expected a YAML mapping of SubTransformer keys, got " + describe(root));
    }
    for (const auto& item : root) {
        if (!item.first.IsScalar()) fail(file, "a key is " + describe(item.first) + ", not a name");
        const std::string key = item.first.Scalar();
        bool known = false;
        for (const auto& k : kScalars) known = known || key == k.yaml;
        for (const auto& k : kLists) known = known || key == k.yaml;
        if (!known) {
            fail(file, "unknown key '" + shownText(key) + "' (expected: " + knownYamlKeys() + ")");
        }
    }
    SubConfig c;
    for (const auto& k : kScalars) {
        const YAML::Node v = root[k.yaml];
        if (!v) fail(file, std::string("missing key '") + k.yaml + "'");
        c.*k.member = yamlInteger(v, file, std::string("'") + k.yaml + "'");
    }
    for (const auto& k : kLists) {
        const YAML::Node v = root[k.yaml];
        if (!v) fail(file, std::string("missing key '") + k.yaml + "'");
        c.*k.member = yamlIntegers(v, file, k.yaml);
        // HAT writes every list cut to the layer count; anything else is a hand edit gone wrong.
        const int layers = k.encoder ? c.encoderLayerNum : c.decoderLayerNum;
        const int n = static_cast<int>((c.*k.member).size());
        if (n != layers) {
            fail(file, std::string("'") + k.yaml + "' has " + std::to_string(n) +
                           " entries, the layer count is " + std::to_string(layers));
        }
    }
    finish(c, file, space);
    return c;
}

SubConfig loadSubConfigYaml(const std::string& path, const DesignSpace* space) {
    return parseSubConfigYaml(readFile(path), path, space);
}

std::string subConfigToYaml(const SubConfig& config) {
    const SubConfig c = config.trimmed();
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "encoder-embed-dim-subtransformer" << YAML::Value << c.encoderEmbedDim;
    out << YAML::Key << "decoder-embed-dim-subtransformer" << YAML::Value << c.decoderEmbedDim;
    out << YAML::Newline;
    out << YAML::Key << "encoder-ffn-embed-dim-all-subtransformer" << YAML::Value << YAML::Flow
        << c.encoderFfnDim;
    out << YAML::Key << "decoder-ffn-embed-dim-all-subtransformer" << YAML::Value << YAML::Flow
        << c.decoderFfnDim;
    out << YAML::Newline;
    out << YAML::Key << "encoder-layer-num-subtransformer" << YAML::Value << c.encoderLayerNum;
    out << YAML::Key << "decoder-layer-num-subtransformer" << YAML::Value << c.decoderLayerNum;
    out << YAML::Newline;
    out << YAML::Key << "encoder-self-attention-heads-all-subtransformer" << YAML::Value
        << YAML::Flow << c.encoderSelfHeads;
    out << YAML::Key << "decoder-self-attention-heads-all-subtransformer" << YAML::Value
        << YAML::Flow << c.decoderSelfHeads;
    out << YAML::Key << "decoder-ende-attention-heads-all-subtransformer" << YAML::Value
        << YAML::Flow << c.decoderEndeHeads;
    out << YAML::Newline;
    out << YAML::Key << "decoder-arbitrary-ende-attn-all-subtransformer" << YAML::Value
        << YAML::Flow << c.decoderArbitraryEndeAttn;
    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

SubConfig parseSubConfigJson(const std::string& text, const std::string& file,
                             const DesignSpace* space) {
    checkSize(text, file);
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        fail(file, "not valid JSON: " + shownText(e.what(), 200));
    }
    // Accept both HAT's config dict and an object that wraps it under "config".
    if (j.is_object() && j.contains("config") && !j.contains("encoder")) j = j["config"];
    if (!j.is_object() || !j.contains("encoder") || !j.contains("decoder")) {
        fail(file, "expected HAT's config dict {\"encoder\": {...}, \"decoder\": {...}}");
    }
    for (const char* side : {"encoder", "decoder"}) {
        if (!j[side].is_object()) {
            fail(file, std::string("'") + side + "': expected an object, got " + describe(j[side]));
        }
    }
    SubConfig c;
    for (const auto& k : kScalars) {
        const auto& side = j[k.encoder ? "encoder" : "decoder"];
        if (!side.contains(k.json)) fail(file, std::string("missing key '") + k.json + "'");
        c.*k.member = jsonInteger(side[k.json], file, std::string("'") + k.json + "'");
    }
    for (const auto& k : kLists) {
        const auto& side = j[k.encoder ? "encoder" : "decoder"];
        if (!side.contains(k.json)) fail(file, std::string("missing key '") + k.json + "'");
        const auto& list = side[k.json];
        if (!list.is_array()) {
            fail(file, std::string("'") + k.json + "': expected a list of integers, got " +
                           describe(list));
        }
        auto& values = c.*k.member;
        values.clear();
        for (const auto& entry : list) {
            values.push_back(jsonInteger(
                entry, file, std::string("'") + k.json + "' entry " + std::to_string(values.size() + 1)));
        }
        const int layers = k.encoder ? c.encoderLayerNum : c.decoderLayerNum;
        if (static_cast<int>(values.size()) < layers) {
            fail(file, std::string("'") + k.json + "' has " + std::to_string(values.size()) +
                           " entries, the layer count is " + std::to_string(layers));
        }
    }
    finish(c, file, space);
    return c;
}

std::string subConfigToJson(const SubConfig& c, int indent) {
    nlohmann::json j;
    for (const auto& k : kScalars) j[k.encoder ? "encoder" : "decoder"][k.json] = c.*k.member;
    for (const auto& k : kLists) j[k.encoder ? "encoder" : "decoder"][k.json] = c.*k.member;
    return j.dump(indent) + "\n";
}

SubConfig loadSubConfig(const std::string& path, const DesignSpace* space) {
    const std::string ext = std::filesystem::path(path).extension().string();
    if (ext == ".json") return parseSubConfigJson(readFile(path), path, space);
    return loadSubConfigYaml(path, space);
}

}  // namespace hat

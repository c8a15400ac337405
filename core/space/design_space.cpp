#include "core/space/design_space.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "core/util/error.h"
#include "core/util/input_file.h"

namespace hat {

namespace {

// Keys of HAT's SuperTransformer YAML that describe training, data or evaluation rather than the
// space. They are accepted and ignored so HAT's own files load unchanged.
const std::set<std::string>& ignoredHatKeys() {
    static const std::set<std::string> keys = {
        "arch", "share-all-embeddings", "share-decoder-input-output-embed", "max-tokens", "data",
        "source-lang", "target-lang", "optimizer", "adam-betas", "clip-norm", "lr-scheduler",
        "warmup-init-lr", "warmup-updates", "lr", "lr-shrink", "min-lr", "max-lr", "cosine-t-mult",
        "lr-period-updates", "max-update", "max-epoch", "criterion", "label-smoothing", "dropout",
        "attention-dropout", "activation-dropout", "weight-decay", "update-freq", "keep-last-epochs",
        "save-interval", "save-interval-updates", "validate-interval", "no-epoch-checkpoints",
        "fp16", "ddp-backend", "sentence-avg", "encoder-normalize-before",
        "decoder-normalize-before", "activation-fn", "max-relative-length", "seed",
        "train-subset", "valid-subset", "log-interval", "log-format", "tensorboard-logdir",
        "distributed-world-size", "num-workers", "get-attn", "save-dir", "restore-file",
        "reset-optimizer", "task", "encoder-learned-pos", "decoder-learned-pos",
        "vocab-original-scaling", "left-pad-source", "left-pad-target", "max-source-positions",
        "max-target-positions", "skip-invalid-size-inputs-valid-test", "train-subtransformer",
        "sub-configs", "evo-configs", "lat-config", "latcpu", "latgpu", "latiter",
        "latency-constraint", "evo-iter", "population-size", "parent-size", "mutation-size",
        "crossover-size", "mutation-prob", "ckpt-path", "feature-norm", "lat-norm",
        "feature-dim", "hidden-dim", "hidden-layer-num", "write-config-path", "latency-compare",
        "profile-latency", "profile-flops", "beam", "lenpen", "remove-bpe", "qkv-dim-choice"};
    return keys;
}

struct ChoiceKey {
    const char* key;
    std::vector<int> DesignSpace::*member;
};
const ChoiceKey kChoiceKeys[] = {
    {"encoder-embed-choice", &DesignSpace::encoderEmbedChoice},
    {"decoder-embed-choice", &DesignSpace::decoderEmbedChoice},
    {"encoder-ffn-embed-dim-choice", &DesignSpace::encoderFfnChoice},
    {"decoder-ffn-embed-dim-choice", &DesignSpace::decoderFfnChoice},
    {"encoder-layer-num-choice", &DesignSpace::encoderLayerNumChoice},
    {"decoder-layer-num-choice", &DesignSpace::decoderLayerNumChoice},
    {"encoder-self-attention-heads-choice", &DesignSpace::encoderSelfHeadsChoice},
    {"decoder-self-attention-heads-choice", &DesignSpace::decoderSelfHeadsChoice},
    {"decoder-ende-attention-heads-choice", &DesignSpace::decoderEndeHeadsChoice},
    {"decoder-arbitrary-ende-attn-choice", &DesignSpace::decoderArbitraryChoice},
};

struct SizeKey {
    const char* key;
    int DesignSpace::*member;
};
const SizeKey kSizeKeys[] = {
    {"encoder-embed-dim", &DesignSpace::superEncoderEmbedDim},
    {"decoder-embed-dim", &DesignSpace::superDecoderEmbedDim},
    {"encoder-ffn-embed-dim", &DesignSpace::superEncoderFfnDim},
    {"decoder-ffn-embed-dim", &DesignSpace::superDecoderFfnDim},
    {"encoder-layers", &DesignSpace::superEncoderLayers},
    {"decoder-layers", &DesignSpace::superDecoderLayers},
    {"encoder-attention-heads", &DesignSpace::superEncoderHeads},
    {"decoder-attention-heads", &DesignSpace::superDecoderHeads},
    {"qkv-dim", &DesignSpace::qkvDim},
};

int maxOf(const std::vector<int>& v) { return *std::max_element(v.begin(), v.end()); }

std::string allowedKeysText() {
    std::string out;
    for (const auto& k : kSizeKeys) out += std::string(out.empty() ? "" : ", ") + k.key;
    for (const auto& k : kChoiceKeys) out += std::string(", ") + k.key;
    return out;
}

// Sane maxima, an order of magnitude above HAT's largest spaces (6 layers, 640 wide, FFN 3072,
// 8 heads, 6 choices per list): a typo or a hostile file such as `decoder-layers: 2000000000`
// is refused here instead of allocating gigabytes for gene choices and weights.
constexpr int kMaxLayers = 64;
constexpr int kMaxEmbedDim = 8192;
constexpr int kMaxFfnDim = 32768;
constexpr int kMaxHeads = 128;
constexpr size_t kMaxChoices = 64;

int maximumOf(int DesignSpace::*member) {
    if (member == &DesignSpace::superEncoderLayers || member == &DesignSpace::superDecoderLayers) {
        return kMaxLayers;
    }
    if (member == &DesignSpace::superEncoderFfnDim || member == &DesignSpace::superDecoderFfnDim) {
        return kMaxFfnDim;
    }
    if (member == &DesignSpace::superEncoderHeads || member == &DesignSpace::superDecoderHeads) {
        return kMaxHeads;
    }
    return kMaxEmbedDim;  // embed dims and qkv-dim
}

// What a YAML node holds, for messages: its text when it is a scalar, else its shape.
std::string describe(const YAML::Node& node) {
    if (!node || node.IsNull()) return "nothing";
    if (node.IsSequence()) return "a list";
    if (node.IsMap()) return "a mapping";
    return "'" + shownText(node.Scalar()) + "'";
}

int integerValue(const YAML::Node& node, const std::string& file, const std::string& where) {
    if (node.IsScalar()) {
        try {
            return node.as<int>();
        } catch (const YAML::Exception&) {
            // falls through to the message below: not an integer, or outside int's range
        }
    }
    fail(file, where + ": expected an integer, got " + describe(node));
}

std::vector<int> integerList(const YAML::Node& node, const std::string& file,
                             const std::string& key) {
    if (!node.IsSequence()) {
        fail(file, "'" + key + "': expected a list of integers, got " + describe(node));
    }
    if (node.size() > kMaxChoices) {
        fail(file, "'" + key + "' lists " + std::to_string(node.size()) + " choices, at most " +
                       std::to_string(kMaxChoices) + " are allowed");
    }
    std::vector<int> values;
    size_t position = 0;
    for (const auto& entry : node) {
        values.push_back(integerValue(entry, file, "'" + key + "' entry " + std::to_string(++position)));
    }
    return values;
}

}  // namespace

std::vector<std::vector<int>> DesignSpace::geneChoices() const {
    std::vector<std::vector<int>> g;
    g.push_back(encoderEmbedChoice);
    g.push_back(encoderLayerNumChoice);
    for (int i = 0; i < superEncoderLayers; ++i) g.push_back(encoderFfnChoice);
    for (int i = 0; i < superEncoderLayers; ++i) g.push_back(encoderSelfHeadsChoice);
    g.push_back(decoderEmbedChoice);
    g.push_back(decoderLayerNumChoice);
    for (int i = 0; i < superDecoderLayers; ++i) g.push_back(decoderFfnChoice);
    for (int i = 0; i < superDecoderLayers; ++i) g.push_back(decoderSelfHeadsChoice);
    for (int i = 0; i < superDecoderLayers; ++i) g.push_back(decoderEndeHeadsChoice);
    for (int i = 0; i < superDecoderLayers; ++i) g.push_back(decoderArbitraryChoice);
    return g;
}

void DesignSpace::validate(const std::string& file) const {
    for (const auto& k : kChoiceKeys) {
        if ((this->*k.member).empty()) fail(file, std::string("missing or empty '") + k.key + "'");
        if ((this->*k.member).size() > kMaxChoices) {
            fail(file, std::string("'") + k.key + "' lists " +
                           std::to_string((this->*k.member).size()) + " choices, at most " +
                           std::to_string(kMaxChoices) + " are allowed");
        }
    }
    // Choices beyond any supported size are named by their own key: the super size may have been
    // defaulted from them, and a message about a key the file does not hold would mislead.
    auto checkSupported = [&](const std::vector<int>& choice, int DesignSpace::*superMember,
                              const char* key) {
        for (int v : choice) {
            if (v > maximumOf(superMember)) {
                fail(file, std::string("'") + key + "' value " + std::to_string(v) +
                               " is more than the " + std::to_string(maximumOf(superMember)) +
                               " this program supports");
            }
        }
    };
    checkSupported(encoderEmbedChoice, &DesignSpace::superEncoderEmbedDim, "encoder-embed-choice");
    checkSupported(decoderEmbedChoice, &DesignSpace::superDecoderEmbedDim, "decoder-embed-choice");
    checkSupported(encoderFfnChoice, &DesignSpace::superEncoderFfnDim,
                   "encoder-ffn-embed-dim-choice");
    checkSupported(decoderFfnChoice, &DesignSpace::superDecoderFfnDim,
                   "decoder-ffn-embed-dim-choice");
    checkSupported(encoderLayerNumChoice, &DesignSpace::superEncoderLayers,
                   "encoder-layer-num-choice");
    checkSupported(decoderLayerNumChoice, &DesignSpace::superDecoderLayers,
                   "decoder-layer-num-choice");
    checkSupported(encoderSelfHeadsChoice, &DesignSpace::superEncoderHeads,
                   "encoder-self-attention-heads-choice");
    checkSupported(decoderSelfHeadsChoice, &DesignSpace::superDecoderHeads,
                   "decoder-self-attention-heads-choice");
    checkSupported(decoderEndeHeadsChoice, &DesignSpace::superDecoderHeads,
                   "decoder-ende-attention-heads-choice");
    for (const auto& k : kSizeKeys) {
        const int value = this->*k.member;
        if (value <= 0) {
            fail(file, std::string("'") + k.key + "' is " + std::to_string(value) +
                           ", it must be positive");
        }
        if (value > maximumOf(k.member)) {
            fail(file, std::string("'") + k.key + "' is " + std::to_string(value) +
                           ", more than the " + std::to_string(maximumOf(k.member)) +
                           " this program supports");
        }
    }
    auto checkMax = [&](const std::vector<int>& choice, int superValue, const char* key,
                        const char* superKey) {
        for (int v : choice) {
            if (v <= 0 || v > superValue) {
                fail(file, std::string("'") + key + "' value " + std::to_string(v) +
                               " must be in 1.." + std::to_string(superValue) + " ('" + superKey +
                               "')");
            }
        }
    };
    checkMax(encoderEmbedChoice, superEncoderEmbedDim, "encoder-embed-choice", "encoder-embed-dim");
    checkMax(decoderEmbedChoice, superDecoderEmbedDim, "decoder-embed-choice", "decoder-embed-dim");
    checkMax(encoderFfnChoice, superEncoderFfnDim, "encoder-ffn-embed-dim-choice",
             "encoder-ffn-embed-dim");
    checkMax(decoderFfnChoice, superDecoderFfnDim, "decoder-ffn-embed-dim-choice",
             "decoder-ffn-embed-dim");
    checkMax(encoderLayerNumChoice, superEncoderLayers, "encoder-layer-num-choice",
             "encoder-layers");
    checkMax(decoderLayerNumChoice, superDecoderLayers, "decoder-layer-num-choice",
             "decoder-layers");
    for (const auto* list : {&encoderSelfHeadsChoice, &decoderSelfHeadsChoice,
                             &decoderEndeHeadsChoice}) {
        for (int h : *list) {
            if (h <= 0 || qkvDim % h != 0) {
                fail(file, "head count " + std::to_string(h) + " does not divide qkv-dim " +
                               std::to_string(qkvDim));
            }
        }
    }
    for (int a : decoderArbitraryChoice) {
        if (a != -1 && a != 1 && a != 2) {
            fail(file, "'decoder-arbitrary-ende-attn-choice' value " + std::to_string(a) +
                           " not allowed (allowed: -1, 1, 2)");
        }
    }
    // HAT's arbitrary attention reads the last 1..3 encoder layers of the super-length list.
    if (superEncoderLayers < 3 && std::count(decoderArbitraryChoice.begin(),
                                             decoderArbitraryChoice.end(), 2) > 0) {
        fail(file, "arbitrary attention 2 needs at least 3 encoder layers");
    }
}

DesignSpace DesignSpace::parseYaml(const std::string& text, const std::string& file) {
    // Stored spaces (a checkpoint's, a workspace's) come here without loadYaml's size check.
    if (text.size() > kMaxSpaceFileBytes) {
        fail(file, "holds " + std::to_string(text.size()) + " bytes, more than any design space (at most " +
                       std::to_string(kMaxSpaceFileBytes) + ")");
    }
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        fail(file, "not valid YAML: " + shownText(e.what(), 200));
    }
    if (!root.IsMap()) {
        fail(file, "expected a YAML mapping of HAT space keys, got " + describe(root));
    }

    DesignSpace s;
    s.name = file.empty() ? "space" : std::filesystem::path(file).stem().string();
    std::set<std::string> seen, seenSizes;
    for (const auto& item : root) {
        if (!item.first.IsScalar()) fail(file, "a key is " + describe(item.first) + ", not a name");
        const std::string key = item.first.Scalar();
        const YAML::Node& value = item.second;
        bool known = false;
        for (const auto& k : kChoiceKeys) {
            if (key != k.key) continue;
            known = true;
            s.*k.member = integerList(value, file, key);
        }
        for (const auto& k : kSizeKeys) {
            if (key != k.key) continue;
            known = true;
            s.*k.member = integerValue(value, file, "'" + key + "'");
            seenSizes.insert(key);
        }
        if (key == "name") {
            known = true;
            if (!value.IsScalar()) fail(file, "'name': expected a name, got " + describe(value));
            s.name = value.Scalar();
        }
        if (!known && !ignoredHatKeys().count(key)) {
            fail(file, "unknown key '" + shownText(key) + "' (space keys: " + allowedKeysText() + ")");
        }
        // yaml-cpp keeps both of two equal keys; which one counts would be an accident.
        if (known && !seen.insert(key).second) fail(file, "'" + key + "' is given twice");
    }
    for (const auto& k : kChoiceKeys) {
        if ((s.*k.member).empty()) fail(file, std::string("missing key '") + k.key + "'");
    }
    // Super sizes default to the largest choice, as HAT's arch defaults do for its own spaces;
    // qkv-dim defaults to the super embed dim (HAT_SPEC §4).
    auto defaultTo = [&](const char* key, int& member, int value) {
        if (!seenSizes.count(key)) member = value;
    };
    defaultTo("encoder-embed-dim", s.superEncoderEmbedDim, maxOf(s.encoderEmbedChoice));
    defaultTo("decoder-embed-dim", s.superDecoderEmbedDim, maxOf(s.decoderEmbedChoice));
    defaultTo("encoder-ffn-embed-dim", s.superEncoderFfnDim, maxOf(s.encoderFfnChoice));
    defaultTo("decoder-ffn-embed-dim", s.superDecoderFfnDim, maxOf(s.decoderFfnChoice));
    defaultTo("encoder-layers", s.superEncoderLayers, maxOf(s.encoderLayerNumChoice));
    defaultTo("decoder-layers", s.superDecoderLayers, maxOf(s.decoderLayerNumChoice));
    defaultTo("encoder-attention-heads", s.superEncoderHeads, maxOf(s.encoderSelfHeadsChoice));
    defaultTo("decoder-attention-heads", s.superDecoderHeads,
              std::max(maxOf(s.decoderSelfHeadsChoice), maxOf(s.decoderEndeHeadsChoice)));
    defaultTo("qkv-dim", s.qkvDim, s.superEncoderEmbedDim);
    s.validate(file);
    return s;
}

DesignSpace DesignSpace::loadYaml(const std::string& path) {
    return parseYaml(readSmallRegularFile(path, kMaxSpaceFileBytes, "a design space"), path);
}

std::string DesignSpace::toYaml() const {
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << name;
    for (const auto& k : kSizeKeys) out << YAML::Key << k.key << YAML::Value << this->*k.member;
    for (const auto& k : kChoiceKeys) {
        out << YAML::Key << k.key << YAML::Value << YAML::Flow << this->*k.member;
    }
    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

bool DesignSpace::operator==(const DesignSpace& o) const {
    for (const auto& k : kSizeKeys) {
        if (this->*k.member != o.*k.member) return false;
    }
    for (const auto& k : kChoiceKeys) {
        if (this->*k.member != o.*k.member) return false;
    }
    return true;
}

}  // namespace hat

#include "core/space/design_space.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/util/error.h"

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
    }
    for (const auto& k : kSizeKeys) {
        if (this->*k.member <= 0) fail(file, std::string("'") + k.key + "' must be positive");
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
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        fail(file, std::string("not valid YAML: ") + e.what());
    }
    if (!root.IsMap()) fail(file, "expected a YAML mapping of HAT space keys");

    DesignSpace s;
    s.name = file.empty() ? "space" : std::filesystem::path(file).stem().string();
    std::set<std::string> seenSizes;
    for (const auto& item : root) {
        const std::string key = item.first.as<std::string>();
        const YAML::Node& value = item.second;
        bool known = false;
        try {
            for (const auto& k : kChoiceKeys) {
                if (key != k.key) continue;
                known = true;
                if (!value.IsSequence()) fail(file, "'" + key + "' must be a list of integers");
                s.*k.member = value.as<std::vector<int>>();
            }
            for (const auto& k : kSizeKeys) {
                if (key != k.key) continue;
                known = true;
                s.*k.member = value.as<int>();
                seenSizes.insert(key);
            }
        } catch (const YAML::Exception&) {
            fail(file, "'" + key + "' must hold integers");
        }
        if (key == "name") {
            known = true;
            s.name = value.as<std::string>();
        }
        if (!known && !ignoredHatKeys().count(key)) {
            fail(file, "unknown key '" + key + "' (space keys: " + allowedKeysText() + ")");
        }
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
    std::ifstream in(path);
    if (!in) fail(path, "cannot open file");
    std::stringstream ss;
    ss << in.rdbuf();
    return parseYaml(ss.str(), path);
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

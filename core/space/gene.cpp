#include "core/space/gene.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <limits>

#include "core/space/design_space.h"
#include "core/space/sub_config.h"
#include "core/util/error.h"

namespace hat {

namespace {

// Slot i of a per-layer list in config2gene: entry i for used layers, entry 0 otherwise.
int slot(const std::vector<int>& list, int i, int used) {
    if (list.empty()) throw Error("config has an empty per-layer list");
    return (i < used && i < static_cast<int>(list.size())) ? list[i] : list[0];
}

// What position k of a gene of `space` holds, in configToGene's layout, for messages.
std::string positionName(size_t k, const DesignSpace& space) {
    const size_t E = static_cast<size_t>(space.superEncoderLayers);
    const size_t D = static_cast<size_t>(space.superDecoderLayers);
    auto layer = [](const char* side, size_t i, const char* what) {
        return std::string(side) + " layer " + std::to_string(i + 1) + " " + what;
    };
    if (k < 2) return k == 0 ? "encoder embed dim" : "encoder layer count";
    k -= 2;
    if (k < E) return layer("encoder", k, "FFN dim");
    k -= E;
    if (k < E) return layer("encoder", k, "self-attention heads");
    k -= E;
    if (k < 2) return k == 0 ? "decoder embed dim" : "decoder layer count";
    k -= 2;
    if (D == 0) return "position " + std::to_string(k + 4 + 2 * E);  // past a space's gene: no name
    const char* decoderParts[] = {"FFN dim", "self-attention heads", "encoder-decoder heads",
                                  "arbitrary encoder-decoder attention"};
    return layer("decoder", k % D, decoderParts[std::min<size_t>(k / D, 3)]);
}

}  // namespace

Gene configToGene(const SubConfig& c, const DesignSpace& space) {
    const int E = space.superEncoderLayers;
    const int D = space.superDecoderLayers;
    Gene g;
    g.reserve(space.geneLength());
    g.push_back(c.encoderEmbedDim);
    g.push_back(c.encoderLayerNum);
    for (int i = 0; i < E; ++i) g.push_back(slot(c.encoderFfnDim, i, c.encoderLayerNum));
    for (int i = 0; i < E; ++i) g.push_back(slot(c.encoderSelfHeads, i, c.encoderLayerNum));
    g.push_back(c.decoderEmbedDim);
    g.push_back(c.decoderLayerNum);
    for (int i = 0; i < D; ++i) g.push_back(slot(c.decoderFfnDim, i, c.decoderLayerNum));
    for (int i = 0; i < D; ++i) g.push_back(slot(c.decoderSelfHeads, i, c.decoderLayerNum));
    for (int i = 0; i < D; ++i) g.push_back(slot(c.decoderEndeHeads, i, c.decoderLayerNum));
    // HAT copies the arbitrary list whole (it must have super length there).
    for (int i = 0; i < D; ++i) g.push_back(slot(c.decoderArbitraryEndeAttn, i, D));
    return g;
}

SubConfig geneToConfig(const Gene& g, const DesignSpace& space) {
    const int E = space.superEncoderLayers;
    const int D = space.superDecoderLayers;
    if (static_cast<int>(g.size()) != space.geneLength()) {
        throw Error("gene has " + std::to_string(g.size()) + " positions, the space needs " +
                    std::to_string(space.geneLength()));
    }
    auto it = g.begin();
    auto take = [&](int n) {
        std::vector<int> v(it, it + n);
        it += n;
        return v;
    };
    SubConfig c;
    c.encoderEmbedDim = *it++;
    c.encoderLayerNum = *it++;
    c.encoderFfnDim = take(E);
    c.encoderSelfHeads = take(E);
    c.decoderEmbedDim = *it++;
    c.decoderLayerNum = *it++;
    c.decoderFfnDim = take(D);
    c.decoderSelfHeads = take(D);
    c.decoderEndeHeads = take(D);
    c.decoderArbitraryEndeAttn = take(D);
    return c;
}

Gene canonicalGene(const Gene& gene, const DesignSpace& space) {
    SubConfig c = geneToConfig(gene, space);
    // Arbitrary slots past the decoder depth do not change the model either.
    for (int i = c.decoderLayerNum; i < static_cast<int>(c.decoderArbitraryEndeAttn.size()); ++i) {
        c.decoderArbitraryEndeAttn[i] = c.decoderArbitraryEndeAttn[0];
    }
    return configToGene(c, space);
}

bool geneIsValid(const Gene& gene, const DesignSpace& space) {
    const auto choices = space.geneChoices();
    if (gene.size() != choices.size()) return false;
    for (size_t k = 0; k < gene.size(); ++k) {
        if (std::find(choices[k].begin(), choices[k].end(), gene[k]) == choices[k].end()) {
            return false;
        }
    }
    return true;
}

void validateGene(const Gene& gene, const DesignSpace& space) {
    const auto choices = space.geneChoices();
    std::string text = geneToText(gene);
    if (text.size() > 60) text = text.substr(0, 60) + "...";
    if (gene.size() != choices.size()) {
        throw Error("gene '" + text + "' has " + std::to_string(gene.size()) + " positions, the space's genes have " +
                    std::to_string(choices.size()));
    }
    for (size_t k = 0; k < gene.size(); ++k) {
        if (std::find(choices[k].begin(), choices[k].end(), gene[k]) == choices[k].end()) {
            throw Error("gene '" + text + "': " + positionName(k, space) + " " + std::to_string(gene[k]) +
                        " is not in the space (" + joinValues(choices[k]) + ")");
        }
    }
}

std::string geneToText(const Gene& gene) {
    std::string s;
    for (size_t i = 0; i < gene.size(); ++i) s += (i ? "," : "") + std::to_string(gene[i]);
    return s;
}

Gene geneFromText(const std::string& text) {
    Gene g;
    if (text.empty()) return g;  // geneToText of the empty gene
    size_t start = 0;
    while (start <= text.size()) {
        const size_t end = std::min(text.find(',', start), text.size());
        const std::string item = text.substr(start, end - start);
        char* stop = nullptr;
        errno = 0;
        const long v = std::strtol(item.c_str(), &stop, 10);
        const bool digitFirst = !item.empty() && (std::isdigit(static_cast<unsigned char>(item[0])) || item[0] == '-');
        if (!digitFirst || *stop != '\0' || errno == ERANGE || v < std::numeric_limits<int>::min() ||
            v > std::numeric_limits<int>::max()) {
            throw Error("gene '" + text.substr(0, 80) + "': '" + item.substr(0, 20) +
                        "' is not an integer");
        }
        g.push_back(static_cast<int>(v));
        start = end + 1;
    }
    return g;
}

}  // namespace hat

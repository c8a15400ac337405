#include "core/space/sub_config.h"

#include <algorithm>
#include <numeric>
#include <cstdio>
#include <sstream>

#include "core/space/design_space.h"
#include "core/util/error.h"

namespace hat {

namespace {

std::vector<int> head(const std::vector<int>& v, int n) {
    return std::vector<int>(v.begin(), v.begin() + std::min<size_t>(v.size(), std::max(n, 0)));
}

bool contains(const std::vector<int>& choices, int v) {
    return std::find(choices.begin(), choices.end(), v) != choices.end();
}

void checkValue(std::vector<std::string>& out, const char* key, int value,
                const std::vector<int>& allowed) {
    if (!contains(allowed, value)) {
        out.push_back("'" + std::string(key) + "' value " + std::to_string(value) +
                      " is not in the space (allowed: " + joinValues(allowed) + ")");
    }
}

void checkList(std::vector<std::string>& out, const char* key, const std::vector<int>& list,
               int layers, const std::vector<int>& allowed) {
    if (static_cast<int>(list.size()) < layers) {
        out.push_back("'" + std::string(key) + "' has " + std::to_string(list.size()) +
                      " entries but the layer count is " + std::to_string(layers));
        return;
    }
    for (int i = 0; i < layers; ++i) {
        if (!contains(allowed, list[i])) {
            out.push_back("'" + std::string(key) + "' layer " + std::to_string(i) + " value " +
                          std::to_string(list[i]) + " is not in the space (allowed: " +
                          joinValues(allowed) + ")");
        }
    }
}

double meanOf(const std::vector<int>& v, int n) {
    if (n <= 0) return 0;
    return std::accumulate(v.begin(), v.begin() + n, 0.0) / n;
}

// A mean for people: whole numbers as they are, others with one decimal ("2901.3", "4.7").
std::string shortMean(const std::vector<int>& v, int n) {
    const double m = meanOf(v, n);
    char buf[32];
    std::snprintf(buf, sizeof(buf), m == static_cast<long long>(m) ? "%.0f" : "%.1f", m);
    return buf;
}

int pickArbitrary(const DesignSpace& space) {
    // HAT validates training on all-max / all-min configs with arbitrary attention 1 everywhere.
    return contains(space.decoderArbitraryChoice, 1) ? 1 : space.decoderArbitraryChoice.front();
}

}  // namespace

SubConfig SubConfig::trimmed() const {
    SubConfig c = *this;
    c.encoderFfnDim = head(encoderFfnDim, encoderLayerNum);
    c.encoderSelfHeads = head(encoderSelfHeads, encoderLayerNum);
    c.decoderFfnDim = head(decoderFfnDim, decoderLayerNum);
    c.decoderSelfHeads = head(decoderSelfHeads, decoderLayerNum);
    c.decoderEndeHeads = head(decoderEndeHeads, decoderLayerNum);
    c.decoderArbitraryEndeAttn = head(decoderArbitraryEndeAttn, decoderLayerNum);
    return c;
}

bool SubConfig::sameArchitecture(const SubConfig& o) const { return trimmed() == o.trimmed(); }

bool SubConfig::operator==(const SubConfig& o) const {
    return encoderEmbedDim == o.encoderEmbedDim && encoderLayerNum == o.encoderLayerNum &&
           encoderFfnDim == o.encoderFfnDim && encoderSelfHeads == o.encoderSelfHeads &&
           decoderEmbedDim == o.decoderEmbedDim && decoderLayerNum == o.decoderLayerNum &&
           decoderFfnDim == o.decoderFfnDim && decoderSelfHeads == o.decoderSelfHeads &&
           decoderEndeHeads == o.decoderEndeHeads &&
           decoderArbitraryEndeAttn == o.decoderArbitraryEndeAttn;
}

std::vector<std::string> SubConfig::problems(const DesignSpace& space) const {
    std::vector<std::string> out;
    checkValue(out, "encoder-embed-dim-subtransformer", encoderEmbedDim, space.encoderEmbedChoice);
    checkValue(out, "decoder-embed-dim-subtransformer", decoderEmbedDim, space.decoderEmbedChoice);
    checkValue(out, "encoder-layer-num-subtransformer", encoderLayerNum,
               space.encoderLayerNumChoice);
    checkValue(out, "decoder-layer-num-subtransformer", decoderLayerNum,
               space.decoderLayerNumChoice);
    if (!out.empty()) return out;  // the lists below are checked against the layer counts
    checkList(out, "encoder-ffn-embed-dim-all-subtransformer", encoderFfnDim, encoderLayerNum,
              space.encoderFfnChoice);
    checkList(out, "encoder-self-attention-heads-all-subtransformer", encoderSelfHeads,
              encoderLayerNum, space.encoderSelfHeadsChoice);
    checkList(out, "decoder-ffn-embed-dim-all-subtransformer", decoderFfnDim, decoderLayerNum,
              space.decoderFfnChoice);
    checkList(out, "decoder-self-attention-heads-all-subtransformer", decoderSelfHeads,
              decoderLayerNum, space.decoderSelfHeadsChoice);
    checkList(out, "decoder-ende-attention-heads-all-subtransformer", decoderEndeHeads,
              decoderLayerNum, space.decoderEndeHeadsChoice);
    checkList(out, "decoder-arbitrary-ende-attn-all-subtransformer", decoderArbitraryEndeAttn,
              decoderLayerNum, space.decoderArbitraryChoice);
    return out;
}

void SubConfig::validate(const DesignSpace& space, const std::string& file) const {
    const auto p = problems(space);
    if (!p.empty()) fail(file, p.front());
}

std::string SubConfig::summary() const {
    std::ostringstream s;
    s << "enc " << encoderEmbedDim << "x" << encoderLayerNum << " ffn~"
      << shortMean(encoderFfnDim, encoderLayerNum) << " h~" << shortMean(encoderSelfHeads, encoderLayerNum)
      << " | dec " << decoderEmbedDim << "x" << decoderLayerNum << " ffn~"
      << shortMean(decoderFfnDim, decoderLayerNum) << " arb[";
    for (int i = 0; i < decoderLayerNum && i < static_cast<int>(decoderArbitraryEndeAttn.size());
         ++i) {
        s << (i ? "," : "") << decoderArbitraryEndeAttn[i];
    }
    s << "]";
    return s.str();
}

SubConfig SubConfig::largest(const DesignSpace& space) {
    auto mx = [](const std::vector<int>& v) { return *std::max_element(v.begin(), v.end()); };
    SubConfig c;
    c.encoderEmbedDim = mx(space.encoderEmbedChoice);
    c.encoderLayerNum = mx(space.encoderLayerNumChoice);
    c.encoderFfnDim.assign(c.encoderLayerNum, mx(space.encoderFfnChoice));
    c.encoderSelfHeads.assign(c.encoderLayerNum, mx(space.encoderSelfHeadsChoice));
    c.decoderEmbedDim = mx(space.decoderEmbedChoice);
    c.decoderLayerNum = mx(space.decoderLayerNumChoice);
    c.decoderFfnDim.assign(c.decoderLayerNum, mx(space.decoderFfnChoice));
    c.decoderSelfHeads.assign(c.decoderLayerNum, mx(space.decoderSelfHeadsChoice));
    c.decoderEndeHeads.assign(c.decoderLayerNum, mx(space.decoderEndeHeadsChoice));
    c.decoderArbitraryEndeAttn.assign(c.decoderLayerNum, pickArbitrary(space));
    return c;
}

SubConfig SubConfig::smallest(const DesignSpace& space) {
    auto mn = [](const std::vector<int>& v) { return *std::min_element(v.begin(), v.end()); };
    SubConfig c;
    c.encoderEmbedDim = mn(space.encoderEmbedChoice);
    c.encoderLayerNum = mn(space.encoderLayerNumChoice);
    c.encoderFfnDim.assign(c.encoderLayerNum, mn(space.encoderFfnChoice));
    c.encoderSelfHeads.assign(c.encoderLayerNum, mn(space.encoderSelfHeadsChoice));
    c.decoderEmbedDim = mn(space.decoderEmbedChoice);
    c.decoderLayerNum = mn(space.decoderLayerNumChoice);
    c.decoderFfnDim.assign(c.decoderLayerNum, mn(space.decoderFfnChoice));
    c.decoderSelfHeads.assign(c.decoderLayerNum, mn(space.decoderSelfHeadsChoice));
    c.decoderEndeHeads.assign(c.decoderLayerNum, mn(space.decoderEndeHeadsChoice));
    c.decoderArbitraryEndeAttn.assign(c.decoderLayerNum, pickArbitrary(space));
    return c;
}

}  // namespace hat

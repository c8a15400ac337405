#include "core/latency/predictor_file.h"

#include <cstring>
#include <filesystem>

#include "core/util/error.h"

namespace hat {

namespace {

const std::string kPrefix = "hat_explorer.latency.";
constexpr int64_t kFormat = 1;
constexpr size_t kHeldOutColumns = 14;  // 10 features, measured, predicted, low, high

torch::Tensor stringTensor(const std::string& s) {
    auto t = torch::empty({static_cast<int64_t>(s.size())}, torch::kUInt8);
    if (!s.empty()) std::memcpy(t.data_ptr(), s.data(), s.size());
    return t;
}

std::string tensorString(const torch::Tensor& t) {
    auto c = t.contiguous().to(torch::kUInt8);
    return std::string(static_cast<const char*>(c.data_ptr()), c.numel());
}

torch::Tensor doubles(const std::vector<double>& v) {
    return torch::tensor(v, torch::TensorOptions().dtype(torch::kDouble));
}

std::vector<double> toDoubles(const torch::Tensor& t) {
    auto c = t.contiguous().to(torch::kDouble);
    const double* p = c.data_ptr<double>();
    return std::vector<double>(p, p + c.numel());
}

torch::Tensor heldOutTensor(const std::vector<HeldOutRow>& rows) {
    std::vector<double> v;
    for (const auto& r : rows) {
        v.insert(v.end(), r.features.begin(), r.features.end());
        v.insert(v.end(), {r.measuredMs, r.predictedMs, r.lowMs, r.highMs});
    }
    return doubles(v).view(
        {static_cast<int64_t>(rows.size()), static_cast<int64_t>(kHeldOutColumns)});
}

std::vector<HeldOutRow> heldOutFromTensor(const torch::Tensor& t) {
    const auto v = toDoubles(t);
    std::vector<HeldOutRow> rows;
    for (size_t r = 0; r + kHeldOutColumns <= v.size(); r += kHeldOutColumns) {
        HeldOutRow h;
        std::copy(v.begin() + r, v.begin() + r + 10, h.features.begin());
        h.measuredMs = v[r + 10];
        h.predictedMs = v[r + 11];
        h.lowMs = v[r + 12];
        h.highMs = v[r + 13];
        rows.push_back(h);
    }
    return rows;
}

// HAT's own predictor: a bare Net state dict, 10 features / feature_norm, output x lat_norm.
void readHatFile(PredictorModel& m, const std::string& path, double hatLatNorm) {
    const double latNorm = hatLatNorm > 0 ? hatLatNorm : hatLatNormForName(path);
    if (latNorm <= 0) {
        fail(path,
             "a bare HAT predictor without our metadata; give its lat_norm (200 TITAN Xp, "
             "300 Xeon, 5000 Raspberry Pi)");
    }
    if (m.net->inputs() != 10) {
        fail(path, "a bare HAT predictor must take HAT's 10 features; this network takes " +
                       std::to_string(m.net->inputs()));
    }
    m.hatFile = true;
    m.layout = FeatureLayout::Hat10;
    m.features = hatNormalisation();
    m.targetScale = latNorm;
    m.description = "HAT's predictor " + std::filesystem::path(path).filename().string() +
                    " (10 features / feature_norm, lat_norm " +
                    std::to_string(static_cast<int>(latNorm)) + ")";
}

class Metadata {
  public:
    Metadata(const TensorDict& d, const std::string& path) : d_(d), path_(path) {}
    bool has(const std::string& key) const { return d_.count(kPrefix + key) > 0; }
    const torch::Tensor& at(const std::string& key) const {
        const auto it = d_.find(kPrefix + key);
        if (it == d_.end()) fail(path_, "missing '" + kPrefix + key + "'");
        return it->second;
    }
    int64_t integer(const std::string& key) const {
        const torch::Tensor& t = at(key);
        if (t.numel() != 1) fail(path_, "'" + kPrefix + key + "' must hold one number");
        return t.item<int64_t>();
    }

  private:
    const TensorDict& d_;
    const std::string& path_;
};

// The layout, refused when this version does not know it or the network does not take it.
FeatureLayout readLayout(const Metadata& meta, const std::string& path, int64_t inputs) {
    const int64_t layout = meta.integer("feature_layout");
    if (layout != static_cast<int64_t>(FeatureLayout::Hat10) &&
        layout != static_cast<int64_t>(FeatureLayout::Hat10Products)) {
        const auto name = meta.has("feature_layout_name")
                              ? tensorString(meta.at("feature_layout_name"))
                              : std::string("?");
        fail(path, "unknown feature layout " + std::to_string(layout) + " ('" + name +
                       "'); this version knows hat10 and hat10+products");
    }
    const auto out = static_cast<FeatureLayout>(layout);
    const int F = featureCount(out);
    if (inputs != F) {
        fail(path, "the network takes " + std::to_string(inputs) + " features but its layout '" +
                       featureLayoutName(out) + "' has " + std::to_string(F));
    }
    return out;
}

void readOurFile(PredictorModel& m, const Metadata& meta, const std::string& path) {
    const int64_t format = meta.integer("format");
    if (format != kFormat) {
        fail(path, "predictor format " + std::to_string(format) +
                       " is newer than this version of HAT Explorer (reads format 1)");
    }
    m.layout = readLayout(meta, path, m.net->inputs());
    m.features = {toDoubles(meta.at("feature_shift")), toDoubles(meta.at("feature_scale"))};
    const size_t F = static_cast<size_t>(featureCount(m.layout));
    if (m.features.shift.size() != F || m.features.scale.size() != F) {
        fail(path, "feature normalisation has the wrong length for layout '" +
                       std::string(featureLayoutName(m.layout)) + "'");
    }
    m.logTarget = meta.integer("target") == 1;
    const auto ts = toDoubles(meta.at("target_shift_scale"));
    const auto iv = toDoubles(meta.at("interval"));
    if (ts.size() != 2 || iv.size() != 3) fail(path, "malformed target or interval metadata");
    m.targetShift = ts[0];
    m.targetScale = ts[1];
    m.interval = {iv[0], iv[1], iv[2]};
    m.heldOut = heldOutFromTensor(meta.at("held_out"));
    m.description = tensorString(meta.at("description"));
    m.hatFile = meta.has("hat_file") && meta.integer("hat_file");
    if (meta.has("space_yaml")) m.spaceYaml = tensorString(meta.at("space_yaml"));
}

}  // namespace

void savePredictorFile(const PredictorModel& m, const std::string& path) {
    TensorDict d = m.net->weights();
    d[kPrefix + "format"] = torch::tensor({kFormat});
    d[kPrefix + "feature_layout"] = torch::tensor({static_cast<int64_t>(m.layout)});
    d[kPrefix + "feature_layout_name"] = stringTensor(featureLayoutName(m.layout));
    d[kPrefix + "feature_shift"] = doubles(m.features.shift);
    d[kPrefix + "feature_scale"] = doubles(m.features.scale);
    d[kPrefix + "target"] = torch::tensor({static_cast<int64_t>(m.logTarget ? 1 : 0)});
    d[kPrefix + "target_shift_scale"] = doubles({m.targetShift, m.targetScale});
    d[kPrefix + "interval"] = doubles({m.interval.level, m.interval.logLow, m.interval.logHigh});
    d[kPrefix + "held_out"] = heldOutTensor(m.heldOut);
    d[kPrefix + "description"] = stringTensor(m.description);
    d[kPrefix + "hat_file"] = torch::tensor({static_cast<int64_t>(m.hatFile)});
    if (!m.spaceYaml.empty()) d[kPrefix + "space_yaml"] = stringTensor(m.spaceYaml);
    saveTensorDict(d, path);
}

PredictorModel readPredictorFile(const std::vector<char>& bytes, const std::string& path,
                                 double hatLatNorm) {
    // Every tensor's size is checked against the file's records here (tensorDictFromBytes).
    const TensorDict d = tensorDictFromBytes(bytes, path);
    // A non-finite weight or normalisation would print "nan ms" for every architecture (the
    // interval and held-out rows may hold NaN on purpose: no interval).
    for (const auto& [name, t] : d) {
        const bool metadata = name.compare(0, kPrefix.size(), kPrefix) == 0;
        const bool scaling = name == kPrefix + "feature_shift" || name == kPrefix + "feature_scale" ||
                             name == kPrefix + "target_shift_scale";
        if ((!metadata || scaling) && t.is_floating_point() &&
            !torch::isfinite(t).all().item<bool>()) {
            fail(path, "tensor '" + name + "' holds a value that is not a finite number");
        }
    }
    PredictorModel m;
    m.source = path;
    try {
        m.net = PredictorNet(d, path);
        const Metadata meta(d, path);
        if (meta.has("format")) {
            readOurFile(m, meta, path);
        } else {
            readHatFile(m, path, hatLatNorm);
        }
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        // A LibTorch complaint about a malformed tensor, said about the file.
        const std::string what = e.what();
        fail(path, "not a latency predictor (" + what.substr(0, what.find('\n')) + ")");
    }
    return m;
}

}  // namespace hat

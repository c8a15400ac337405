#include "core/latency/latency_predictor.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <numeric>
#include <random>

#include "core/model/checkpoint.h"
#include "core/space/design_space.h"
#include "core/space/sub_config.h"
#include "core/util/error.h"

namespace hat {

namespace {

const std::string kPrefix = "hat_explorer.latency.";
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kPi = 3.14159265358979323846;
// HAT's feature_norm, the same for all eight of its predictors (HAT_SPEC §8).
const std::vector<double> kHatFeatureNorm = {640, 6, 2048, 6, 640, 6, 2048, 6, 6, 2};

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

// HAT's Net (latency_predictor.py), with the depth as a parameter. Submodule names give HAT's
// state-dict keys.
class MlpImpl : public torch::nn::Module {
public:
    MlpImpl(int64_t in, int64_t hidden, int hiddenLayers) {
        first_layer = register_module("first_layer", torch::nn::Linear(in, hidden));
        for (int i = 0; i < hiddenLayers; ++i) layers->push_back(torch::nn::Linear(hidden, hidden));
        register_module("layers", layers);
        predict = register_module("predict", torch::nn::Linear(hidden, 1));
    }
    torch::Tensor forward(torch::Tensor x) {
        x = torch::relu(first_layer(x));
        for (auto& l : *layers) x = torch::relu(l->as<torch::nn::Linear>()->forward(x));
        return predict(x);
    }
    torch::nn::Linear first_layer{nullptr}, predict{nullptr};
    torch::nn::ModuleList layers;
};
TORCH_MODULE(Mlp);

double quantileSorted(const std::vector<double>& sorted, size_t k1) {
    // k1 is 1-based and clamped to the data.
    k1 = std::clamp<size_t>(k1, 1, sorted.size());
    return sorted[k1 - 1];
}

// Split-conformal bounds on log(measured / predicted): with n calibration residuals the
// ceil((n+1)(1-a/2))-th smallest upper and floor((n+1)a/2)-th smallest lower bound give at least
// `level` coverage on exchangeable new rows.
std::pair<double, double> conformalBounds(std::vector<double> logRatios, double level) {
    if (logRatios.empty()) return {kNaN, kNaN};
    std::sort(logRatios.begin(), logRatios.end());
    const double n = static_cast<double>(logRatios.size());
    const double a = 1.0 - level;
    const auto lo = static_cast<size_t>(std::floor((n + 1.0) * a / 2.0));
    const auto hi = static_cast<size_t>(std::ceil((n + 1.0) * (1.0 - a / 2.0)));
    return {quantileSorted(logRatios, lo), quantileSorted(logRatios, hi)};
}

}  // namespace

const char* featureLayoutName(FeatureLayout layout) {
    switch (layout) {
        case FeatureLayout::Hat10: return "hat10";
        case FeatureLayout::Hat10Products: return "hat10+products";
    }
    return "unknown";
}

int featureCount(FeatureLayout layout) { return layout == FeatureLayout::Hat10 ? 10 : 15; }

std::vector<double> layoutFeatures(FeatureLayout layout, const LatencyFeatures& f) {
    std::vector<double> out(f.begin(), f.end());
    if (layout == FeatureLayout::Hat10Products) {
        const double Es = f[0], Le = f[1], Fe = f[2], Ds = f[4], Ld = f[5], Fd = f[6], arb = f[9];
        // Work per token, side by side: FFN multiply-adds, decoder projections (qkv width is
        // fixed, so they scale with Ds), the enc-dec memory each decoder layer reads.
        out.push_back(Le * Es * Fe);
        out.push_back(Ld * Ds * Fd);
        out.push_back(Ld * Ds);
        out.push_back(Ld * Es * arb);
        out.push_back(Ld * arb);
    }
    return out;
}

double hatLatNormForName(const std::string& name) {
    const std::string base = std::filesystem::path(name).filename().string();
    if (base.find("raspberrypi") != std::string::npos) return 5000.0;
    if (base.find("xeon") != std::string::npos) return 300.0;
    if (base.find("titanxp") != std::string::npos || base.find("gpu") != std::string::npos) {
        return 200.0;
    }
    return 0.0;
}

PredictionReport summarizePredictions(const std::vector<double>& measured,
                                      const std::vector<LatencyEstimate>& predicted) {
    if (measured.size() != predicted.size()) throw Error("measured and predicted differ in size");
    PredictionReport r;
    r.rows = measured.size();
    if (r.rows == 0) return r;
    const double n = static_cast<double>(r.rows);
    double se = 0, ape = 0, w5 = 0, w10 = 0, cov = 0, sum = 0;
    bool intervals = true;
    std::vector<double> absPct;
    absPct.reserve(r.rows);
    for (size_t i = 0; i < r.rows; ++i) {
        const double m = measured[i], p = predicted[i].ms, e = p - m;
        const double rel = std::abs(e) / m;
        se += e * e;
        sum += e;
        ape += rel;
        w5 += rel <= 0.05;
        w10 += rel <= 0.10;
        absPct.push_back(100.0 * rel);
        intervals = intervals && predicted[i].hasInterval();
        cov += predicted[i].lowMs <= m && m <= predicted[i].highMs;
    }
    r.rmseMs = std::sqrt(se / n);
    r.mapePct = 100.0 * ape / n;
    r.within5Pct = 100.0 * w5 / n;
    r.within10Pct = 100.0 * w10 / n;
    r.coveragePct = intervals ? 100.0 * cov / n : kNaN;
    r.biasMs = sum / n;
    double var = 0;
    for (size_t i = 0; i < r.rows; ++i) {
        const double d = predicted[i].ms - measured[i] - r.biasMs;
        var += d * d;
    }
    r.residualSdMs = std::sqrt(var / n);
    std::sort(absPct.begin(), absPct.end());
    r.medianAbsPct = absPct[absPct.size() / 2];
    r.p90AbsPct = absPct[std::min(absPct.size() - 1, static_cast<size_t>(0.9 * n))];
    r.maxAbsPct = absPct.back();
    return r;
}

// ---------------------------------------------------------------------------------------------

struct LatencyPredictor::Impl {
    FeatureLayout layout = FeatureLayout::Hat10;
    std::vector<double> featureShift, featureScale;
    bool logTarget = false;
    double targetShift = 0.0, targetScale = 1.0;
    double level = kNaN, logLow = kNaN, logHigh = kNaN;
    std::vector<HeldOutRow> heldOut;
    std::string spaceYaml, source, description;
    bool hatFile = false;
    // Network weights in HAT's layout ([out, in]), read-only once built.
    torch::Tensor w0, b0, wOut, bOut;
    std::vector<torch::Tensor> w, b;

    int64_t hiddenDim() const { return w0.size(0); }

    void setWeights(const TensorDict& d, const std::string& file) {
        auto get = [&](const std::string& key) {
            const auto it = d.find(key);
            if (it == d.end()) fail(file, "missing '" + key + "': not a latency predictor");
            return it->second.detach().to(torch::kFloat).contiguous().clone();
        };
        w0 = get("first_layer.weight");
        b0 = get("first_layer.bias");
        wOut = get("predict.weight");
        bOut = get("predict.bias");
        w.clear();
        b.clear();
        for (int i = 0; d.count("layers." + std::to_string(i) + ".weight"); ++i) {
            w.push_back(get("layers." + std::to_string(i) + ".weight"));
            b.push_back(get("layers." + std::to_string(i) + ".bias"));
        }
        const int64_t h = w0.size(0);
        bool ok = w0.dim() == 2 && b0.numel() == h && wOut.dim() == 2 && wOut.size(0) == 1 &&
                  wOut.size(1) == h && bOut.numel() == 1;
        for (size_t i = 0; i < w.size(); ++i) {
            ok = ok && w[i].dim() == 2 && w[i].size(0) == h && w[i].size(1) == h &&
                 b[i].numel() == h;
        }
        if (!ok) fail(file, "the MLP's layer shapes do not chain (first_layer -> layers.* -> predict)");
    }

    // The MLP on normalised float32 features (N, F) -> (N) float32 outputs.
    torch::Tensor forward(const torch::Tensor& x) const {
        // torch::linear, as HAT's nn.Linear: the same BLAS call, so HAT's outputs reproduce
        // bit for bit.
        auto h = torch::relu(torch::linear(x, w0, b0));
        for (size_t i = 0; i < w.size(); ++i) h = torch::relu(torch::linear(h, w[i], b[i]));
        return torch::linear(h, wOut, bOut).view({-1});
    }

    torch::Tensor normalised(const std::vector<LatencyFeatures>& rows) const {
        const int F = featureCount(layout);
        std::vector<float> buf(rows.size() * F);
        for (size_t r = 0; r < rows.size(); ++r) {
            const auto v = layoutFeatures(layout, rows[r]);
            // In double, then one rounding to float32: exactly HAT's features / feature_norm.
            for (int j = 0; j < F; ++j) {
                buf[r * F + j] = static_cast<float>((v[j] - featureShift[j]) / featureScale[j]);
            }
        }
        return torch::from_blob(buf.data(), {static_cast<int64_t>(rows.size()), F}, torch::kFloat)
            .clone();
    }

    double toMs(float y) const {
        const double v = static_cast<double>(y) * targetScale + targetShift;
        if (logTarget) return std::exp(v);
        // A linear-target network extrapolating far outside its rows could go below zero; a
        // latency cannot, and the interval (a ratio) needs it positive. HAT's own files are
        // left exactly as HAT computes them.
        return hatFile ? v : std::max(v, 1e-3);
    }

    std::vector<LatencyEstimate> estimate(const std::vector<LatencyFeatures>& rows) const {
        std::vector<LatencyEstimate> out(rows.size());
        if (rows.empty()) return out;
        torch::InferenceMode guard;
        const auto y = forward(normalised(rows));
        const float* p = y.data_ptr<float>();
        for (size_t i = 0; i < rows.size(); ++i) {
            const double ms = toMs(p[i]);
            out[i] = {ms, ms * std::exp(logLow), ms * std::exp(logHigh)};
        }
        return out;
    }
};

LatencyPredictor::LatencyPredictor() = default;
LatencyPredictor::~LatencyPredictor() = default;
LatencyPredictor::LatencyPredictor(const LatencyPredictor&) = default;
LatencyPredictor& LatencyPredictor::operator=(const LatencyPredictor&) = default;
LatencyPredictor::LatencyPredictor(LatencyPredictor&&) noexcept = default;
LatencyPredictor& LatencyPredictor::operator=(LatencyPredictor&&) noexcept = default;

bool LatencyPredictor::valid() const { return impl_ != nullptr; }

FeatureLayout LatencyPredictor::layout() const { return impl_->layout; }
int LatencyPredictor::hiddenLayers() const { return static_cast<int>(impl_->w.size()); }
bool LatencyPredictor::isHatFile() const { return impl_->hatFile; }
std::string LatencyPredictor::description() const { return impl_->description; }
const std::string& LatencyPredictor::source() const { return impl_->source; }
bool LatencyPredictor::hasInterval() const { return impl_ && !std::isnan(impl_->logLow); }
double LatencyPredictor::intervalLevel() const { return impl_->level; }
const std::vector<HeldOutRow>& LatencyPredictor::heldOut() const { return impl_->heldOut; }
const std::string& LatencyPredictor::spaceYaml() const { return impl_->spaceYaml; }

void LatencyPredictor::setSpace(const DesignSpace& space) {
    impl_ = std::make_shared<Impl>(*impl_);  // copies share weights; metadata is per copy
    impl_->spaceYaml = space.toYaml();
}

double LatencyPredictor::predictMs(const LatencyFeatures& f) const { return estimate(f).ms; }

LatencyEstimate LatencyPredictor::estimate(const LatencyFeatures& f) const {
    if (!impl_) throw Error("no latency predictor loaded");
    return impl_->estimate({f}).front();
}

LatencyEstimate LatencyPredictor::estimate(const SubConfig& c) const {
    return estimate(latencyFeatures(c));
}

std::vector<LatencyEstimate> LatencyPredictor::estimateBatch(
    const std::vector<LatencyFeatures>& f) const {
    if (!impl_) throw Error("no latency predictor loaded");
    return impl_->estimate(f);
}

std::vector<LatencyEstimate> LatencyPredictor::estimateBatch(
    const std::vector<SubConfig>& configs) const {
    std::vector<LatencyFeatures> f;
    f.reserve(configs.size());
    for (const auto& c : configs) f.push_back(latencyFeatures(c));
    return estimateBatch(f);
}

PredictionReport LatencyPredictor::evaluate(const LatencyDataset& rows) const {
    std::vector<LatencyFeatures> f;
    for (const auto& s : rows.samples) f.push_back(s.features);
    return summarizePredictions(rows.totalsMs(), estimateBatch(f));
}

PredictionReport LatencyPredictor::heldOutReport() const {
    std::vector<double> m;
    std::vector<LatencyEstimate> p;
    for (const auto& r : impl_->heldOut) {
        m.push_back(r.measuredMs);
        p.push_back({r.predictedMs, r.lowMs, r.highMs});
    }
    return summarizePredictions(m, p);
}

void LatencyPredictor::calibrate(const LatencyDataset& rows, double level) {
    if (!impl_) throw Error("no latency predictor loaded");
    if (rows.size() < 10) fail(rows.source, "at least 10 measured rows are needed to calibrate");
    if (!(level > 0.0 && level < 1.0)) throw Error("interval level must lie in (0, 1)");
    auto fresh = std::make_shared<Impl>(*impl_);
    std::vector<LatencyFeatures> f;
    for (const auto& s : rows.samples) f.push_back(s.features);
    const auto est = fresh->estimate(f);
    std::vector<double> r;
    for (size_t i = 0; i < est.size(); ++i) r.push_back(std::log(rows.samples[i].totalMs() / est[i].ms));
    std::tie(fresh->logLow, fresh->logHigh) = conformalBounds(r, level);
    fresh->level = level;
    fresh->heldOut.clear();
    for (size_t i = 0; i < est.size(); ++i) {
        const double ms = est[i].ms;
        fresh->heldOut.push_back({f[i], rows.samples[i].totalMs(), ms,
                                  ms * std::exp(fresh->logLow), ms * std::exp(fresh->logHigh)});
    }
    impl_ = fresh;
}

// --- training ---------------------------------------------------------------------------------

namespace {

struct Fitted {
    TensorDict weights;
    int bestStep = 0;
    double bestLoss = std::numeric_limits<double>::infinity();
};

TensorDict snapshot(const Mlp& net) {
    TensorDict d;
    for (const auto& p : net->named_parameters(true)) d[p.key()] = p.value().detach().clone();
    return d;
}

torch::Tensor lossOf(const torch::Tensor& pred, const torch::Tensor& y, bool robust) {
    return robust ? torch::l1_loss(pred, y) : torch::mse_loss(pred, y);
}

double validationLoss(Mlp& net, const torch::Tensor& x, const torch::Tensor& y, bool robust) {
    torch::NoGradGuard g;
    return lossOf(net->forward(x).view({-1}), y, robust).item<double>();
}

// One MLP. With validation rows, keeps the weights of the best validation loss; with
// `stopStep` > 0, returns the weights at that step; otherwise the final weights.
Fitted fitOne(const torch::Tensor& xTrain, const torch::Tensor& yTrain, const torch::Tensor& xValid,
              const torch::Tensor& yValid, const PredictorTrainOptions& o, bool robust,
              int stopStep, uint64_t seed, int model, int models) {
    const bool recipe = o.hatRecipe;
    const int steps = recipe ? 5000 : o.steps;
    const double lr = recipe ? 1e-5 : o.lr;
    const int64_t n = xTrain.size(0);
    const int64_t batch = std::min<int64_t>(recipe ? 128 : o.batch, n);
    torch::manual_seed(seed);
    Mlp net(xTrain.size(1), recipe ? 400 : o.hiddenDim, recipe ? 3 : o.hiddenLayers);
    torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(lr));
    // An exponential moving average of the weights is what gets validated and kept: it averages
    // the last few hundred steps' networks, which smooths the fit of noisy rows at no cost at
    // prediction time.
    const bool ema = !recipe && o.emaDecay > 0.0;
    Mlp avg(xTrain.size(1), recipe ? 400 : o.hiddenDim, recipe ? 3 : o.hiddenLayers);
    std::vector<torch::Tensor> live = net->parameters(), shadow = avg->parameters();
    {
        torch::NoGradGuard g;
        for (size_t i = 0; i < live.size(); ++i) shadow[i].copy_(live[i]);
    }
    Mlp& kept = ema ? avg : net;
    uint64_t state = seed * 0x9E3779B97F4A7C15ull + 17;
    std::vector<size_t> order;
    size_t pos = static_cast<size_t>(n);
    Fitted out;
    const bool validate = xValid.defined() && xValid.size(0) > 0;
    for (int step = 1; step <= steps; ++step) {
        if (!recipe) {
            // Cosine decay from lr to lr * finalLrFactor.
            const double t = static_cast<double>(step - 1) / std::max(1, steps - 1);
            const double f = o.finalLrFactor + (1.0 - o.finalLrFactor) * 0.5 * (1.0 + std::cos(kPi * t));
            for (auto& g : opt.param_groups()) {
                static_cast<torch::optim::AdamOptions&>(g.options()).lr(lr * f);
            }
        }
        std::vector<int64_t> idx(batch);
        if (recipe) {
            // HAT: random.sample(range(n), 128) every step (no repeats within a batch).
            order = shuffledIndices(static_cast<size_t>(n), state++);
            for (int64_t i = 0; i < batch; ++i) idx[i] = static_cast<int64_t>(order[i]);
        } else {
            // Ours: epochs of shuffled batches, so every row is seen equally often.
            if (pos + batch > static_cast<size_t>(n)) {
                order = shuffledIndices(static_cast<size_t>(n), state++);
                pos = 0;
            }
            for (int64_t i = 0; i < batch; ++i) idx[i] = static_cast<int64_t>(order[pos + i]);
            pos += batch;
        }
        const auto sel = torch::tensor(idx, torch::kLong);
        opt.zero_grad();
        auto loss = lossOf(net->forward(xTrain.index_select(0, sel)).view({-1}),
                           yTrain.index_select(0, sel), !recipe && robust);
        loss.backward();
        opt.step();
        if (ema) {
            torch::NoGradGuard g;
            const double d = std::min(o.emaDecay, (1.0 + step) / (10.0 + step));
            for (size_t i = 0; i < live.size(); ++i) shadow[i].mul_(d).add_(live[i], 1.0 - d);
        }

        const bool evalNow = step % std::max(1, o.evalEvery) == 0 || step == steps;
        if (stopStep > 0 && step == stopStep) {
            out.weights = snapshot(kept);
            out.bestStep = step;
            break;
        }
        if (evalNow) {
            double v = kNaN;
            if (validate && !recipe) {
                v = validationLoss(kept, xValid, yValid, robust);
                if (v < out.bestLoss) {
                    out.bestLoss = v;
                    out.bestStep = step;
                    out.weights = snapshot(kept);
                }
            }
            if (o.progress && !o.progress({model, models, step, steps, v})) {
                throw Error("latency predictor training cancelled");
            }
        }
    }
    if (out.weights.empty()) {
        out.weights = snapshot(kept);
        out.bestStep = steps;
    }
    return out;
}

torch::Tensor rowsTensor(const std::vector<std::vector<double>>& rows,
                         const std::vector<size_t>& pick) {
    const int64_t F = rows.empty() ? 0 : static_cast<int64_t>(rows[0].size());
    auto t = torch::empty({static_cast<int64_t>(pick.size()), F}, torch::kFloat);
    auto a = t.accessor<float, 2>();
    for (size_t i = 0; i < pick.size(); ++i) {
        for (int64_t j = 0; j < F; ++j) a[i][j] = static_cast<float>(rows[pick[i]][j]);
    }
    return t;
}

torch::Tensor valuesTensor(const std::vector<double>& v, const std::vector<size_t>& pick) {
    auto t = torch::empty({static_cast<int64_t>(pick.size())}, torch::kFloat);
    for (size_t i = 0; i < pick.size(); ++i) t[i] = static_cast<float>(v[pick[i]]);
    return t;
}

}  // namespace

LatencyPredictor LatencyPredictor::train(const LatencyDataset& rows,
                                         const PredictorTrainOptions& o) {
    const size_t n = rows.size();
    if (n < 20) fail(rows.source, "at least 20 measured rows are needed to train a predictor");
    if (o.threads > 0) at::set_num_threads(o.threads);
    auto impl = std::make_shared<Impl>();
    impl->source = rows.source;
    const auto totals = rows.totalsMs();

    if (o.hatRecipe) {
        const double latNorm = o.hatLatNorm > 0 ? o.hatLatNorm : hatLatNormForName(rows.source);
        if (latNorm <= 0) fail(rows.source, "HAT's recipe needs a lat_norm (not a HAT dataset name)");
        impl->layout = FeatureLayout::Hat10;
        impl->featureShift.assign(10, 0.0);
        impl->featureScale = kHatFeatureNorm;
        impl->targetScale = latNorm;
        impl->description = "HAT recipe (10 features / feature_norm, Adam lr 1e-5, 5000 steps, "
                            "batch 128, lat_norm " + std::to_string(static_cast<int>(latNorm)) +
                            ")";
    } else {
        impl->layout = o.layout;
        const int F = featureCount(o.layout);
        // Standardise each input; a constant input (e.g. HAT's encoder layer count, always 6)
        // keeps scale 1 so it contributes nothing instead of dividing by zero.
        impl->featureShift.assign(F, 0.0);
        impl->featureScale.assign(F, 1.0);
        std::vector<std::vector<double>> raw;
        for (const auto& s : rows.samples) raw.push_back(layoutFeatures(o.layout, s.features));
        for (int j = 0; j < F; ++j) {
            double m = 0, v = 0;
            for (const auto& r : raw) m += r[j];
            m /= static_cast<double>(n);
            for (const auto& r : raw) v += (r[j] - m) * (r[j] - m);
            const double sd = std::sqrt(v / static_cast<double>(n));
            impl->featureShift[j] = m;
            impl->featureScale[j] = sd > 1e-9 * std::max(1.0, std::abs(m)) ? sd : 1.0;
        }
        impl->logTarget = o.logTarget;
        std::vector<double> t;
        for (double ms : totals) t.push_back(o.logTarget ? std::log(ms) : ms);
        const double m = std::accumulate(t.begin(), t.end(), 0.0) / static_cast<double>(n);
        double v = 0;
        for (double x : t) v += (x - m) * (x - m);
        impl->targetShift = m;
        impl->targetScale = std::max(1e-9, std::sqrt(v / static_cast<double>(n)));
        impl->description = std::string(featureLayoutName(o.layout)) + " MLP, " +
                            std::to_string(o.hiddenLayers + 1) + " hidden layers of " +
                            std::to_string(o.hiddenDim) + (o.logTarget ? ", log-latency target" : "") +
                            ", Adam lr " + std::to_string(o.lr).substr(0, 6) + " cosine, " +
                            std::to_string(o.steps) + " steps, " + std::to_string(o.folds) +
                            "-fold cross-fitting, seed " + std::to_string(o.seed);
    }
    impl->description += ", trained on " + std::to_string(n) + " rows";

    // Normalised inputs and targets for every row.
    std::vector<std::vector<double>> x;
    std::vector<double> y;
    for (size_t i = 0; i < n; ++i) {
        auto v = layoutFeatures(impl->layout, rows.samples[i].features);
        for (size_t j = 0; j < v.size(); ++j) v[j] = (v[j] - impl->featureShift[j]) / impl->featureScale[j];
        x.push_back(std::move(v));
        const double t = impl->logTarget ? std::log(totals[i]) : totals[i];
        y.push_back((t - impl->targetShift) / impl->targetScale);
    }
    std::vector<size_t> all(n);
    std::iota(all.begin(), all.end(), 0);

    const int folds = o.hatRecipe ? 0 : o.folds;
    if (folds >= 2) {
        // Cross-fitting: model k never sees fold k, is early-stopped on it, and predicts it.
        const auto perm = shuffledIndices(n, o.seed ^ 0xC0FFEEull);
        struct CrossFit {
            bool robust = false;
            std::vector<double> oof;
            std::vector<int> bestSteps;
            std::vector<TensorDict> weights;  // the fold models
            double scale = 1.0;
            double rmse = 0.0;
        };
        std::vector<bool> candidates;
        if (o.selectLoss) candidates = {false, true};
        else candidates = {o.robust};
        const int totalModels =
            folds * (static_cast<int>(candidates.size()) + (o.removeDrift ? 1 : 0)) + 1;
        auto crossFit = [&](bool robust, const std::vector<double>& yFit, int modelBase) {
            CrossFit cf;
            cf.robust = robust;
            cf.oof.assign(n, kNaN);
            for (int k = 0; k < folds; ++k) {
                std::vector<size_t> tr, va;
                for (size_t i = 0; i < n; ++i) (static_cast<int>(i % folds) == k ? va : tr).push_back(perm[i]);
                const auto fit = fitOne(rowsTensor(x, tr), valuesTensor(yFit, tr), rowsTensor(x, va),
                                        valuesTensor(yFit, va), o, robust, 0, o.seed * 1000 + k,
                                        modelBase + k, totalModels);
                cf.bestSteps.push_back(fit.bestStep);
                cf.weights.push_back(fit.weights);
                Impl tmp = *impl;
                tmp.setWeights(fit.weights, rows.source);
                torch::InferenceMode guard;
                const auto out = tmp.forward(rowsTensor(x, va));
                for (size_t i = 0; i < va.size(); ++i) cf.oof[va[i]] = tmp.toMs(out[i].item<float>());
            }
            if (robust) {
                // The L1 fit predicts the typical run; one factor turns it into the mean (least
                // squares on the out-of-fold predictions), which is what RMSE rewards.
                double num = 0, den = 0;
                for (size_t i = 0; i < n; ++i) {
                    num += totals[i] * cf.oof[i];
                    den += cf.oof[i] * cf.oof[i];
                }
                cf.scale = num / den;
                for (double& v : cf.oof) v *= cf.scale;
            }
            // Always scored against the measurements as they are.
            double se = 0;
            for (size_t i = 0; i < n; ++i) se += (cf.oof[i] - totals[i]) * (cf.oof[i] - totals[i]);
            cf.rmse = std::sqrt(se / static_cast<double>(n));
            return cf;
        };

        std::vector<double> yFit = y;
        int modelBase = 0;
        if (o.removeDrift) {
            // Rows are in measurement order, and a device drifts: HAT's TITAN Xp rows have
            // stretches of hundreds of consecutive measurements 15-20% slower than the rest
            // (clocks, temperature). That is a property of when a row was measured, not of its
            // architecture, so it is estimated from the neighbours in measurement order - the
            // running median of measured / predicted - and divided out of the training targets
            // (rescaled to the average drift, so predictions stay means over the drift).
            const CrossFit first = crossFit(false, y, 0);
            modelBase = folds;
            std::vector<double> ratio(n), drift(n);
            for (size_t i = 0; i < n; ++i) ratio[i] = totals[i] / first.oof[i];
            const size_t w = static_cast<size_t>(std::max(1, o.driftWindow));
            for (size_t i = 0; i < n; ++i) {
                std::vector<double> win(ratio.begin() + (i > w ? i - w : 0),
                                        ratio.begin() + std::min(n, i + w + 1));
                std::nth_element(win.begin(), win.begin() + win.size() / 2, win.end());
                drift[i] = win[win.size() / 2];
            }
            const double meanDrift = std::accumulate(drift.begin(), drift.end(), 0.0) / static_cast<double>(n);
            for (size_t i = 0; i < n; ++i) {
                const double cleaned = totals[i] / drift[i] * meanDrift;
                const double t = impl->logTarget ? std::log(cleaned) : cleaned;
                yFit[i] = (t - impl->targetShift) / impl->targetScale;
            }
            impl->description += ", measurement drift removed (running median of " +
                                 std::to_string(2 * w + 1) + " rows)";
        }
        std::vector<CrossFit> fits;
        for (size_t c = 0; c < candidates.size(); ++c) {
            fits.push_back(crossFit(candidates[c], yFit, modelBase + static_cast<int>(c) * folds));
        }
        // Which loss suits this device's noise is decided by the held-out RMSE: heavy-tailed
        // slow runs (HAT's Raspberry Pi rows) favour L1, near-Gaussian noise favours MSE. With
        // distillation the two need not compete: their weighted average in ms is distilled
        // instead, the weight (steps of 0.05, the pure fits included) minimising the out-of-fold
        // RMSE. Their errors are partly independent; on HAT's sets a blend wins on six of eight,
        // and one weight chosen on 1,600 rows cannot overfit.
        const size_t bestIndex = static_cast<size_t>(
            std::min_element(fits.begin(), fits.end(),
                             [](const auto& a, const auto& b) { return a.rmse < b.rmse; }) -
            fits.begin());
        const CrossFit& best = fits[bestIndex];
        std::vector<double> mix(fits.size(), 0.0);
        mix[bestIndex] = 1.0;
        if (o.distill && fits.size() == 2) {
            double bestRmse = best.rmse;
            for (int g = 0; g <= 20; ++g) {
                const double a = g / 20.0;
                double se = 0;
                for (size_t i = 0; i < n; ++i) {
                    const double v = a * fits[0].oof[i] + (1 - a) * fits[1].oof[i];
                    se += (v - totals[i]) * (v - totals[i]);
                }
                const double rmse = std::sqrt(se / static_cast<double>(n));
                if (rmse < bestRmse - 1e-12) {
                    bestRmse = rmse;
                    mix = {a, 1 - a};
                }
            }
        }
        std::vector<double> oof(n, 0.0);
        for (size_t c = 0; c < fits.size(); ++c) {
            for (size_t i = 0; i < n; ++i) oof[i] += mix[c] * fits[c].oof[i];
        }
        const bool blended = mix[bestIndex] != 1.0;
        if (blended) {
            char buf[96];
            std::snprintf(buf, sizeof buf, ", blend of %.2f MSE fit + %.2f L1 fit (weights chosen by held-out RMSE)",
                          mix[0], mix[1]);
            impl->description += buf;
        } else {
            if (best.robust) {
                if (impl->logTarget) {
                    impl->targetShift += std::log(best.scale);
                } else {
                    impl->targetScale *= best.scale;
                    impl->targetShift *= best.scale;
                }
            }
            impl->description += std::string(", ") + (best.robust ? "L1 loss + mean scaling" : "MSE loss") +
                                 (fits.size() > 1 ? " (chosen by held-out RMSE)" : "");
        }
        std::vector<int> bestSteps = best.bestSteps;
        std::vector<double> logRatios;
        for (size_t i = 0; i < n; ++i) logRatios.push_back(std::log(totals[i] / oof[i]));
        impl->level = o.intervalLevel;
        std::tie(impl->logLow, impl->logHigh) = conformalBounds(logRatios, o.intervalLevel);
        for (size_t i = 0; i < n; ++i) {
            impl->heldOut.push_back({rows.samples[i].features, totals[i], oof[i],
                                     oof[i] * std::exp(impl->logLow),
                                     oof[i] * std::exp(impl->logHigh)});
        }
        if (o.distill) {
            // The fold models' average is a better fit than any one of them (their errors
            // partly cancel), but costs K forward passes. One network of the same shape is
            // trained on that average instead: its targets carry no measurement noise, so it
            // can be fitted to convergence.
            // Between the rows the one network may bend where the average does not: it also
            // learns the average on synthetic architectures, each feature drawn from a random
            // row (the space's marginals), `distillSynthetic` per real row.
            std::vector<std::vector<double>> xd = x;
            std::mt19937_64 rng(o.seed * 7919 + 5);
            const size_t synthetic = static_cast<size_t>(std::max(0, o.distillSynthetic)) * n;
            for (size_t k = 0; k < synthetic; ++k) {
                LatencyFeatures f{};
                for (size_t j = 0; j < f.size(); ++j) f[j] = rows.samples[rng() % n].features[j];
                auto v = layoutFeatures(impl->layout, f);
                for (size_t j = 0; j < v.size(); ++j) v[j] = (v[j] - impl->featureShift[j]) / impl->featureScale[j];
                xd.push_back(std::move(v));
            }
            std::vector<size_t> allD(xd.size());
            std::iota(allD.begin(), allD.end(), 0);
            const auto xAll = rowsTensor(xd, allD);
            // The target: each loss's fold average, turned into ms (with its mean scaling) and
            // mixed; the fold average itself is taken in the network's output space.
            torch::Tensor mean = torch::zeros({static_cast<int64_t>(xd.size())});
            {
                torch::InferenceMode guard;
                std::vector<double> ms(xd.size(), 0.0);
                for (size_t c = 0; c < fits.size(); ++c) {
                    if (mix[c] == 0.0) continue;
                    torch::Tensor avg = torch::zeros({static_cast<int64_t>(xd.size())});
                    for (const auto& w : fits[c].weights) {
                        Impl tmp = *impl;
                        tmp.setWeights(w, rows.source);
                        avg += tmp.forward(xAll);
                    }
                    avg /= static_cast<double>(fits[c].weights.size());
                    // Without a blend the scale already sits in the target shift (above).
                    const double scale = blended ? fits[c].scale : 1.0;
                    const float* p = avg.data_ptr<float>();
                    for (size_t i = 0; i < xd.size(); ++i) ms[i] += mix[c] * scale * impl->toMs(p[i]);
                }
                for (size_t i = 0; i < xd.size(); ++i) {
                    const double t = impl->logTarget ? std::log(ms[i]) : ms[i];
                    mean[static_cast<int64_t>(i)] = static_cast<float>((t - impl->targetShift) / impl->targetScale);
                }
            }
            const auto fit = fitOne(xAll, mean.clone(), {}, {}, o, false, 0,
                                    o.seed * 1000 + 999, totalModels - 1, totalModels);
            impl->setWeights(fit.weights, rows.source);
            impl->description += ", distilled from the " + std::to_string(folds) + " fold models" +
                                 (synthetic ? " on " + std::to_string(synthetic) + " synthetic rows too" : "");
        } else {
            // The final model sees every row and stops where the folds did best (the median).
            std::sort(bestSteps.begin(), bestSteps.end());
            const int stop = bestSteps[bestSteps.size() / 2];
            const auto fit = fitOne(rowsTensor(x, all), valuesTensor(yFit, all), {}, {}, o,
                                    best.robust, stop, o.seed * 1000 + 999, totalModels - 1,
                                    totalModels);
            impl->setWeights(fit.weights, rows.source);
            impl->description += ", final fit stopped at step " + std::to_string(stop);
        }
    } else {
        const auto fit = fitOne(rowsTensor(x, all), valuesTensor(y, all), {}, {}, o,
                                o.robust && !o.hatRecipe, 0, o.seed * 1000 + 999, 0, 1);
        impl->setWeights(fit.weights, rows.source);
    }
    LatencyPredictor p;
    p.impl_ = impl;
    return p;
}

// --- files ------------------------------------------------------------------------------------

void LatencyPredictor::save(const std::string& path) const {
    if (!impl_) throw Error("no latency predictor to save");
    const Impl& m = *impl_;
    TensorDict d;
    d["first_layer.weight"] = m.w0;
    d["first_layer.bias"] = m.b0;
    for (size_t i = 0; i < m.w.size(); ++i) {
        d["layers." + std::to_string(i) + ".weight"] = m.w[i];
        d["layers." + std::to_string(i) + ".bias"] = m.b[i];
    }
    d["predict.weight"] = m.wOut;
    d["predict.bias"] = m.bOut;
    d[kPrefix + "format"] = torch::tensor({int64_t{1}});
    d[kPrefix + "feature_layout"] = torch::tensor({static_cast<int64_t>(m.layout)});
    d[kPrefix + "feature_layout_name"] = stringTensor(featureLayoutName(m.layout));
    d[kPrefix + "feature_shift"] = doubles(m.featureShift);
    d[kPrefix + "feature_scale"] = doubles(m.featureScale);
    d[kPrefix + "target"] = torch::tensor({static_cast<int64_t>(m.logTarget ? 1 : 0)});
    d[kPrefix + "target_shift_scale"] = doubles({m.targetShift, m.targetScale});
    d[kPrefix + "interval"] = doubles({m.level, m.logLow, m.logHigh});
    std::vector<double> held;
    for (const auto& r : m.heldOut) {
        held.insert(held.end(), r.features.begin(), r.features.end());
        held.insert(held.end(), {r.measuredMs, r.predictedMs, r.lowMs, r.highMs});
    }
    d[kPrefix + "held_out"] = doubles(held).view({static_cast<int64_t>(m.heldOut.size()), 14});
    d[kPrefix + "description"] = stringTensor(m.description);
    d[kPrefix + "hat_file"] = torch::tensor({static_cast<int64_t>(m.hatFile)});
    if (!m.spaceYaml.empty()) d[kPrefix + "space_yaml"] = stringTensor(m.spaceYaml);
    saveTensorDict(d, path);
}

LatencyPredictor LatencyPredictor::load(const std::string& path, double hatLatNorm) {
    return loadBytes(readFileBytes(path), path, hatLatNorm);
}

LatencyPredictor LatencyPredictor::loadBytes(const std::vector<char>& bytes, const std::string& path,
                                             double hatLatNorm) {
    const TensorDict d = tensorDictFromBytes(bytes, path);
    auto impl = std::make_shared<Impl>();
    impl->source = path;
    impl->setWeights(d, path);
    const int64_t inputs = impl->w0.size(1);
    auto meta = [&](const std::string& key) -> const torch::Tensor& {
        const auto it = d.find(kPrefix + key);
        if (it == d.end()) fail(path, "missing '" + kPrefix + key + "'");
        return it->second;
    };
    if (!d.count(kPrefix + "format")) {
        // HAT's own predictor: a bare Net state dict, 10 features / feature_norm, output x lat_norm.
        const double latNorm = hatLatNorm > 0 ? hatLatNorm : hatLatNormForName(path);
        if (latNorm <= 0) {
            fail(path, "a bare HAT predictor without our metadata; give its lat_norm (200 TITAN Xp, "
                       "300 Xeon, 5000 Raspberry Pi)");
        }
        if (inputs != 10) {
            fail(path, "a bare HAT predictor must take HAT's 10 features; this network takes " +
                           std::to_string(inputs));
        }
        impl->hatFile = true;
        impl->layout = FeatureLayout::Hat10;
        impl->featureShift.assign(10, 0.0);
        impl->featureScale = kHatFeatureNorm;
        impl->targetScale = latNorm;
        impl->description = "HAT's predictor " + std::filesystem::path(path).filename().string() +
                            " (10 features / feature_norm, lat_norm " +
                            std::to_string(static_cast<int>(latNorm)) + ")";
    } else {
        const int64_t format = meta("format").item<int64_t>();
        if (format != 1) {
            fail(path, "predictor format " + std::to_string(format) +
                           " is newer than this version of HAT Explorer (reads format 1)");
        }
        const int64_t layout = meta("feature_layout").item<int64_t>();
        if (layout != static_cast<int64_t>(FeatureLayout::Hat10) &&
            layout != static_cast<int64_t>(FeatureLayout::Hat10Products)) {
            const auto name = d.count(kPrefix + "feature_layout_name")
                                  ? tensorString(d.at(kPrefix + "feature_layout_name"))
                                  : std::string("?");
            fail(path, "unknown feature layout " + std::to_string(layout) + " ('" + name +
                           "'); this version knows hat10 and hat10+products");
        }
        impl->layout = static_cast<FeatureLayout>(layout);
        const int F = featureCount(impl->layout);
        if (inputs != F) {
            fail(path, "the network takes " + std::to_string(inputs) + " features but its layout '" +
                           featureLayoutName(impl->layout) + "' has " + std::to_string(F));
        }
        impl->featureShift = toDoubles(meta("feature_shift"));
        impl->featureScale = toDoubles(meta("feature_scale"));
        if (static_cast<int>(impl->featureShift.size()) != F ||
            static_cast<int>(impl->featureScale.size()) != F) {
            fail(path, "feature normalisation has the wrong length for layout '" +
                           std::string(featureLayoutName(impl->layout)) + "'");
        }
        impl->logTarget = meta("target").item<int64_t>() == 1;
        const auto ts = toDoubles(meta("target_shift_scale"));
        const auto iv = toDoubles(meta("interval"));
        if (ts.size() != 2 || iv.size() != 3) fail(path, "malformed target or interval metadata");
        impl->targetShift = ts[0];
        impl->targetScale = ts[1];
        impl->level = iv[0];
        impl->logLow = iv[1];
        impl->logHigh = iv[2];
        const auto held = toDoubles(meta("held_out"));
        for (size_t r = 0; r + 14 <= held.size(); r += 14) {
            HeldOutRow h;
            std::copy(held.begin() + r, held.begin() + r + 10, h.features.begin());
            h.measuredMs = held[r + 10];
            h.predictedMs = held[r + 11];
            h.lowMs = held[r + 12];
            h.highMs = held[r + 13];
            impl->heldOut.push_back(h);
        }
        impl->description = tensorString(meta("description"));
        impl->hatFile = d.count(kPrefix + "hat_file") && d.at(kPrefix + "hat_file").item<int64_t>();
        if (d.count(kPrefix + "space_yaml")) impl->spaceYaml = tensorString(d.at(kPrefix + "space_yaml"));
    }
    LatencyPredictor p;
    p.impl_ = impl;
    return p;
}

}  // namespace hat

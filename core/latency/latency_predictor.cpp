// The facade: each job lives in its own file (predictor_features, _network, _model, _fit,
// _crossfit, _training, _calibration, _file); this one only holds a shared PredictorModel.
#include "core/latency/latency_predictor.h"

#include <cmath>
#include <utility>

#include "core/latency/predictor_file.h"
#include "core/latency/predictor_model.h"
#include "core/latency/predictor_training.h"
#include "core/space/design_space.h"
#include "core/space/sub_config.h"
#include "core/util/error.h"

namespace hat {

struct LatencyPredictor::Impl : PredictorModel {
    explicit Impl(PredictorModel m) : PredictorModel(std::move(m)) {}
};

LatencyPredictor::LatencyPredictor() = default;
LatencyPredictor::~LatencyPredictor() = default;
LatencyPredictor::LatencyPredictor(const LatencyPredictor&) = default;
LatencyPredictor& LatencyPredictor::operator=(const LatencyPredictor&) = default;
LatencyPredictor::LatencyPredictor(LatencyPredictor&&) noexcept = default;
LatencyPredictor& LatencyPredictor::operator=(LatencyPredictor&&) noexcept = default;

LatencyPredictor LatencyPredictor::train(const LatencyDataset& rows,
                                         const PredictorTrainOptions& options) {
    LatencyPredictor p;
    p.impl_ = std::make_shared<Impl>(trainPredictor(rows, options));
    return p;
}

LatencyPredictor LatencyPredictor::load(const std::string& path, double hatLatNorm) {
    return loadBytes(readFileBytes(path), path, hatLatNorm);
}

LatencyPredictor LatencyPredictor::loadBytes(const std::vector<char>& bytes,
                                             const std::string& name, double hatLatNorm) {
    LatencyPredictor p;
    p.impl_ = std::make_shared<Impl>(readPredictorFile(bytes, name, hatLatNorm));
    return p;
}

void LatencyPredictor::save(const std::string& path) const {
    if (!impl_) throw Error("no latency predictor to save");
    savePredictorFile(*impl_, path);
}

bool LatencyPredictor::valid() const { return impl_ != nullptr; }
FeatureLayout LatencyPredictor::layout() const { return impl_->layout; }
int LatencyPredictor::hiddenLayers() const { return impl_->net->hiddenLayers(); }
bool LatencyPredictor::isHatFile() const { return impl_->hatFile; }
std::string LatencyPredictor::description() const { return impl_->description; }
const std::string& LatencyPredictor::source() const { return impl_->source; }
bool LatencyPredictor::hasInterval() const { return impl_ && !std::isnan(impl_->interval.logLow); }
double LatencyPredictor::intervalLevel() const { return impl_->interval.level; }
const std::vector<HeldOutRow>& LatencyPredictor::heldOut() const { return impl_->heldOut; }
const std::string& LatencyPredictor::spaceYaml() const { return impl_->spaceYaml; }

void LatencyPredictor::setSpace(const DesignSpace& space) {
    impl_ = std::make_shared<Impl>(*impl_);  // copies share the network; metadata is per copy
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
    return summarizePredictions(rows.totalsMs(), estimateBatch(featuresOf(rows)));
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
    const auto f = featuresOf(rows);
    std::vector<double> predicted;
    for (const auto& e : fresh->estimate(f)) predicted.push_back(e.ms);
    const auto measured = rows.totalsMs();
    fresh->interval = conformalInterval(measured, predicted, level);
    fresh->heldOut = heldOutRows(f, measured, predicted, fresh->interval);
    impl_ = fresh;
}

}  // namespace hat

#include "core/latency/predictor_training.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>

#include "core/latency/predictor_crossfit.h"
#include "core/latency/predictor_fit.h"
#include "core/util/error.h"

namespace hat {

namespace {

void setUpHatRecipe(PredictorModel& m, const LatencyDataset& rows, const PredictorTrainOptions& o) {
    const double latNorm = o.hatLatNorm > 0 ? o.hatLatNorm : hatLatNormForName(rows.source);
    if (latNorm <= 0) fail(rows.source, "HAT's recipe needs a lat_norm (not a HAT dataset name)");
    m.layout = FeatureLayout::Hat10;
    m.features = hatNormalisation();
    m.targetScale = latNorm;
    m.description =
        "HAT recipe (10 features / feature_norm, Adam lr 1e-5, 5000 steps, batch 128, "
        "lat_norm " +
        std::to_string(static_cast<int>(latNorm)) + ")";
}

void setUpStandardised(PredictorModel& m, const LatencyDataset& rows,
                       const PredictorTrainOptions& o) {
    const double n = static_cast<double>(rows.size());
    m.layout = o.layout;
    m.features = standardisation(o.layout, featuresOf(rows));
    m.logTarget = o.logTarget;
    std::vector<double> t;
    for (double ms : rows.totalsMs()) t.push_back(o.logTarget ? std::log(ms) : ms);
    const double mean = std::accumulate(t.begin(), t.end(), 0.0) / n;
    double v = 0;
    for (double x : t) v += (x - mean) * (x - mean);
    m.targetShift = mean;
    m.targetScale = std::max(1e-9, std::sqrt(v / n));
    m.description = std::string(featureLayoutName(o.layout)) + " MLP, " +
                    std::to_string(o.hiddenLayers + 1) + " hidden layers of " +
                    std::to_string(o.hiddenDim) + (o.logTarget ? ", log-latency target" : "") +
                    ", Adam lr " + std::to_string(o.lr).substr(0, 6) + " cosine, " +
                    std::to_string(o.steps) + " steps, " + std::to_string(o.folds) +
                    "-fold cross-fitting, seed " + std::to_string(o.seed);
}

TrainingRows normalisedRows(const PredictorModel& m, const LatencyDataset& rows) {
    TrainingRows t;
    t.totalsMs = rows.totalsMs();
    for (size_t i = 0; i < rows.size(); ++i) {
        t.x.push_back(normalisedFeatures(m.layout, m.features, rows.samples[i].features));
        t.y.push_back(m.toTarget(t.totalsMs[i]));
    }
    return t;
}

// Every row trains, none validates.
FitRows everyRow(const torch::Tensor& x, const std::vector<double>& targets) {
    std::vector<size_t> all(targets.size());
    std::iota(all.begin(), all.end(), 0);
    FitRows r;
    r.xTrain = x;
    r.yTrain = floatValues(targets, all);
    return r;
}

// Makes the chosen fit (or blend of the two) the model's output: a single robust fit's mean
// scaling moves into the target transform; a blend's scalings are applied when distilling.
void adoptChoice(PredictorModel& m, const std::vector<CrossFit>& fits,
                 const std::vector<double>& weights, bool blended) {
    if (blended) {
        char buf[96];
        std::snprintf(buf, sizeof buf,
                      ", blend of %.2f MSE fit + %.2f L1 fit (weights chosen by held-out RMSE)",
                      weights[0], weights[1]);
        m.description += buf;
        return;
    }
    const CrossFit& best = fits[bestFit(fits)];
    if (best.robust) {
        if (m.logTarget) {
            m.targetShift += std::log(best.scale);
        } else {
            m.targetScale *= best.scale;
            m.targetShift *= best.scale;
        }
    }
    m.description += std::string(", ") + (best.robust ? "L1 loss + mean scaling" : "MSE loss") +
                     (fits.size() > 1 ? " (chosen by held-out RMSE)" : "");
}

// Synthetic architectures for the distillation, each feature drawn from a random row (the
// space's marginals), `distillSynthetic` per real row.
std::vector<std::vector<double>> syntheticRows(const PredictorModel& m, const LatencyDataset& rows,
                                               const PredictorTrainOptions& o) {
    const size_t n = rows.size();
    std::mt19937_64 rng(o.seed * 7919 + 5);
    const size_t count = static_cast<size_t>(std::max(0, o.distillSynthetic)) * n;
    std::vector<std::vector<double>> out;
    for (size_t k = 0; k < count; ++k) {
        LatencyFeatures f{};
        for (size_t j = 0; j < f.size(); ++j) f[j] = rows.samples[rng() % n].features[j];
        out.push_back(normalisedFeatures(m.layout, m.features, f));
    }
    return out;
}

// The fold models' prediction on `x` as a normalised target: each fit's fold average, taken in
// the network's output space, turned into ms (with a blend's mean scaling) and weighted.
std::vector<double> ensembleTargets(const PredictorModel& m, const std::vector<CrossFit>& fits,
                                    const std::vector<double>& weights, bool blended,
                                    const torch::Tensor& x) {
    const int64_t rows = x.size(0);
    torch::InferenceMode guard;
    std::vector<double> ms(rows, 0.0);
    for (size_t c = 0; c < fits.size(); ++c) {
        if (weights[c] == 0.0) continue;
        torch::Tensor avg = torch::zeros({rows});
        for (const auto& w : fits[c].weights) avg += PredictorNet(w, m.source)->forward(x);
        avg /= static_cast<double>(fits[c].weights.size());
        // Without a blend the scale already sits in the target transform (adoptChoice).
        const double scale = blended ? fits[c].scale : 1.0;
        const float* p = avg.data_ptr<float>();
        for (int64_t i = 0; i < rows; ++i) ms[i] += weights[c] * scale * m.toMs(p[i]);
    }
    for (double& v : ms) v = m.toTarget(v);
    return ms;
}

// The fold models' average is a better fit than any one of them (their errors partly cancel),
// but costs K forward passes. One network of the same shape is trained on that average instead:
// its targets carry no measurement noise, so it can be fitted to convergence. Between the rows
// the one network may bend where the average does not, so it learns the average on synthetic
// architectures too.
void distill(PredictorModel& m, const LatencyDataset& rows, const TrainingRows& t,
             const std::vector<CrossFit>& fits, const std::vector<double>& weights, bool blended,
             const PredictorTrainOptions& o, int totalModels) {
    std::vector<std::vector<double>> x = t.x;
    const auto synthetic = syntheticRows(m, rows, o);
    x.insert(x.end(), synthetic.begin(), synthetic.end());
    const auto xAll = floatRows(x);
    const auto target = ensembleTargets(m, fits, weights, blended, xAll);
    const auto fit = fitNetwork(everyRow(xAll, target), o,
                                {false, 0, o.seed * 1000 + 999, totalModels - 1, totalModels});
    m.net = PredictorNet(fit.weights, rows.source);
    m.description +=
        ", distilled from the " + std::to_string(o.folds) + " fold models" +
        (synthetic.empty() ? std::string()
                           : " on " + std::to_string(synthetic.size()) + " synthetic rows too");
}

// The final model sees every row and stops where the folds did best (the median).
void refitAtMedianStep(PredictorModel& m, const TrainingRows& t, const std::vector<double>& targets,
                       const CrossFit& best, const PredictorTrainOptions& o, int totalModels) {
    std::vector<int> steps = best.bestSteps;
    std::sort(steps.begin(), steps.end());
    const int stop = steps[steps.size() / 2];
    const auto fit =
        fitNetwork(everyRow(floatRows(t.x), targets), o,
                   {best.robust, stop, o.seed * 1000 + 999, totalModels - 1, totalModels});
    m.net = PredictorNet(fit.weights, m.source);
    m.description += ", final fit stopped at step " + std::to_string(stop);
}

// Rows are in measurement order, and a device drifts: HAT's TITAN Xp rows have stretches of
// hundreds of consecutive measurements 15-20% slower than the rest (clocks, temperature). That
// is a property of when a row was measured, not of its architecture, so it is estimated from the
// neighbours in measurement order and divided out of the training targets.
std::vector<double> driftFreeTargets(PredictorModel& m, const TrainingRows& t,
                                     const CrossFitter& cross, const PredictorTrainOptions& o) {
    const CrossFit first = cross.fit(false, t.y, 0);
    std::vector<double> targets;
    for (double ms : driftFreeMs(t.totalsMs, first.oof, o.driftWindow)) {
        targets.push_back(m.toTarget(ms));
    }
    m.description += ", measurement drift removed (running median of " +
                     std::to_string(2 * std::max(1, o.driftWindow) + 1) + " rows)";
    return targets;
}

// Which loss suits this device's noise is decided by the held-out RMSE: heavy-tailed slow runs
// (HAT's Raspberry Pi rows) favour L1, near-Gaussian noise favours MSE. With distillation the two
// need not compete: their weighted average in ms is distilled instead (on HAT's sets a blend wins
// on six of eight).
void crossFitted(PredictorModel& m, const LatencyDataset& rows, const TrainingRows& t,
                 const PredictorTrainOptions& o) {
    const std::vector<bool> candidates =
        o.selectLoss ? std::vector<bool>{false, true} : std::vector<bool>{o.robust};
    const int totalModels =
        o.folds * (static_cast<int>(candidates.size()) + (o.removeDrift ? 1 : 0)) + 1;
    const CrossFitter cross(m, t, o, totalModels);
    const std::vector<double> targets = o.removeDrift ? driftFreeTargets(m, t, cross, o) : t.y;
    const int modelBase = o.removeDrift ? o.folds : 0;
    std::vector<CrossFit> fits;
    for (size_t c = 0; c < candidates.size(); ++c) {
        fits.push_back(
            cross.fit(candidates[c], targets, modelBase + static_cast<int>(c) * o.folds));
    }
    const size_t best = bestFit(fits);
    const auto weights = fitWeights(fits, t.totalsMs, o.distill);
    const bool blended = weights[best] != 1.0;
    adoptChoice(m, fits, weights, blended);
    const auto oof = weightedPredictions(fits, weights);
    m.interval = conformalInterval(t.totalsMs, oof, o.intervalLevel);
    m.heldOut = heldOutRows(featuresOf(rows), t.totalsMs, oof, m.interval);
    if (o.distill) {
        distill(m, rows, t, fits, weights, blended, o, totalModels);
    } else {
        refitAtMedianStep(m, t, targets, fits[best], o, totalModels);
    }
}

}  // namespace

PredictorModel trainPredictor(const LatencyDataset& rows, const PredictorTrainOptions& o) {
    if (rows.size() < 20) {
        fail(rows.source, "at least 20 measured rows are needed to train a predictor");
    }
    if (o.threads > 0) at::set_num_threads(o.threads);
    PredictorModel m;
    m.source = rows.source;
    if (o.hatRecipe) {
        setUpHatRecipe(m, rows, o);
    } else {
        setUpStandardised(m, rows, o);
    }
    m.description += ", trained on " + std::to_string(rows.size()) + " rows";
    const TrainingRows t = normalisedRows(m, rows);
    // Cross-fitting: model k never sees fold k, is early-stopped on it, and predicts it.
    if (!o.hatRecipe && o.folds >= 2) {
        crossFitted(m, rows, t, o);
    } else {
        const auto fit = fitNetwork(everyRow(floatRows(t.x), t.y), o,
                                    {o.robust && !o.hatRecipe, 0, o.seed * 1000 + 999, 0, 1});
        m.net = PredictorNet(fit.weights, m.source);
    }
    return m;
}

}  // namespace hat

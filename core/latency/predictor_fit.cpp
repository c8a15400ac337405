#include "core/latency/predictor_fit.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/util/error.h"

namespace hat {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Settings {
    int steps;
    double lr;
    int64_t batch;
    int64_t hidden;
    int hiddenLayers;
    bool hat;  // HAT's recipe: constant lr, HAT's batches, no averaging, no validation
};

Settings settingsFor(const PredictorTrainOptions& o, int64_t rows) {
    if (o.hatRecipe) return {5000, 1e-5, std::min<int64_t>(128, rows), 400, 3, true};
    return {o.steps, o.lr, std::min<int64_t>(o.batch, rows), o.hiddenDim, o.hiddenLayers, false};
}

// The rows each step trains on.
class BatchOrder {
  public:
    BatchOrder(size_t rows, int64_t batch, uint64_t seed, bool hatSampling)
        : rows_(rows),
          batch_(batch),
          state_(seed * 0x9E3779B97F4A7C15ull + 17),
          hat_(hatSampling),
          pos_(rows) {}

    torch::Tensor next() {
        std::vector<int64_t> idx(batch_);
        if (hat_) {
            // HAT: random.sample(range(n), 128) every step (no repeats within a batch).
            order_ = shuffledIndices(rows_, state_++);
            for (int64_t i = 0; i < batch_; ++i) idx[i] = static_cast<int64_t>(order_[i]);
        } else {
            // Ours: epochs of shuffled batches, so every row is seen equally often.
            if (pos_ + batch_ > rows_) {
                order_ = shuffledIndices(rows_, state_++);
                pos_ = 0;
            }
            for (int64_t i = 0; i < batch_; ++i) idx[i] = static_cast<int64_t>(order_[pos_ + i]);
            pos_ += batch_;
        }
        return torch::tensor(idx, torch::kLong);
    }

  private:
    size_t rows_;
    int64_t batch_;
    uint64_t state_;
    bool hat_;
    size_t pos_;
    std::vector<size_t> order_;
};

// From lr at the first step to lr * finalFactor at the last.
double cosineFactor(int step, int steps, double finalFactor) {
    const double t = static_cast<double>(step - 1) / std::max(1, steps - 1);
    return finalFactor + (1.0 - finalFactor) * 0.5 * (1.0 + std::cos(kPi * t));
}

void setLearningRate(torch::optim::Adam& opt, double lr) {
    for (auto& g : opt.param_groups()) static_cast<torch::optim::AdamOptions&>(g.options()).lr(lr);
}

// An exponential moving average of the weights is what gets validated and kept: it averages the
// last few hundred steps' networks, which smooths the fit of noisy rows at no cost at prediction
// time. The average's network is drawn like the live one rather than copied, so LibTorch's
// generator ends a fit where it always did.
class WeightAverage {
  public:
    WeightAverage(const PredictorNet& live, PredictorNet average, double decay)
        : average_(std::move(average)),
          live_(live->parameters()),
          shadow_(average_->parameters()),
          decay_(decay) {
        torch::NoGradGuard g;
        for (size_t i = 0; i < live_.size(); ++i) shadow_[i].copy_(live_[i]);
    }
    bool active() const { return decay_ > 0.0; }
    const PredictorNet& net() const { return average_; }

    void update(int step) {
        if (!active()) return;
        torch::NoGradGuard g;
        const double d = std::min(decay_, (1.0 + step) / (10.0 + step));
        for (size_t i = 0; i < live_.size(); ++i) shadow_[i].mul_(d).add_(live_[i], 1.0 - d);
    }

  private:
    PredictorNet average_;
    std::vector<torch::Tensor> live_, shadow_;
    double decay_;
};

torch::Tensor lossOf(const torch::Tensor& pred, const torch::Tensor& y, bool robust) {
    return robust ? torch::l1_loss(pred, y) : torch::mse_loss(pred, y);
}

double validationLoss(const PredictorNet& net, const FitRows& r, bool robust) {
    torch::NoGradGuard g;
    return lossOf(net->forward(r.xValid), r.yValid, robust).item<double>();
}

}  // namespace

Fitted fitNetwork(const FitRows& r, const PredictorTrainOptions& o, const FitJob& job) {
    const int64_t inputs = r.xTrain.size(1);
    const Settings s = settingsFor(o, r.xTrain.size(0));
    torch::manual_seed(job.seed);
    PredictorNet net(inputs, s.hidden, s.hiddenLayers);
    torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(s.lr));
    WeightAverage average(net, PredictorNet(inputs, s.hidden, s.hiddenLayers),
                          s.hat ? 0.0 : o.emaDecay);
    const PredictorNet& kept = average.active() ? average.net() : net;
    BatchOrder batches(static_cast<size_t>(r.xTrain.size(0)), s.batch, job.seed, s.hat);
    const bool robust = !s.hat && job.robust;
    const bool validate = !s.hat && r.xValid.defined() && r.xValid.size(0) > 0;
    Fitted out;
    for (int step = 1; step <= s.steps; ++step) {
        if (!s.hat) setLearningRate(opt, s.lr * cosineFactor(step, s.steps, o.finalLrFactor));
        const auto sel = batches.next();
        opt.zero_grad();
        auto loss = lossOf(net->forward(r.xTrain.index_select(0, sel)),
                           r.yTrain.index_select(0, sel), robust);
        loss.backward();
        opt.step();
        average.update(step);

        if (job.stopStep > 0 && step == job.stopStep) {
            out.weights = kept->weights();
            out.bestStep = step;
            break;
        }
        if (step % std::max(1, o.evalEvery) != 0 && step != s.steps) continue;
        double v = kNaN;
        if (validate) {
            v = validationLoss(kept, r, robust);
            if (v < out.bestLoss) {
                out.bestLoss = v;
                out.bestStep = step;
                out.weights = kept->weights();
            }
        }
        if (o.cancel) o.cancel->throwIfCancelled();
        char lossText[48] = "";
        if (std::isfinite(v)) std::snprintf(lossText, sizeof lossText, ", validation loss %.4f", v);
        o.progress.report((job.model + double(step) / s.steps) / job.models,
                          "model " + std::to_string(job.model + 1) + " of " + std::to_string(job.models) +
                              ", step " + std::to_string(step) + " of " + std::to_string(s.steps) + lossText);
    }
    if (out.weights.empty()) {
        out.weights = kept->weights();
        out.bestStep = s.steps;
    }
    return out;
}

}  // namespace hat

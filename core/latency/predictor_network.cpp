#include "core/latency/predictor_network.h"

#include <algorithm>
#include <utility>

#include "core/util/error.h"

namespace hat {

DenseImpl::DenseImpl(torch::Tensor weight, torch::Tensor bias, bool trainable) {
    weight_ = register_parameter("weight", std::move(weight), trainable);
    bias_ = register_parameter("bias", std::move(bias), trainable);
}

// torch::linear, as HAT's nn.Linear: the same BLAS call, so HAT's outputs reproduce bit for bit.
torch::Tensor DenseImpl::forward(const torch::Tensor& x) const {
    return torch::linear(x, weight_, bias_);
}

namespace {

// Exactly nn.Linear's initialisation and draws (kaiming-uniform weight, then the bias).
NetLayer drawn(int64_t in, int64_t out) {
    torch::nn::Linear l(in, out);
    return {l->weight, l->bias};
}

bool chains(const NetLayer& first, const std::vector<NetLayer>& hidden, const NetLayer& out) {
    if (first.weight.dim() != 2) return false;
    const int64_t h = first.weight.size(0);
    bool ok = first.bias.numel() == h && out.weight.dim() == 2 && out.weight.size(0) == 1 &&
              out.weight.size(1) == h && out.bias.numel() == 1;
    for (const auto& l : hidden) {
        ok = ok && l.weight.dim() == 2 && l.weight.size(0) == h && l.weight.size(1) == h &&
             l.bias.numel() == h;
    }
    return ok;
}

}  // namespace

PredictorNetImpl::PredictorNetImpl(int64_t inputs, int64_t hidden, int hiddenLayers) {
    // Drawn in Net's order, so a seed gives the initial weights it always gave.
    const NetLayer first = drawn(inputs, hidden);
    std::vector<NetLayer> middle;
    middle.reserve(static_cast<size_t>(std::max(0, hiddenLayers)));
    for (int i = 0; i < hiddenLayers; ++i) middle.push_back(drawn(hidden, hidden));
    const NetLayer out = drawn(hidden, 1);
    build(first, middle, out, true);
}

PredictorNetImpl::PredictorNetImpl(const TensorDict& d, const std::string& file) {
    auto get = [&](const std::string& key) {
        const auto it = d.find(key);
        if (it == d.end()) fail(file, "missing '" + key + "': not a latency predictor");
        return it->second.detach().to(torch::kFloat).contiguous().clone();
    };
    const NetLayer first{get("first_layer.weight"), get("first_layer.bias")};
    const NetLayer out{get("predict.weight"), get("predict.bias")};
    std::vector<NetLayer> middle;
    for (int i = 0; d.count("layers." + std::to_string(i) + ".weight"); ++i) {
        const std::string key = "layers." + std::to_string(i);
        middle.push_back({get(key + ".weight"), get(key + ".bias")});
    }
    if (!chains(first, middle, out)) {
        fail(file, "the MLP's layer shapes do not chain (first_layer -> layers.* -> predict)");
    }
    build(first, middle, out, false);
}

// Registered in Net's order under Net's names, so the state-dict keys are HAT's.
void PredictorNetImpl::build(const NetLayer& first, const std::vector<NetLayer>& middle,
                             const NetLayer& out, bool trainable) {
    inputs_ = first.weight.size(1);
    first_ = register_module("first_layer", Dense(first.weight, first.bias, trainable));
    layers_ = register_module("layers", torch::nn::ModuleList());
    for (const auto& l : middle) layers_->push_back(Dense(l.weight, l.bias, trainable));
    predict_ = register_module("predict", Dense(out.weight, out.bias, trainable));
}

torch::Tensor PredictorNetImpl::forward(const torch::Tensor& x) const {
    auto h = torch::relu(first_->forward(x));
    for (const auto& l : *layers_) h = torch::relu(l->as<DenseImpl>()->forward(h));
    return predict_->forward(h).view({-1});
}

TensorDict PredictorNetImpl::weights() const {
    TensorDict d;
    for (const auto& p : named_parameters(true)) d[p.key()] = p.value().detach().clone();
    return d;
}

torch::Tensor floatRows(const std::vector<std::vector<double>>& rows,
                        const std::vector<size_t>& pick) {
    const int64_t F = rows.empty() ? 0 : static_cast<int64_t>(rows[0].size());
    auto t = torch::empty({static_cast<int64_t>(pick.size()), F}, torch::kFloat);
    float* p = t.data_ptr<float>();
    for (size_t i = 0; i < pick.size(); ++i) {
        for (int64_t j = 0; j < F; ++j) p[i * F + j] = static_cast<float>(rows[pick[i]][j]);
    }
    return t;
}

torch::Tensor floatRows(const std::vector<std::vector<double>>& rows) {
    std::vector<size_t> all(rows.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;
    return floatRows(rows, all);
}

torch::Tensor floatValues(const std::vector<double>& values, const std::vector<size_t>& pick) {
    auto t = torch::empty({static_cast<int64_t>(pick.size())}, torch::kFloat);
    float* p = t.data_ptr<float>();
    for (size_t i = 0; i < pick.size(); ++i) p[i] = static_cast<float>(values[pick[i]]);
    return t;
}

}  // namespace hat

#pragma once
// The latency predictor's network, HAT's Net (latency_predictor.py) with the depth as a parameter:
// Linear(F -> H), ReLU, hiddenLayers x [Linear(H -> H), ReLU], Linear(H -> 1). The one
// implementation both for training and for predicting, HAT's own files included.
// Internal to core/latency (torch types).
#include <torch/torch.h>

#include <string>
#include <vector>

#include "core/model/checkpoint.h"

namespace hat {

// nn.Linear's computation on given tensors. Not torch::nn::Linear because that draws a random
// initialisation from LibTorch's global generator on construction: loading a predictor must not
// move other code's random stream (nor pay for three 400x400 draws it throws away).
class DenseImpl : public torch::nn::Module {
  public:
    DenseImpl(torch::Tensor weight, torch::Tensor bias, bool trainable);
    torch::Tensor forward(const torch::Tensor& x) const;

  private:
    torch::Tensor weight_, bias_;
};
TORCH_MODULE(Dense);

// One Linear's tensors: weight [out, in], bias [out].
struct NetLayer {
    torch::Tensor weight, bias;
};

class PredictorNetImpl : public torch::nn::Module {
  public:
    // nn.Linear's random initialisation, layer by layer in Net's order (where training starts).
    PredictorNetImpl(int64_t inputs, int64_t hidden, int hiddenLayers);
    // Given weights under HAT's state-dict keys (first_layer.*, layers.<i>.*, predict.*), not
    // trainable; refuses a dict whose layers are missing or do not chain.
    PredictorNetImpl(const TensorDict& weights, const std::string& file);

    // Normalised float32 features (N, F) -> (N) float32 outputs.
    torch::Tensor forward(const torch::Tensor& x) const;

    // Detached copies under HAT's keys: a snapshot while training, the network part of a file.
    TensorDict weights() const;
    int64_t inputs() const { return inputs_; }
    int hiddenLayers() const { return static_cast<int>(layers_->size()); }

  private:
    void build(const NetLayer& first, const std::vector<NetLayer>& middle, const NetLayer& out,
               bool trainable);

    int64_t inputs_ = 0;
    Dense first_{nullptr}, predict_{nullptr};
    torch::nn::ModuleList layers_;
};
TORCH_MODULE(PredictorNet);

// Rows of normalised features as the network's float32 input (N, F), one rounding per value;
// `pick` selects and orders the rows.
torch::Tensor floatRows(const std::vector<std::vector<double>>& rows,
                        const std::vector<size_t>& pick);
torch::Tensor floatRows(const std::vector<std::vector<double>>& rows);
// Values as a float32 vector (N), `pick` selecting.
torch::Tensor floatValues(const std::vector<double>& values, const std::vector<size_t>& pick);

}  // namespace hat

#include "core/model/weight_quantization.h"

#include "core/util/error.h"

namespace hat {

namespace {

int64_t levelsOf(int bits) {
    if (bits < 2 || bits > 8) throw Error("weights quantize to 2..8 bits, not " + std::to_string(bits));
    return (int64_t{1} << (bits - 1)) - 1;  // symmetric: -127..127 at 8 bits, -7..7 at 4
}

}  // namespace

torch::Tensor symmetricRowScales(const torch::Tensor& weight, int bits) {
    const double levels = static_cast<double>(levelsOf(bits));
    auto maxAbs = weight.detach().abs().amax(1).to(torch::kFloat);
    return torch::where(maxAbs > 0, maxAbs / levels, torch::ones_like(maxAbs));
}

torch::Tensor quantizeRowsInt8(const torch::Tensor& weight, int bits) {
    const auto scales = symmetricRowScales(weight, bits).to(torch::kDouble);
    const auto zeros = torch::zeros({weight.size(0)}, torch::kLong);
    // Rounded and clamped here so a 4-bit weight holds only -7..7 inside its qint8 storage.
    const int64_t levels = levelsOf(bits);
    auto ints = torch::round(weight.detach().to(torch::kFloat) / scales.to(torch::kFloat).unsqueeze(1))
                    .clamp(-levels, levels);
    return torch::quantize_per_channel(ints * scales.to(torch::kFloat).unsqueeze(1), scales, zeros, 0,
                                       torch::kQInt8);
}

torch::Tensor fakeQuantizeRows(const torch::Tensor& weight, int bits) {
    const int64_t levels = levelsOf(bits);
    const auto scales = symmetricRowScales(weight, bits);
    const auto zeros = torch::zeros({weight.size(0)}, torch::kInt);  // int32: the kernel wants it
    return at::fake_quantize_per_channel_affine(weight.detach().to(torch::kFloat), scales, zeros, 0,
                                                -levels, levels);
}

}  // namespace hat

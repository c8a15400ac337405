#include "core/search/quality_surrogate.h"

#include <algorithm>
#include <cmath>

#include "core/space/arch_metrics.h"
#include "core/space/sub_config.h"
#include "core/util/rank_correlation.h"

namespace hat {

namespace {

using Matrix = std::vector<std::vector<double>>;

// Lower-triangular L with L L^T = a (a is symmetric positive definite: X^T X plus a ridge).
Matrix cholesky(const Matrix& a) {
    const size_t p = a.size();
    Matrix l(p, std::vector<double>(p, 0.0));
    for (size_t i = 0; i < p; ++i) {
        for (size_t j = 0; j <= i; ++j) {
            double s = a[i][j];
            for (size_t k = 0; k < j; ++k) s -= l[i][k] * l[j][k];
            l[i][j] = i == j ? std::sqrt(std::max(s, 1e-12)) : s / l[j][j];
        }
    }
    return l;
}

// Solves L z = b.
std::vector<double> forward(const Matrix& l, const std::vector<double>& b) {
    std::vector<double> z(b.size());
    for (size_t i = 0; i < b.size(); ++i) {
        double s = b[i];
        for (size_t k = 0; k < i; ++k) s -= l[i][k] * z[k];
        z[i] = s / l[i][i];
    }
    return z;
}

// Solves L^T x = z.
std::vector<double> backward(const Matrix& l, const std::vector<double>& z) {
    const size_t p = z.size();
    std::vector<double> x(p);
    for (size_t i = p; i-- > 0;) {
        double s = z[i];
        for (size_t k = i + 1; k < p; ++k) s -= l[k][i] * x[k];
        x[i] = s / l[i][i];
    }
    return x;
}

}  // namespace

QualitySurrogate::QualitySurrogate(const DesignSpace& space) : space_(space) {}

void QualitySurrogate::add(const Gene& gene, double loss) {
    if (!std::isfinite(loss) || !geneIsValid(gene, space_)) return;
    losses_.emplace(canonicalGene(gene, space_), loss);
}

std::vector<double> QualitySurrogate::features(const Gene& gene) const {
    const SubConfig c = geneToConfig(canonicalGene(gene, space_), space_);
    std::vector<double> f;
    auto oneHot = [&](int value, const std::vector<int>& choices, bool used) {
        for (int choice : choices) f.push_back(used && value == choice ? 1.0 : 0.0);
    };
    oneHot(c.encoderEmbedDim, space_.encoderEmbedChoice, true);
    oneHot(c.encoderLayerNum, space_.encoderLayerNumChoice, true);
    oneHot(c.decoderEmbedDim, space_.decoderEmbedChoice, true);
    oneHot(c.decoderLayerNum, space_.decoderLayerNumChoice, true);
    double encFfn = 0, decFfn = 0;
    for (int l = 0; l < space_.superEncoderLayers; ++l) {
        const bool used = l < c.encoderLayerNum;
        oneHot(c.encoderFfnDim[size_t(l)], space_.encoderFfnChoice, used);
        oneHot(c.encoderSelfHeads[size_t(l)], space_.encoderSelfHeadsChoice, used);
        if (used) encFfn += c.encoderFfnDim[size_t(l)];
    }
    for (int l = 0; l < space_.superDecoderLayers; ++l) {
        const bool used = l < c.decoderLayerNum;
        oneHot(c.decoderFfnDim[size_t(l)], space_.decoderFfnChoice, used);
        oneHot(c.decoderSelfHeads[size_t(l)], space_.decoderSelfHeadsChoice, used);
        oneHot(c.decoderEndeHeads[size_t(l)], space_.decoderEndeHeadsChoice, used);
        oneHot(c.decoderArbitraryEndeAttn[size_t(l)], space_.decoderArbitraryChoice, used);
        if (used) decFfn += c.decoderFfnDim[size_t(l)];
    }
    // Sizes as numbers, so that what one-hot columns cannot share (a wider layer is usually
    // better) is learnt from few samples.
    const double encEmbed = double(c.encoderEmbedDim) / space_.superEncoderEmbedDim;
    const double decEmbed = double(c.decoderEmbedDim) / space_.superDecoderEmbedDim;
    const double encLayers = double(c.encoderLayerNum) / space_.superEncoderLayers;
    const double decLayers = double(c.decoderLayerNum) / space_.superDecoderLayers;
    const double encWidth = encFfn / (double(space_.superEncoderFfnDim) * space_.superEncoderLayers);
    const double decWidth = decFfn / (double(space_.superDecoderFfnDim) * space_.superDecoderLayers);
    const double params = std::log(double(std::max<int64_t>(1, hatParameterCount(c, space_.qkvDim))));
    for (double v : {encEmbed, decEmbed, encLayers, decLayers, encWidth, decWidth, params, encEmbed * encLayers,
                     decEmbed * decLayers, params * params})
        f.push_back(v);
    return f;
}

void QualitySurrogate::fit() {
    weights_.clear();
    const size_t n = losses_.size();
    meanLoss_ = 0;
    for (const auto& kv : losses_) meanLoss_ += kv.second / double(n ? n : 1);
    if (n < minSamples()) return;

    Matrix x;
    std::vector<double> y;
    x.reserve(n);
    for (const auto& [gene, loss] : losses_) {
        x.push_back(features(gene));
        y.push_back(loss - meanLoss_);
    }
    const size_t p = x.front().size();
    // Standardised columns: one ridge strength suits every feature; constant columns become 0.
    mean_.assign(p, 0.0);
    scale_.assign(p, 1.0);
    for (size_t j = 0; j < p; ++j) {
        double m = 0, v = 0;
        for (size_t i = 0; i < n; ++i) m += x[i][j];
        m /= double(n);
        for (size_t i = 0; i < n; ++i) v += (x[i][j] - m) * (x[i][j] - m);
        const double sd = std::sqrt(v / double(n));
        mean_[j] = m;
        scale_[j] = sd > 1e-12 ? sd : 0.0;
        for (size_t i = 0; i < n; ++i) x[i][j] = scale_[j] > 0 ? (x[i][j] - m) / scale_[j] : 0.0;
    }
    Matrix gram(p, std::vector<double>(p, 0.0));
    std::vector<double> xty(p, 0.0);
    for (size_t i = 0; i < n; ++i) {
        for (size_t a = 0; a < p; ++a) {
            const double xa = x[i][a];
            if (xa == 0.0) continue;
            xty[a] += xa * y[i];
            for (size_t b = 0; b <= a; ++b) gram[a][b] += xa * x[i][b];
        }
    }
    for (size_t a = 0; a < p; ++a)
        for (size_t b = 0; b < a; ++b) gram[b][a] = gram[a][b];

    // The ridge strength with the least leave-one-out error, from the closed form
    // e_i / (1 - h_i) with h_i = x_i^T (X^T X + lambda I)^-1 x_i.
    double bestErr = INFINITY;
    for (double relative : {1e-5, 1e-4, 1e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0}) {
        const double lambda = relative * double(n);
        Matrix a = gram;
        for (size_t j = 0; j < p; ++j) a[j][j] += lambda;
        const Matrix l = cholesky(a);
        const std::vector<double> w = backward(l, forward(l, xty));
        double err = 0;
        std::vector<double> loo(n);
        for (size_t i = 0; i < n; ++i) {
            const std::vector<double> z = forward(l, x[i]);
            double h = 0, pred = 0;
            for (size_t j = 0; j < p; ++j) {
                h += z[j] * z[j];
                pred += w[j] * x[i][j];
            }
            const double e = (y[i] - pred) / std::max(1e-6, 1.0 - h);
            err += e * e;
            loo[i] = y[i] - e;
        }
        if (err < bestErr) {
            bestErr = err;
            weights_ = w;
            ridge_ = lambda;
            looRmse_ = std::sqrt(err / double(n));
            looSpearman_ = spearman(loo, y);
        }
    }
}

double QualitySurrogate::predict(const Gene& gene) const {
    if (!fitted()) return meanLoss_;
    const std::vector<double> f = features(gene);
    double s = meanLoss_;
    for (size_t j = 0; j < f.size() && j < weights_.size(); ++j) {
        if (scale_[j] > 0) s += weights_[j] * (f[j] - mean_[j]) / scale_[j];
    }
    return s;
}

}  // namespace hat

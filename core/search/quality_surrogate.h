#pragma once
// A fast stand-in for the supernet's validation loss inside the evolution (issue 19, as DyNAS-T's
// LINAS does): ridge regression from an architecture's layer choices to the loss, refitted on every
// loss the run has measured. The evolution breeds several times more children than it scores,
// ranks them by this model and sends only the most promising to the supernet; what it scores is
// always the supernet's exact loss, so stored evaluations keep their meaning.
#include <cstddef>
#include <map>
#include <vector>

#include "core/space/design_space.h"
#include "core/space/gene.h"

namespace hat {

class QualitySurrogate {
public:
    explicit QualitySurrogate(const DesignSpace& space);

    // A measured loss (NaN and infinities are ignored; a gene seen before keeps its first loss).
    void add(const Gene& gene, double loss);
    size_t samples() const { return losses_.size(); }

    // Refits on every sample, choosing the ridge strength with the least leave-one-out error.
    // Needs at least `minSamples()`; before that predict() is the mean loss.
    void fit();
    static size_t minSamples() { return 20; }
    bool fitted() const { return !weights_.empty(); }

    double predict(const Gene& gene) const;
    // The leave-one-out root-mean-square error and Spearman rank correlation of the last fit.
    double looRmse() const { return looRmse_; }
    double looSpearman() const { return looSpearman_; }
    double ridge() const { return ridge_; }

    // The feature vector of a gene (its canonical architecture): one-hot choices of the used
    // layers, and a few sizes as numbers. Public for the tests.
    std::vector<double> features(const Gene& gene) const;

private:
    DesignSpace space_;
    std::map<Gene, double> losses_;  // by canonical gene
    std::vector<double> mean_, scale_, weights_;
    double meanLoss_ = 0.0, looRmse_ = 0.0, looSpearman_ = 0.0, ridge_ = 0.0;
};

}  // namespace hat

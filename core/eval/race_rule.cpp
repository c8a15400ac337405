#include "core/eval/race_rule.h"

#include <cmath>
#include <limits>
#include <numeric>

#include "core/util/error.h"

namespace hat {

std::vector<size_t> raceOrder(size_t n) {
    std::vector<size_t> order;
    std::vector<bool> taken(n, false);
    // Radical inverse in base 2 of 0, 1, 2, ... picks positions that halve the gaps each round.
    for (uint64_t i = 0; order.size() < n && i < 4 * static_cast<uint64_t>(n) + 4; ++i) {
        double x = 0.0, f = 0.5;
        for (uint64_t k = i; k > 0; k >>= 1, f *= 0.5) x += (k & 1) * f;
        const size_t b = std::min(n - 1, static_cast<size_t>(x * static_cast<double>(n)));
        if (!taken[b]) {
            taken[b] = true;
            order.push_back(b);
        }
    }
    for (size_t b = 0; b < n; ++b) {
        if (!taken[b]) order.push_back(b);
    }
    return order;
}

RaceRule::RaceRule(SentenceLosses profile, std::vector<int64_t> tokens, RaceSettings settings)
    : profile_(std::move(profile)), tokens_(std::move(tokens)), settings_(settings) {
    if (profile_.size() != tokens_.size() || profile_.empty()) {
        throw Error("race profile: one list of sentence losses per batch is needed");
    }
    for (const auto& batch : profile_) {
        double sum = 0.0;
        for (double p : batch) {
            if (!(p > 0) || !std::isfinite(p)) throw Error("race profile: sentence losses must be positive");
            sum += p;
        }
        profileSum_.push_back(sum);
    }
    totalTokens_ = std::accumulate(tokens_.begin(), tokens_.end(), int64_t{0});
    order_ = raceOrder(tokens_.size());
}

double RaceRule::share(size_t done) const {
    int64_t seen = 0;
    for (size_t i = 0; i < done && i < order_.size(); ++i) seen += tokens_[order_[i]];
    return totalTokens_ > 0 ? double(seen) / double(totalTokens_) : 1.0;
}

double RaceRule::lowerBound(const SentenceLosses& loss, size_t done) const {
    const double perBit = 1.0 / (double(totalTokens_) * std::log(2.0));
    double seenLoss = 0.0, seenProfile = 0.0;
    size_t sentences = 0;
    for (size_t i = 0; i < done; ++i) {
        const size_t b = order_[i];
        for (double c : loss[b]) seenLoss += c;
        seenProfile += profileSum_[b];
        sentences += loss[b].size();
    }
    if (done >= order_.size()) return seenLoss * perBit;
    if (share(done) < settings_.minShare || sentences < 3) return -std::numeric_limits<double>::infinity();
    const double ratio = seenLoss / seenProfile;
    double spread = 0.0;  // sum of squared residuals, each over its profile
    for (size_t i = 0; i < done; ++i) {
        const size_t b = order_[i];
        for (size_t r = 0; r < loss[b].size(); ++r) {
            const double e = loss[b][r] - ratio * profile_[b][r];
            spread += e * e / profile_[b][r];
        }
    }
    const double tau2 = spread / double(sentences - 1);
    double restProfile = 0.0;
    for (size_t i = done; i < order_.size(); ++i) restProfile += profileSum_[order_[i]];
    // Error of ratio x rest: the ratio's own error carried over the rest, plus the rest's noise.
    const double variance = tau2 * restProfile * (restProfile + seenProfile) / seenProfile;
    return (seenLoss + ratio * restProfile - settings_.sigmas * std::sqrt(variance)) * perBit;
}

RaceRule::Outcome RaceRule::simulate(const SentenceLosses& loss, double threshold) const {
    Outcome out;
    for (size_t done = 1; done <= order_.size(); ++done) {
        const double bound = lowerBound(loss, done);
        out.batches = done;
        out.share = share(done);
        out.lowerBound = bound;
        if (done < order_.size() && bound > threshold) {
            out.raced = true;
            return out;
        }
    }
    return out;
}

}  // namespace hat

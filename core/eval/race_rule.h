#pragma once
// Racing on the fitness set (issue 19). A candidate is evaluated a batch at a time, in an order
// that mixes short and long sentences, and stopped as soon as its loss so far shows, with a
// margin, that its full loss is above a threshold: in the evolution, the worst parent of the
// generation, which a child must beat to become a parent.
//
// The prediction pairs sentences: how hard a sentence is, is shared between architectures, so
// the candidate's loss on the sentences not yet evaluated is predicted from its ratio to a
// reference profile (the mean per-sentence loss of a few fixed architectures) on those that were
// (a ratio estimator). The margin is `sigmas` standard errors of that prediction, from the spread
// of the seen sentences around the ratio, a sentence's variance taken proportional to its profile
// (longer, harder sentences vary more). No torch here: the evaluator feeds it numbers.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace hat {

struct RaceSettings {
    double sigmas = 3.0;    // standard errors between the prediction and the bound
    double minShare = 0.25; // of the fitness set's target tokens evaluated before a stop
};

// Per batch, per row (sentence): a loss in nats.
using SentenceLosses = std::vector<std::vector<double>>;

class RaceRule {
public:
    // `profile`: the reference loss of every sentence, batch by batch (batches in the fitness
    // set's order, which holds similar lengths together); `tokens`: each batch's target tokens.
    RaceRule(SentenceLosses profile, std::vector<int64_t> tokens, RaceSettings settings = {});

    const std::vector<size_t>& order() const { return order_; }  // batches in race order
    const RaceSettings& settings() const { return settings_; }
    void setSettings(RaceSettings settings) { settings_ = settings; }
    size_t batches() const { return tokens_.size(); }
    // Share of the target tokens in the first `done` batches of order().
    double share(size_t done) const;
    // A lower bound, in bits per target token, of the full loss of a candidate whose first
    // `done` batches of order() have the sentence losses `loss[order()[i]]`; -inf while too few
    // tokens are seen to stop, the exact loss once every batch is.
    double lowerBound(const SentenceLosses& loss, size_t done) const;

    struct Outcome {
        bool raced = false;      // stopped before the last batch
        size_t batches = 0;      // evaluated
        double lowerBound = 0;   // bits per token when raced, else the full loss
        double share = 1.0;      // of the target tokens evaluated
    };
    // What the race does to a candidate whose every sentence's loss is known (benchmarks).
    Outcome simulate(const SentenceLosses& loss, double threshold) const;

private:
    SentenceLosses profile_;
    std::vector<int64_t> tokens_;
    RaceSettings settings_;
    std::vector<size_t> order_;
    std::vector<double> profileSum_;  // per batch
    int64_t totalTokens_ = 0;
};

// The race order of `n` length-sorted batches: a van der Corput sequence over their positions
// (first, middle, quarters, ...), so every prefix spans short to long sentences.
std::vector<size_t> raceOrder(size_t n);

}  // namespace hat

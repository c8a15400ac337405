#pragma once
// The search's fitness: validation loss with weights inherited from the SuperTransformer, on a
// fixed subset of the valid split (HAT_SPEC §6). Looks every gene up in the workspace database
// first and stores what it computes as it goes, so a re-search or a crash never recomputes.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/search/evolution.h"

namespace hat {

class Dictionary;
class WorkspaceDb;
struct TokenizedCorpus;

struct FitnessSetOptions {
    std::string corpusDir, sourceLang = "en", targetLang = "de";
    std::string subwordModel, dictionary;
    std::string split = "valid";
    int sentences = 64;      // N pairs of the split (0: all of it)
    // Evenly spaced over the split (every size/N-th pair), so a document-split set is sampled
    // across its documents; false: the first N pairs (workspaces made before this option).
    bool spread = true;
    // Padded tokens per batch. Small batches carry little padding: on the 64 default sentences
    // 79% of 256-token batches are real tokens against 37% at fairseq's 4,096, and an evaluation
    // takes 0.51x the time at 1/8 width, 0.52x at full width, the loss within 5e-7
    // (bench_fitness_batching; 128 and 512 were slower).
    int64_t maxTokens = 256;
};

struct ParallelText;
// The fitness set's sentence pairs as text (the chosen N of the split).
ParallelText loadFitnessText(const FitnessSetOptions& options);
// The fitness set's sentences, tokenised (pairs longer than 1022 tokens dropped).
TokenizedCorpus loadFitnessSet(const FitnessSetOptions& options, const Dictionary& dict);
// The fitness set's dictionary, refused (hat::Error naming it) unless it has the `vocabSize`
// symbols of the SuperTransformer in `checkpoint`.
Dictionary loadFitnessDictionary(const FitnessSetOptions& options, int64_t vocabSize, const std::string& checkpoint);

class SupernetFitness : public FitnessSource {
public:
    // Loads the checkpoint and tokenises the fitness set once; registers both in `db`.
    SupernetFitness(const std::string& checkpoint, const FitnessSetOptions& options, WorkspaceDb& db);
    ~SupernetFitness() override;

    std::vector<double> fitness(const std::vector<Gene>& genes, const CancelToken* cancel) override;
    // Racing (race_rule.h): stored evaluations are looked up as always and every full loss is
    // stored; a raced gene is not (its loss is unknown), but its bound is kept for this object's
    // life, so a gene raced again against a threshold at or below its bound costs nothing. The
    // first race evaluates the reference architectures of raceReferenceGenes() (not stored).
    std::vector<Score> race(const std::vector<Gene>& genes, const RaceRequest& request,
                            const CancelToken* cancel) override;

    // sacreBLEU (13a) of each gene's beam-search translations of the fitness set (beam 4, length
    // penalty 0.6, as HAT generates), looked up in the database first and stored there with the
    // validation loss as each finishes. NaN where cancelled. Reports "BLEU of N architecture(s)"
    // first, then "BLEU i of N: 21.37" after each.
    std::vector<double> bleu(const std::vector<Gene>& genes, const ProgressSink& progress = {},
                             const CancelToken* cancel = nullptr);

    int64_t supernetId() const;
    int64_t fitnessSetId() const;
    int computed() const;  // evaluations run by this object
    int reused() const;    // answered from the database
    int raced() const;     // races stopped early by this object
    double racedShare() const;  // mean share of the fitness set the stopped races evaluated

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

// Racing's reference profile comes from these: the space's smallest, middle and largest choice of
// every gene (fixed, so every process and every resume races alike).
std::vector<Gene> raceReferenceGenes(const DesignSpace& space);

// SHA-256-free content hash (FNV-1a 64) of a file, hex: identifies checkpoints and fitness sets.
std::string fileChecksum(const std::string& path);

}  // namespace hat

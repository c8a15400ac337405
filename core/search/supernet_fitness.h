#pragma once
// The search's fitness: validation loss with weights inherited from the SuperTransformer, on a
// fixed subset of the valid split (HAT_SPEC §6). Looks every gene up in the workspace database
// first and stores what it computes as it goes, so a re-search or a crash never recomputes.
#include <memory>
#include <string>
#include <vector>

#include "core/search/evolution.h"

namespace hat {

class WorkspaceDb;

struct FitnessSetOptions {
    std::string corpusDir, sourceLang = "en", targetLang = "de";
    std::string subwordModel, dictionary;
    std::string split = "valid";
    int sentences = 300;     // the first N usable pairs of the split
    int64_t maxTokens = 4096;
};

class SupernetFitness : public FitnessSource {
public:
    // Loads the checkpoint and tokenises the fitness set once; registers both in `db`.
    SupernetFitness(const std::string& checkpoint, const FitnessSetOptions& options, WorkspaceDb& db);
    ~SupernetFitness() override;

    std::vector<double> fitness(const std::vector<Gene>& genes, const CancelToken* cancel) override;

    int64_t supernetId() const;
    int64_t fitnessSetId() const;
    int computed() const;  // evaluations run by this object
    int reused() const;    // answered from the database

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

// SHA-256-free content hash (FNV-1a 64) of a file, hex: identifies checkpoints and fitness sets.
std::string fileChecksum(const std::string& path);

}  // namespace hat

#pragma once
// The names of the workspace database's meta entries, in one place. Paths are stored relative
// to the workspace directory (see core/util/paths.h).
namespace hat::meta {

inline constexpr const char* kSpaceYaml = "space_yaml";         // the design space, as YAML
inline constexpr const char* kCheckpoint = "checkpoint";        // the SuperTransformer (path)
inline constexpr const char* kCorpus = "corpus";                // the fitness set's corpus (path)
inline constexpr const char* kSubwordModel = "spm";             // its SentencePiece model (path)
inline constexpr const char* kDictionary = "dict";              // its fairseq dictionary (path)
inline constexpr const char* kSourceLang = "src";
inline constexpr const char* kTargetLang = "tgt";
inline constexpr const char* kFitnessSplit = "fitness_split";   // "valid", "test", ...
inline constexpr const char* kFitnessSentences = "fitness_sentences";
inline constexpr const char* kFitnessSampling = "fitness_sampling";  // "spread" or "first"

// The entries that hold paths: rebased when a workspace is copied elsewhere.
inline constexpr const char* kPathKeys[] = {kCheckpoint, kCorpus, kSubwordModel, kDictionary};

}  // namespace hat::meta

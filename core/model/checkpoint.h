#pragma once
// SuperTransformer weights on disk: a plain pickled dict {name: Tensor} under HAT's parameter
// names (torch::pickle_save), readable by Python's torch.load and by HAT's load_state_dict after
// dropping our metadata entries (the keys starting with "hat_explorer.").
#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

#include "core/model/super_transformer.h"

namespace hat {

using TensorDict = std::map<std::string, torch::Tensor>;

// Reads a pickled dict of tensors (torch.save of a plain dict, zip format).
TensorDict loadTensorDict(const std::string& path);
// The same from a file's bytes already in memory; `name` stands for the file in errors.
TensorDict tensorDictFromBytes(const std::vector<char>& bytes, const std::string& name);
// A whole file, as loadTensorDict reads it: hat::Error naming it when it is missing or empty.
std::vector<char> readFileBytes(const std::string& path);
void saveTensorDict(const TensorDict& dict, const std::string& path);

struct CheckpointInfo {
    DesignSpace space;
    int widthDivisor = 1;
    int64_t vocabSize = 0;
    bool hasSpace = false;  // false for a bare HAT state dict
};

// Metadata stored next to the weights (space YAML as bytes, width divisor).
CheckpointInfo readCheckpointInfo(const TensorDict& dict, const std::string& path);

// The weights under HAT's names plus our metadata (space, width divisor).
TensorDict superTransformerDict(const SuperTransformer& model);
void saveSuperTransformer(const SuperTransformer& model, const std::string& path);
// Builds the model the checkpoint describes and loads it. When `expectedSpace` / `divisor` are
// given and differ from what the checkpoint records, it is refused with a message naming both.
SuperTransformer loadSuperTransformer(const std::string& path,
                                      const DesignSpace* expectedSpace = nullptr,
                                      int expectedDivisor = 0);
// A HAT state dict without our metadata: the caller says which space and divisor it is for.
SuperTransformer loadHatStateDictFile(const std::string& path, const DesignSpace& space,
                                      int widthDivisor);

}  // namespace hat

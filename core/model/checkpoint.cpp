#include "core/model/checkpoint.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>

#include "core/model/tensor_records.h"
#include "core/util/error.h"
#include "core/util/safe_write.h"

namespace hat {

namespace {
const char* kSpaceKey = "hat_explorer.space_yaml";
const char* kDivisorKey = "hat_explorer.width_divisor";

torch::Tensor stringTensor(const std::string& s) {
    auto t = torch::empty({static_cast<int64_t>(s.size())}, torch::kUInt8);
    std::memcpy(t.data_ptr(), s.data(), s.size());
    return t;
}

std::string tensorString(const torch::Tensor& t) {
    auto c = t.contiguous().to(torch::kUInt8);
    return std::string(static_cast<const char*>(c.data_ptr()), c.numel());
}
}  // namespace

std::vector<char> readFileBytes(const std::string& path) {
    // Only regular files: opening a FIFO would block forever, a directory reads as nothing.
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
        fail(path, "is not a regular file");
    }
    std::ifstream f(path, std::ios::binary);
    if (!f) fail(path, "cannot open file");
    std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (bytes.empty()) fail(path, "file is empty");
    return bytes;
}

TensorDict loadTensorDict(const std::string& path) { return tensorDictFromBytes(readFileBytes(path), path); }

TensorDict tensorDictFromBytes(const std::vector<char>& bytes, const std::string& path) {
    if (bytes.empty()) fail(path, "file is empty");
    // Not torch::pickle_load: it trusts the sizes the pickle states (tensor_records.h).
    const c10::IValue iv = unpickleCheckingRecords(bytes, path);
    if (!iv.isGenericDict()) {
        fail(path, "expected a plain dict of tensors (an OrderedDict state_dict loads as None; "
                   "save it with dict(state_dict))");
    }
    TensorDict out;
    for (const auto& kv : iv.toGenericDict()) {
        if (!kv.key().isString() || !kv.value().isTensor()) {
            fail(path, "entry is not a string -> tensor pair");
        }
        out[kv.key().toStringRef()] = kv.value().toTensor();
    }
    return out;
}

void saveTensorDict(const TensorDict& dict, const std::string& path) {
    c10::Dict<std::string, torch::Tensor> d;
    for (const auto& [k, v] : dict) d.insert(k, v.detach().contiguous().cpu());
    const std::vector<char> bytes = torch::pickle_save(d);
    // A temporary file renamed into place, removed on every failure: a crash or a full disk never
    // leaves a half-written checkpoint, nor a temporary file behind.
    replaceFileAtomically(path, bytes.data(), bytes.size());
}

CheckpointInfo readCheckpointInfo(const TensorDict& dict, const std::string& path) {
    CheckpointInfo info;
    const auto emb = dict.find("encoder.embed_tokens.weight");
    if (emb == dict.end()) fail(path, "no 'encoder.embed_tokens.weight': not a HAT SuperTransformer");
    if (emb->second.dim() != 2) fail(path, "'encoder.embed_tokens.weight' is not a matrix");
    info.vocabSize = emb->second.size(0);
    const auto space = dict.find(kSpaceKey);
    if (space != dict.end()) {
        info.space = DesignSpace::parseYaml(tensorString(space->second), path + " (stored space)");
        info.hasSpace = true;
    }
    const auto div = dict.find(kDivisorKey);
    if (div != dict.end()) {
        // Refused here, naming the file: every width of the model is divided by it.
        const torch::Tensor& t = div->second;
        if (t.numel() != 1 || t.is_floating_point() || t.is_complex() ||
            t.scalar_type() == torch::kBool) {
            fail(path, std::string("'") + kDivisorKey + "' must hold one integer");
        }
        const int64_t v = t.item<int64_t>();
        if (v < 1 || v > std::numeric_limits<int>::max()) {
            fail(path, "width divisor " + std::to_string(v) + " (in '" + kDivisorKey +
                           "') must be a positive integer");
        }
        info.widthDivisor = static_cast<int>(v);
    }
    return info;
}

TensorDict superTransformerDict(const SuperTransformer& model) {
    TensorDict dict = model->hatStateDict();
    dict[kSpaceKey] = stringTensor(model->options().space.toYaml());
    dict[kDivisorKey] = torch::tensor({static_cast<int64_t>(model->options().widthDivisor)});
    return dict;
}

void saveSuperTransformer(const SuperTransformer& model, const std::string& path) {
    saveTensorDict(superTransformerDict(model), path);
}

SuperTransformer loadSuperTransformer(const std::string& path, const DesignSpace* expectedSpace,
                                      int expectedDivisor) {
    const TensorDict dict = loadTensorDict(path);
    const CheckpointInfo info = readCheckpointInfo(dict, path);
    if (!info.hasSpace && !expectedSpace) {
        fail(path, "a bare HAT state dict: give the design space it was trained for");
    }
    const DesignSpace& space = info.hasSpace ? info.space : *expectedSpace;
    if (expectedSpace && info.hasSpace && !(*expectedSpace == info.space)) {
        fail(path, "checkpoint is for design space '" + info.space.name + "', not '" +
                       expectedSpace->name + "'");
    }
    if (expectedDivisor > 0 && expectedDivisor != info.widthDivisor) {
        fail(path, "checkpoint has width divisor " + std::to_string(info.widthDivisor) +
                       ", expected " + std::to_string(expectedDivisor));
    }
    ModelOptions o;
    o.space = space;
    o.vocabSize = info.vocabSize;
    o.widthDivisor = info.widthDivisor;
    SuperTransformer model(nullptr);
    try {
        model = SuperTransformer(o);
    } catch (const Error& e) {
        fail(path, e.what());
    }
    model->loadHatStateDict(dict, path);
    return model;
}

SuperTransformer loadHatStateDictFile(const std::string& path, const DesignSpace& space,
                                      int widthDivisor) {
    const TensorDict dict = loadTensorDict(path);
    const CheckpointInfo info = readCheckpointInfo(dict, path);
    ModelOptions o;
    o.space = space;
    o.vocabSize = info.vocabSize;
    o.widthDivisor = widthDivisor;
    SuperTransformer model(nullptr);
    try {
        model = SuperTransformer(o);
    } catch (const Error& e) {
        fail(path, e.what());
    }
    model->loadHatStateDict(dict, path);
    return model;
}

}  // namespace hat

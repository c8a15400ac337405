#include "core/data/subword_model.h"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <filesystem>
#include <mutex>
#include <sstream>

#include "core/util/error.h"
#include "core/util/input_file.h"

namespace hat {

namespace {

using Sink = void (*)(void*, const char*, size_t);

struct Bridge {
    int (*train)(const char*, Sink, void*) = nullptr;
    void* (*load)(const char*, Sink, void*) = nullptr;
    void (*free)(void*) = nullptr;
    void (*encode)(void*, const char*, size_t, Sink, void*) = nullptr;
    void (*decode)(void*, const char* const*, const size_t*, size_t, Sink, void*) = nullptr;
    int (*vocabSize)(void*) = nullptr;
};

void appendTo(void* ctx, const char* data, size_t size) {
    static_cast<std::string*>(ctx)->append(data, size);
}
void pushPiece(void* ctx, const char* data, size_t size) {
    static_cast<std::vector<std::string>*>(ctx)->emplace_back(data, size);
}

std::string executableDir() {
    char buf[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    if (n <= 0) return {};
    buf[n] = 0;
    return std::filesystem::path(buf).parent_path().string();
}

// The module is looked up in $HAT_SPM_BRIDGE, next to the program, in ../core (build tree) and at
// the path it was built to.
const Bridge& bridge() {
    static Bridge b;
    static std::once_flag once;
    static std::string failure;
    std::call_once(once, [] {
        std::vector<std::string> candidates;
        if (const char* env = std::getenv("HAT_SPM_BRIDGE")) candidates.push_back(env);
        const std::string dir = executableDir();
        const std::string name = "libhat_spm_bridge.so";
        if (!dir.empty()) {
            candidates.push_back(dir + "/" + name);
            candidates.push_back(dir + "/../core/" + name);
            candidates.push_back(dir + "/../../core/" + name);
        }
#ifdef HAT_SPM_BRIDGE_PATH
        candidates.push_back(HAT_SPM_BRIDGE_PATH);
#endif
        void* h = nullptr;
        for (const auto& c : candidates) {
            if (!std::filesystem::exists(c)) continue;
            h = dlopen(c.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
            if (h) break;
            failure = dlerror();
        }
        if (!h) {
            if (failure.empty()) failure = "libhat_spm_bridge.so not found";
            return;
        }
        b.train = reinterpret_cast<decltype(b.train)>(dlsym(h, "hat_spm_train"));
        b.load = reinterpret_cast<decltype(b.load)>(dlsym(h, "hat_spm_load"));
        b.free = reinterpret_cast<decltype(b.free)>(dlsym(h, "hat_spm_free"));
        b.encode = reinterpret_cast<decltype(b.encode)>(dlsym(h, "hat_spm_encode"));
        b.decode = reinterpret_cast<decltype(b.decode)>(dlsym(h, "hat_spm_decode"));
        b.vocabSize = reinterpret_cast<decltype(b.vocabSize)>(dlsym(h, "hat_spm_vocab_size"));
    });
    if (!b.train) throw Error("SentencePiece is unavailable: " + failure);
    return b;
}

}  // namespace

SubwordModel::~SubwordModel() {
    if (handle_) bridge().free(handle_);
}
SubwordModel::SubwordModel(SubwordModel&& o) noexcept : handle_(o.handle_), path_(std::move(o.path_)) {
    o.handle_ = nullptr;
}
SubwordModel& SubwordModel::operator=(SubwordModel&& o) noexcept {
    std::swap(handle_, o.handle_);
    std::swap(path_, o.path_);
    return *this;
}

void SubwordModel::train(const std::vector<std::string>& inputFiles, const std::string& prefix,
                         const SubwordTrainOptions& o) {
    if (inputFiles.empty()) throw Error("subword training needs at least one text file");
    std::ostringstream args;
    args << "--input=";
    for (size_t i = 0; i < inputFiles.size(); ++i) {
        requireRegularFile(inputFiles[i]);
        args << (i ? "," : "") << inputFiles[i];
    }
    args << " --model_prefix=" << prefix << " --vocab_size=" << o.vocabSize
         << " --model_type=" << o.modelType << " --character_coverage=" << o.characterCoverage
         << " --minloglevel=2 --num_threads=1"
         // fairseq's Dictionary owns the special symbols; SentencePiece keeps only <unk>.
         << " --bos_id=-1 --eos_id=-1 --pad_id=-1 --unk_id=0 --unk_piece=<unk>";
    if (o.inputSentenceSize > 0) {
        args << " --input_sentence_size=" << o.inputSentenceSize << " --shuffle_input_sentence=true";
    }
    std::string err;
    if (bridge().train(args.str().c_str(), appendTo, &err) != 0) {
        fail(prefix + ".model", "SentencePiece training failed: " + err);
    }
}

SubwordModel SubwordModel::load(const std::string& modelPath) {
    requireRegularFile(modelPath);  // SentencePiece would wait on a FIFO
    std::string err;
    SubwordModel m;
    m.handle_ = bridge().load(modelPath.c_str(), appendTo, &err);
    if (!m.handle_) fail(modelPath, "not a SentencePiece model (" + err + ")");
    m.path_ = modelPath;
    return m;
}

std::vector<std::string> SubwordModel::encode(const std::string& text) const {
    std::vector<std::string> pieces;
    bridge().encode(handle_, text.data(), text.size(), pushPiece, &pieces);
    return pieces;
}

std::string SubwordModel::decode(const std::vector<std::string>& pieces) const {
    std::vector<const char*> ptrs;
    std::vector<size_t> sizes;
    for (const auto& p : pieces) {
        ptrs.push_back(p.data());
        sizes.push_back(p.size());
    }
    std::string text;
    bridge().decode(handle_, ptrs.data(), sizes.data(), pieces.size(), appendTo, &text);
    return text;
}

int SubwordModel::pieceCount() const { return bridge().vocabSize(handle_); }

}  // namespace hat

// A tiny C interface over SentencePiece, built as its own shared module and opened with
// RTLD_DEEPBIND (see subword_model.cpp): Debian's libsentencepiece carries its own protobuf-lite,
// which clashes with the full libprotobuf that LibTorch loads (through ONNX) and crashes at start-up
// when both are linked into one program. Loaded this way, SentencePiece binds to its own copy.
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <cstring>
#include <string>
#include <vector>

namespace {
// Hands a string back to the caller through its own callback, so no allocation crosses the module.
using Sink = void (*)(void* ctx, const char* data, size_t size);
}  // namespace

extern "C" {

int hat_spm_train(const char* args, Sink error, void* ctx) {
    const auto status = sentencepiece::SentencePieceTrainer::Train(args);
    if (status.ok()) return 0;
    const std::string msg = status.ToString();
    error(ctx, msg.data(), msg.size());
    return 1;
}

void* hat_spm_load(const char* path, Sink error, void* ctx) {
    auto* sp = new sentencepiece::SentencePieceProcessor();
    const auto status = sp->Load(path);
    if (status.ok()) return sp;
    const std::string msg = status.ToString();
    error(ctx, msg.data(), msg.size());
    delete sp;
    return nullptr;
}

void hat_spm_free(void* handle) { delete static_cast<sentencepiece::SentencePieceProcessor*>(handle); }

// Pieces of `text`, each passed to `piece` in order.
void hat_spm_encode(void* handle, const char* text, size_t size, Sink piece, void* ctx) {
    std::vector<std::string> pieces;
    static_cast<sentencepiece::SentencePieceProcessor*>(handle)->Encode(std::string(text, size), &pieces);
    for (const auto& p : pieces) piece(ctx, p.data(), p.size());
}

// Text of `count` pieces.
void hat_spm_decode(void* handle, const char* const* pieces, const size_t* sizes, size_t count,
                    Sink out, void* ctx) {
    std::vector<std::string> v;
    v.reserve(count);
    for (size_t i = 0; i < count; ++i) v.emplace_back(pieces[i], sizes[i]);
    std::string text;
    static_cast<sentencepiece::SentencePieceProcessor*>(handle)->Decode(v, &text);
    out(ctx, text.data(), text.size());
}

int hat_spm_vocab_size(void* handle) {
    return static_cast<sentencepiece::SentencePieceProcessor*>(handle)->GetPieceSize();
}
}

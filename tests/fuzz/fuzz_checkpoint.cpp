// Fuzz target: SuperTransformer checkpoints (core/model/checkpoint: loadSuperTransformer), the
// file `hat arch weights`, `hat eval`, `hat search` and the window open. The bytes are written to
// a file because the loader takes a path; the zip records' CRCs are repaired first so that
// mutated records reach the unpickler and our checks instead of stopping at miniz's CRC check.
#include "core/model/checkpoint.h"
#include "fuzz_support.h"
#include "zip_crc.h"

using namespace hat;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // One intra-op thread: the fuzzer runs one input at a time, and LibTorch's pool would
    // otherwise start a thread per core for each tiny model.
    torch::set_num_threads(1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static fuzz::InputFile file("checkpoint.pt");
    const std::vector<uint8_t> bytes = fuzz::withRepairedZipCrcs(data, size);
    const std::string& path = file.write(bytes.data(), bytes.size());
    return fuzz::cleanly([&] {
        const SuperTransformer model = loadSuperTransformer(path);
        (void)model->options().encoderEmbed();
    });
}

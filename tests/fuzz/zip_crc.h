#pragma once
// torch.save's zip archive stores every record uncompressed, and LibTorch's reader (miniz)
// refuses a record whose CRC-32 does not match. Most mutations of a checkpoint would then stop
// at that check, never reaching the unpickler or our own checks; the harness recomputes the CRCs
// so they do. Bytes that are not such an archive come back unchanged.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace hat::fuzz {

std::vector<uint8_t> withRepairedZipCrcs(const uint8_t* data, size_t size);

}  // namespace hat::fuzz

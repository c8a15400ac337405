#pragma once
// The lengths and indices a pickle states, checked against the pickle's own size before
// LibTorch's Unpickler reads it. The Unpickler makes room for what an opcode claims before it
// reads: a BINUNICODE string of 4 GB allocates 4 GB, a LONG_BINPUT to memo slot 4e9 grows its
// memo to 4e9 entries (64 GB). A few bytes of a damaged predictor file could so exhaust the
// memory before any error (issue 15's fuzzers found both). No valid pickle claims a string
// longer than what follows it, or a memo slot beyond its own length: each PUT takes two bytes.
#include <cstddef>
#include <string>

namespace hat {

// Walks the opcodes of `pickle` (protocol 2 and the later ones' length-carrying opcodes) and
// fails, naming `file` and `record`, at the first claim the pickle's size cannot back. Stops
// quietly at STOP, at the end, or at an opcode it does not know: whatever the Unpickler makes
// of those, it is no allocation this walk could have bounded.
void checkPickleClaims(const char* pickle, size_t size, const std::string& file, const std::string& record);

}  // namespace hat

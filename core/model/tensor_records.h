#pragma once
// Unpickling torch.save / torch::pickle_save files without trusting the sizes their pickle states.
// LibTorch 1.13's pickle_load gives each storage the byte size the pickle declares (numel x
// element size) over the zip record's buffer, whatever the record really holds, and sets every
// tensor's offset, sizes and strides unchecked: a file that declares more than it stores makes
// the first read of a tensor run past the buffer (issue 15). Here each storage is compared with
// its record, and each tensor's reach with its storage, before anything reads their data.
#include <ATen/core/ivalue.h>

#include <string>
#include <vector>

namespace hat {

// The file's object, every tensor in it checked. hat::Error naming `file` when the bytes are not
// a readable archive or a tensor reaches past what the file stores.
c10::IValue unpickleCheckingRecords(const std::vector<char>& bytes, const std::string& file);

}  // namespace hat

#pragma once
// The end of a latency dataset this program appends to. Every row it writes ends with a newline,
// so an unterminated last line in such a file is a row an interrupted append left (a full disk or
// a kill, in versions before appends were made whole, issue 15): readers leave it out and say so,
// and the next append replaces it.
#include <cstddef>
#include <string>

#include "core/latency/latency_dataset.h"

namespace hat {

struct TornRow {
    int line = 0;          // its line number; 0 when the file ends cleanly
    size_t keepBytes = 0;  // the file's length without it
    size_t bytes = 0;      // the torn piece's length
    explicit operator bool() const { return line > 0; }
};

// Looks only at files that start with our header (the protocol columns): HAT's own files, which
// nothing appends to, are read as they are.
TornRow findTornRow(const std::string& text);
// "FILE:LINE: left out an unfinished last row ...", for a note on stderr.
std::string tornRowNote(const std::string& file, const TornRow& torn);

// The whole file, refused with a message naming it unless it is a readable regular file (a FIFO
// would block the reader forever).
std::string readDatasetText(const std::string& path);
// LatencyDataset::load, also saying whether a torn last row was left out.
LatencyDataset loadLatencyDataset(const std::string& path, TornRow* torn);

}  // namespace hat

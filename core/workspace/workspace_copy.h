#pragma once
// A working copy of a workspace in another directory: the explorer's first start copies the
// demo workspace that ships in the repository into the user's data folder and works there.
#include <string>

namespace hat {

// Writes TO/workspace.db as a consistent copy of FROM/workspace.db, with every path the workspace
// stores relative to its directory (SuperTransformer, corpus, subword model, dictionary, device
// predictors) rebased so that from TO it names the same file it named from FROM. Never writes
// into FROM: the source is read as a snapshot (WorkspaceDb::openReadOnly: no journal, no
// -wal/-shm beside it). Throws hat::Error naming the path when FROM holds no workspace (an empty
// or foreign file included) or TO already holds one.
void copyWorkspace(const std::string& fromDir, const std::string& toDir);

}  // namespace hat

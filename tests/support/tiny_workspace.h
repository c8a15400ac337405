#pragma once
// The WorkspaceInit of a small test workspace: HAT's space0 over a tiny SuperTransformer and its
// corpus, 20 fitness sentences, devices from the repository's data/. Tests add their devices.
#include <string>

#include "core/workspace/workspace.h"
#include "support/fixtures.h"
#include "support/tiny_supernet.h"

namespace hat::test {

inline WorkspaceInit tinyWorkspaceInit(const TinySupernet& t, const std::string& dir) {
    WorkspaceInit in;
    in.dir = dir;
    in.spacePath = sourcePath("data/spaces/space0.yml");
    in.checkpoint = t.checkpoint;
    in.fitness.corpusDir = t.corpusDir;
    in.fitness.dictionary = t.corpusDir + "/dict.txt";
    in.fitness.sentences = 20;
    in.dataDir = sourcePath("data");
    return in;
}

}  // namespace hat::test

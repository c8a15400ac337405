#!/usr/bin/env bash
# clang-tidy over our sources with .clang-tidy's checks. GCC's precompiled-header flags in
# build/compile_commands.json are unreadable to clang, so a copy without them goes to
# build/tidy/ first. Extra arguments are passed to run-clang-tidy (e.g. a file regex).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build/tidy
python3 - <<'PY'
import json, re
cmds = json.load(open("build/compile_commands.json"))
for c in cmds:
    line = c["command"]
    line = re.sub(r"-include \S*cmake_pch\.hxx", "", line)
    line = re.sub(r"-Xclang -include-pch -Xclang \S+", "", line)
    line = line.replace("-Winvalid-pch", "")
    c["command"] = line
json.dump(cmds, open("build/tidy/compile_commands.json", "w"), indent=1)
PY
exec run-clang-tidy -p build/tidy -quiet "${@:-^(?!.*/build/).*\.cpp$}"

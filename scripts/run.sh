#!/usr/bin/env bash
# Command 1 of the README: install what is missing, build, and open the explorer on the demo workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec build/app/hat-explorer "$@"

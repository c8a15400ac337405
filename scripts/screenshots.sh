#!/usr/bin/env bash
# Screenshots of every view at 1280x720, as a new user meets them: the widget tests run on a real
# X server (Xvfb, 1280x720) with empty settings and save their window grabs in build/screenshots/
# (test_read_only_workspace: the read-only banner and the dialogs for damaged workspace files).
# Then the explorer itself starts from empty settings and data folders, the README's way, and
# xprop prints the minimum size its window asks the window system for (WM_NORMAL_HINTS).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
export XDG_CONFIG_HOME=$fresh/config XDG_DATA_HOME=$fresh/data QT_QPA_PLATFORM=xcb
for t in test_first_minute test_main_window test_long_jobs test_read_only_workspace; do
  xvfb-run -a -s "-screen 0 1280x720x24" build/tests/$t >"$fresh/$t.log" 2>&1 ||
    { tail -40 "$fresh/$t.log"; exit 1; }
done
# The program as the README starts it; its window's size hints once it is up.
xvfb-run -a -s "-screen 0 1280x720x24" bash -c '
  build/app/hat-explorer & pid=$!
  for i in $(seq 1 60); do
    id=$(xwininfo -root -tree 2>/dev/null | awk "/\"HAT Explorer/ {print \$1; exit}")
    [ -n "$id" ] && break
    sleep 1
  done
  sleep 3
  xprop -id "$id" WM_NORMAL_HINTS
  kill $pid'
ls -1 build/screenshots/

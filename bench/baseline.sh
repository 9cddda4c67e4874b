#!/usr/bin/env bash
# Builds the library of an earlier commit into bench/.baseline/<commit>/ so that bench/engine.js can
# time it beside this checkout's in one run (issue 14: each case at most 1.1× the wall time of main
# before the one engine). The commit's own sources, this checkout's node_modules (a superset).
#   bash bench/baseline.sh [COMMIT]     (default: dcb5109, main before issue 14)
set -euo pipefail
rev=$(git rev-parse --short "${1:-dcb5109}")
root=$(git rev-parse --show-toplevel)
dest="$root/bench/.baseline/$rev"
if [ -f "$dest/spikegpu.js" ]; then echo "$dest/spikegpu.js"; exit 0; fi
tree=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$tree" >/dev/null 2>&1 || rm -rf "$tree"' EXIT
git -C "$root" worktree add --detach "$tree" "$rev" >/dev/null 2>&1
ln -s "$root/node_modules" "$tree/node_modules"
(cd "$tree" && npx vite build >/dev/null)
mkdir -p "$dest"
cp "$tree"/dist/*.js "$dest/"   # the library imports its shared chunk
echo "$dest/spikegpu.js"

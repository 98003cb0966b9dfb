#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Checks that a change leaves every analysis exactly as it was: runs
# `debrief-cli analyze --json --no-write` on every folder under tests/data
# with this tree's CLI and with the CLI of a base revision (built once into a
# scratch directory), and compares stdout, stderr and the exit status byte
# for byte. A speed-up must not move a single digit.
#   tests/bench/compare-analysis.sh [--synthetic N] [BASE_REV] [BUILDDIR]
# BASE_REV defaults to where this branch left main (git merge-base HEAD main),
# so that changes landed on main since do not count; BUILDDIR (this tree's
# build) defaults to build/.
# --synthetic N also compares N random run folders written by
# make-synthetic-runs.py (every shape, spikes, NaNs, resumed runs, 20 to
# 300,000 steps). Prints one line per difference and a summary; exits 1 on
# any difference.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
synthetic=0
if [ "${1:-}" = --synthetic ]; then
  synthetic=$2
  shift 2
fi
base_rev=${1:-$(git -C "$top" merge-base HEAD main)}
builddir=${2:-$top/build}
cli="$builddir/src/cli/debrief-cli"
[ -x "$cli" ] || { echo "compare-analysis: $cli not built" >&2; exit 2; }

base_sha=$(git -C "$top" rev-parse --verify "$base_rev^{commit}")
cache=${XDG_CACHE_HOME:-$HOME/.cache}/debrief/compare-analysis/$base_sha
if [ ! -x "$cache/build/src/cli/debrief-cli" ]; then
  rm -rf "$cache"
  mkdir -p "$cache"
  git -C "$top" archive "$base_sha" | tar -x -C "$cache" -f -
  meson setup "$cache/build" "$cache" -Dbuildtype=debugoptimized >/dev/null
  ninja -C "$cache/build" -j2 src/cli/debrief-cli >/dev/null
fi
base_cli="$cache/build/src/cli/debrief-cli"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
n=0
n_diff=0
# Every folder, as a user would point the CLI at it (run folders, their
# parents, the bad corpus); paths relative to the tree so both print the same.
cd "$top"
while IFS= read -r dir; do
  n=$((n + 1))
  set +e
  "$base_cli" analyze --json --no-write "$dir" >"$scratch/base.out" 2>"$scratch/base.err"
  base_status=$?
  "$cli" analyze --json --no-write "$dir" >"$scratch/new.out" 2>"$scratch/new.err"
  new_status=$?
  set -e
  if [ $base_status -ne $new_status ] || ! cmp -s "$scratch/base.out" "$scratch/new.out" ||
     ! cmp -s "$scratch/base.err" "$scratch/new.err"; then
    n_diff=$((n_diff + 1))
    echo "DIFFERENT: $dir (exit $base_status → $new_status)"
    diff "$scratch/base.out" "$scratch/new.out" | head -n 10 || true
    diff "$scratch/base.err" "$scratch/new.err" | head -n 5 || true
  fi
done < <(find tests/data -type d | LC_ALL=C sort
          if [ "$synthetic" -gt 0 ]; then
            python3 "$top/tests/bench/make-synthetic-runs.py" "$scratch/synthetic" "$synthetic"
            find "$scratch/synthetic" -mindepth 1 -maxdepth 1 -type d | LC_ALL=C sort
          fi)

printf '{"check":"compare-analysis","base":"%s","folders":%d,"different":%d}\n' "$base_sha" "$n" "$n_diff"
[ $n_diff -eq 0 ]

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Time from launch to the first painted frame of the window (DESIGN.md target:
# <= 300 ms with a run argument, loading continuing in the background), against
# two baselines measured in the same run: the smallest libadwaita window
# (bench-startup-minimal: what the toolkit and display cost on this machine)
# and Debrief started with no run.
#   tests/bench/bench-startup.sh [BUILDDIR] [REPEATS]
# Prints one JSON line per case and a summary with the ratio.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
builddir=${1:-$top/build}
repeats=${2:-7}
app="$builddir/src/app/debrief"
[ -x "$app" ] || { echo "bench-startup: $app not built" >&2; exit 1; }

export GSETTINGS_SCHEMA_DIR="$builddir/data" GSETTINGS_BACKEND=memory GTK_A11Y=none \
       GSK_RENDERER=cairo DEBRIEF_PROFILE_STARTUP=1 ADW_DISABLE_PORTAL=1

minimal="$builddir/tests/bench/bench-startup-minimal"

measure () {
  local out
  out=$(timeout 60 xvfb-run -a -s "-screen 0 1600x1000x24" dbus-run-session -- "$@" 2>&1 |
        sed -n 's/^first-frame-ms //p' | tail -n 1)
  echo "${out:-nan}"
}

median () { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

run_case () {
  local name=$1; shift
  local samples=()
  for _ in $(seq "$repeats"); do samples+=("$(measure "$@")"); done
  local med
  med=$(printf '%s\n' "${samples[@]}" | median)
  printf '{"bench":"startup","case":"%s","repeats":%d,"median_ms":%s,"samples_ms":[%s]}\n' \
    "$name" "$repeats" "$med" "$(IFS=,; echo "${samples[*]}")" >&2
  echo "$med"
}

minimal_ms=$(run_case minimal-adwaita-window "$minimal")
empty_ms=$(run_case debrief-empty-window "$app")
demo_ms=$(run_case debrief-demo-run "$app" "$top/data/demo/healthy")
awk -v m="$minimal_ms" -v e="$empty_ms" -v d="$demo_ms" 'BEGIN {
  printf "{\"bench\":\"startup\",\"summary\":true,\"minimal_ms\":%s,\"empty_ms\":%s,\"with_run_ms\":%s,\"ratio_with_run_vs_minimal\":%.2f,\"ratio_with_run_vs_empty\":%.2f,\"target_ms\":300}\n", m, e, d, d / m, d / e }'

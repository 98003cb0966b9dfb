#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Time from launch to the first painted frame of the window (DESIGN.md target:
# <= 300 ms with a run argument, loading continuing in the background), against
# two baselines measured in the same run: the smallest libadwaita window
# (bench-startup-minimal: what the toolkit and display cost on this machine)
# and Debrief started with no run.
#   tests/bench/bench-startup.sh [BUILDDIR] [REPEATS]
# Each program prints, at its first frame (src/app/debrief-profile.h):
#   exec_ms   wall time from the exec (bench-exec --start-env), dynamic linking included
#   app_ms    wall time from the application's creation in main() (the 0.1 measure)
#   cpu_ms    CPU time of the process so far, all threads (steady on a busy machine)
# The cases run interleaved (one of each per round, so that a change in the
# machine's load touches them alike); medians of REPEATS rounds. Prints one
# JSON line per case and a summary with the ratios.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
builddir=${1:-$top/build}
repeats=${2:-9}
app="$builddir/src/app/debrief"
minimal="$builddir/tests/bench/bench-startup-minimal"
launcher="$builddir/tests/bench/bench-exec"
for exe in "$app" "$minimal" "$launcher"; do
  [ -x "$exe" ] || { echo "bench-startup: $exe not built" >&2; exit 1; }
done

export GSETTINGS_SCHEMA_DIR="$builddir/data" GSETTINGS_BACKEND=memory GTK_A11Y=none \
       GSK_RENDERER=cairo DEBRIEF_PROFILE_STARTUP=1 ADW_DISABLE_PORTAL=1

# One run: "exec_ms app_ms cpu_ms" (nan when the program printed nothing).
measure () {
  local out
  out=$(timeout 60 xvfb-run -a -s "-screen 0 1600x1000x24" dbus-run-session -- \
        "$launcher" --start-env DEBRIEF_PROFILE_EXEC_US "$@" 2>&1 || true)
  awk '/^first-frame-exec-ms / {e=$2} /^first-frame-ms / {a=$2} /^first-frame-cpu-ms / {c=$2}
       END {printf "%s %s %s\n", (e == "" ? "nan" : e), (a == "" ? "nan" : a), (c == "" ? "nan" : c)}' <<<"$out"
}

median () { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

declare -A samples
cases=(minimal-adwaita-window debrief-empty-window debrief-demo-run)
for _ in $(seq "$repeats"); do
  samples[minimal-adwaita-window]+="$(measure "$minimal")"$'\n'
  samples[debrief-empty-window]+="$(measure "$app")"$'\n'
  samples[debrief-demo-run]+="$(measure "$app" "$top/data/demo/healthy")"$'\n'
done

declare -A med
for name in "${cases[@]}"; do
  for col in 1 2 3; do
    med[$name,$col]=$(printf '%s' "${samples[$name]}" | awk -v c=$col 'NF {print $c}' | median)
  done
  printf '{"bench":"startup","case":"%s","repeats":%d,"exec_ms":%s,"app_ms":%s,"cpu_ms":%s,"samples_exec_ms":[%s]}\n' \
    "$name" "$repeats" "${med[$name,1]}" "${med[$name,2]}" "${med[$name,3]}" \
    "$(printf '%s' "${samples[$name]}" | awk 'NF {printf "%s%s", sep, $1; sep=","}')" >&2
done

awk -v me="${med[minimal-adwaita-window,1]}" -v ma="${med[minimal-adwaita-window,2]}" -v mc="${med[minimal-adwaita-window,3]}" \
    -v ee="${med[debrief-empty-window,1]}" -v de="${med[debrief-demo-run,1]}" \
    -v da="${med[debrief-demo-run,2]}" -v dc="${med[debrief-demo-run,3]}" 'BEGIN {
  printf "{\"bench\":\"startup\",\"summary\":true,\"minimal_exec_ms\":%s,\"empty_exec_ms\":%s,\"with_run_exec_ms\":%s,", me, ee, de
  printf "\"ratio_with_run_vs_minimal\":%.2f,\"ratio_with_run_vs_minimal_from_app\":%.2f,\"ratio_with_run_vs_minimal_cpu\":%.2f,", de / me, da / ma, dc / mc
  printf "\"ratio_with_run_vs_empty\":%.2f,\"target_ratio\":1.2,\"target_ms\":300}\n", de / ee }'

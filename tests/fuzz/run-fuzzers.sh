#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# run-fuzzers.sh: runs every libFuzzer target one after another (one fuzzer
# process at a time, niced) and logs libFuzzer's final stats.
#
#   CC=clang meson setup build-fuzz -Dfuzzing=true -Db_lundef=false
#   ninja -C build-fuzz
#   tests/fuzz/run-fuzzers.sh [-b BUILD_DIR] [-t SECONDS] [TARGET...]
#
# TARGET is a name without the fuzz- prefix (reader-seed, sse, ...); default all.
# Per target, BUILD_DIR/fuzz/<target>/ gets: seeds/ (regular files copied from
# tests/fuzz/corpus/<target>, the shared corpus dirs and tests/data/{bad,formats}),
# work/ (the corpus libFuzzer grows), merged/ (work + seeds minimised with
# -merge=1: copy it into tests/fuzz/corpus/<target> when it is small), crash
# artifacts (crash-*, leak-*, timeout-*) and fuzz.log. One line per target is
# appended to BUILD_DIR/fuzz/summary.tsv.
set -u

srcdir=$(cd "$(dirname "$0")/../.." && pwd)
build="$srcdir/build-fuzz"
seconds=600
while getopts "b:t:" opt; do
  case $opt in
    b) build=$(cd "$OPTARG" && pwd) ;;
    t) seconds=$OPTARG ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))

all_targets="reader-jsonl reader-seed reader-hf reader-csv reader-tensorboard reader-wandb reader-text reader-mlflow json sse judge-answer strtod"
targets=${*:-$all_targets}

# Largest input per target: big enough for a few records or events, small
# enough to keep executions fast.
max_len_for () {
  case $1 in
    judge-answer) echo 4096 ;;
    strtod) echo 1024 ;;
    sse) echo 8192 ;;
    *) echo 16384 ;;
  esac
}

# Which seed files fit a target (by name); the target's own corpus is always used.
seed_pattern_for () {
  case $1 in
    reader-seed|reader-hf|json) echo '*.json' ;;
    reader-jsonl) echo '*.jsonl' ;;
    reader-csv) echo '*.csv' ;;
    reader-tensorboard) echo '*tfevents*' ;;
    reader-wandb) echo '*.wandb' ;;
    reader-text) echo '*.log' ;;
    *) echo '' ;;
  esac
}

# The tracker readers also start from the real logs of tests/data/public.
public_seeds_for () {
  case $1 in
    reader-wandb|reader-text) echo "$srcdir/tests/data/public" ;;
    *) echo '' ;;
  esac
}

# Seed files larger than this are skipped (the 10 MB single-line case only slows
# the fuzzer down; it is loaded by the bad-corpus test).
max_seed_bytes=1048576

summary="$build/fuzz/summary.tsv"
mkdir -p "$build/fuzz"
[ -f "$summary" ] || printf 'date\ttarget\tseconds\texecs\texec_per_s\tcov\tft\tcorpus_files\tmerged_files\tmerged_bytes\tresult\n' > "$summary"

for t in $targets; do
  exe="$build/tests/fuzz/fuzz-$t"
  dir="$build/fuzz/$t"
  if [ ! -x "$exe" ]; then
    echo "$exe: not built" >&2
    continue
  fi
  rm -rf "$dir/seeds" "$dir/merged"
  mkdir -p "$dir/seeds" "$dir/work" "$dir/merged"
  pattern=$(seed_pattern_for "$t")
  {
    find "$srcdir/tests/fuzz/corpus/$t" -type f 2>/dev/null
    if [ -n "$pattern" ]; then
      find "$srcdir/tests/fuzz/corpus/readers" "$srcdir/tests/data/bad" \
           "$srcdir/tests/data/formats" $(public_seeds_for "$t") -type f -name "$pattern" \
           -size -${max_seed_bytes}c
    else
      find "$srcdir/tests/fuzz/corpus/$t" -type f
    fi
  } | sort -u | while read -r f; do
    cp "$f" "$dir/seeds/$(echo "${f#"$srcdir"/}" | tr '/' '_')"
  done
  max_len=$(max_len_for "$t")
  log="$dir/fuzz.log"
  echo "== fuzz-$t: ${seconds}s, max_len $max_len, $(ls "$dir/seeds" | wc -l) seeds ($(date +%H:%M:%S))"
  (cd "$dir" && nice -n 10 "$exe" -max_total_time="$seconds" -max_len="$max_len" \
      -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix="$dir/" \
      work seeds > "$log" 2>&1)
  rc=$?
  result=ok
  [ $rc -ne 0 ] && result="exit $rc: $(ls "$dir" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | tr '\n' ' ')"
  (cd "$dir" && nice -n 10 "$exe" -merge=1 -max_len="$max_len" -rss_limit_mb=2048 -timeout=10 \
      merged work seeds > merge.log 2>&1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | grep -E 'cov: ' | tail -1)
  cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
  nwork=$(ls "$dir/work" | wc -l)
  nmerged=$(ls "$dir/merged" | wc -l)
  bmerged=$(du -sb "$dir/merged" | cut -f1)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date +%FT%T)" "$t" "$seconds" \
    "${execs:-?}" "${eps:-?}" "${cov:-?}" "${ft:-?}" "$nwork" "$nmerged" "$bmerged" "$result" >> "$summary"
  tail -1 "$summary"
done

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Loading benchmark: Debrief against the checklist's own Python, in one run.

Generates a 1,000,000-step metrics.json (seed format) and a 1,000,000-line
metrics.jsonl (tinker-cookbook lines), then for each file runs, in separate
processes:
  - python: json.load (json.loads per line for JSON lines) + convergence_percent
    + seed_overfitting_warning, exactly as FORMATS.md section 2 says;
  - debrief: tests/bench/bench-load (debrief_run_load + the same two numbers).
Prints one JSON line per measurement and one per comparison (ratio of times,
ratio of peak resident memory, Debrief's resident bytes per loaded point).

usage: bench-load.py [--bench-load PATH] [--steps N] [--repeat R] [--workdir DIR]
Stdlib only. Peak memory is the child's ru_maxrss (os.wait4).
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

PYTHON_SEED = r'''
import json, sys, time
start = time.monotonic()
cpu_start = time.process_time()
with open(sys.argv[1]) as f:
    metrics = json.load(f)
train = metrics["train_losses"]
val = metrics.get("val_losses", [])
convergence = None
if len(train) > 100:
    early = sum(train[:10]) / 10
    late = sum(train[-10:]) / 10
    convergence = (early - late) / early * 100
overfitting = bool(val) and val[-1] > val[len(val) // 2]
end = time.monotonic()
cpu_end = time.process_time()
with open("/proc/self/status") as f:
    peak = int(next(l for l in f if l.startswith("VmHWM:")).split()[1])
print(json.dumps({"impl": "python", "seconds": end - start, "cpu_seconds": cpu_end - cpu_start, "peak_rss_kb": peak, "points": len(train) + len(val),
                  "convergence_percent": convergence, "seed_overfitting_warning": overfitting}))
'''

PYTHON_JSONL = r'''
import json, sys, time
start = time.monotonic()
cpu_start = time.process_time()
with open(sys.argv[1]) as f:
    rows = [json.loads(line) for line in f if line.strip()]
train = [r["train_mean_nll"] for r in rows if "train_mean_nll" in r]
val = [r["test/nll"] for r in rows if "test/nll" in r]
convergence = None
if len(train) > 100:
    early = sum(train[:10]) / 10
    late = sum(train[-10:]) / 10
    convergence = (early - late) / early * 100
overfitting = bool(val) and val[-1] > val[len(val) // 2]
end = time.monotonic()
cpu_end = time.process_time()
with open("/proc/self/status") as f:
    peak = int(next(l for l in f if l.startswith("VmHWM:")).split()[1])
print(json.dumps({"impl": "python", "seconds": end - start, "cpu_seconds": cpu_end - cpu_start, "peak_rss_kb": peak, "points": sum(len(r) for r in rows),
                  "convergence_percent": convergence, "seed_overfitting_warning": overfitting}))
'''


def loss_at(step, steps, rng):
    # A plausible curve: fast drop, slow tail, noise (float32 values, as torch logs them).
    base = 1.6 + 1.2 * (1.0 - step / steps) ** 6 + 0.3 / (1 + step / 50)
    import struct
    return struct.unpack('f', struct.pack('f', base + rng.gauss(0, 0.08)))[0]


def write_seed(path, steps, rng):
    val_every = max(steps // 1000, 1)
    with open(path, 'w') as f:
        f.write('{"train_losses": [')
        f.write(', '.join(repr(loss_at(s, steps, rng)) for s in range(1, steps + 1)))
        f.write('], "val_losses": [')
        val_steps = list(range(0, steps + 1, val_every))
        f.write(', '.join(repr(loss_at(max(s, 1), steps, rng) + 0.05) for s in val_steps))
        f.write('], "val_steps": [')
        f.write(', '.join(str(s) for s in val_steps))
        f.write(']}\n')


def write_jsonl(path, steps, rng):
    eval_every = max(steps // 1000, 1)
    with open(path, 'w') as f:
        for s in range(steps):
            nll = loss_at(s + 1, steps, rng)
            row = {"step": s, "epoch": 0, "progress": (s + 1) / steps, "learning_rate": 3e-4 * (1 - s / steps),
                   "num_sequences": 8, "num_tokens": 1024, "num_loss_tokens": 1016,
                   "train_mean_nll": nll, "train_mean_bpb": nll / 0.6931471805599453,
                   "time/step": 0.1 + rng.random() * 0.01}
            if s % eval_every == 0:
                row["test/nll"] = nll + 0.05
            f.write(json.dumps(row))
            f.write('\n')


def run_measured(argv):
    """Runs argv; returns (parsed JSON line, wall seconds, peak RSS kB).

    The peak is the child's own VmHWM: ru_maxrss would include the pages the
    child inherited from this (large) process when it was forked."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit('%s failed (%d): %s' % (argv[0], proc.returncode, err.decode(errors='replace')))
    result = json.loads(out.decode().strip().splitlines()[-1])
    return result, wall, result["peak_rss_kb"]


def best_of(argv, repeat):
    results = [run_measured(argv) for _ in range(repeat)]
    return min(results, key=lambda r: r[0]["cpu_seconds"])


def bench(name, folder, path, python_code, bench_load, repeat):
    py, py_wall, py_rss = best_of([sys.executable, '-c', python_code, path], repeat)
    db, db_wall, db_rss = best_of([bench_load, folder], repeat)
    size = os.path.getsize(path)
    for impl, r, wall, rss in (('python', py, py_wall, py_rss), ('debrief', db, db_wall, db_rss)):
        line = {"bench": name, "impl": impl, "file_bytes": size, "seconds": round(r["seconds"], 4),
                "cpu_seconds": round(r["cpu_seconds"], 4),
                "process_seconds": round(wall, 4), "peak_rss_kb": rss, "points": r["points"],
                "convergence_percent": r["convergence_percent"],
                "seed_overfitting_warning": r["seed_overfitting_warning"]}
        if impl == 'debrief':
            line["bytes_per_point"] = r["bytes_per_point"]
        print(json.dumps(line))
    same = (py["seed_overfitting_warning"] == db["seed_overfitting_warning"] and
            py["convergence_percent"] == db["convergence_percent"])
    summary = {"bench": name, "compare": "python/debrief",
               "time_ratio": round(py["seconds"] / db["seconds"], 2),
               "cpu_time_ratio": round(py["cpu_seconds"] / db["cpu_seconds"], 2),
               "process_time_ratio": round(py_wall / db_wall, 2),
               "peak_rss_ratio": round(py_rss / db_rss, 2),
               "debrief_bytes_per_point": db["bytes_per_point"],
               "same_numbers": same}
    print(json.dumps(summary))
    return summary


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--bench-load', default=None,
                        help='the bench-load binary (default: build-release/, else build/ tests/bench/bench-load)')
    parser.add_argument('--steps', type=int, default=1000000)
    parser.add_argument('--repeat', type=int, default=3, help='best of R runs each')
    parser.add_argument('--workdir', default=None, help='where to write the generated files (kept)')
    args = parser.parse_args()

    bench_load = args.bench_load
    if bench_load is None:
        for build in ('build-release', 'build'):
            bench_load = os.path.join(here, '..', '..', build, 'tests', 'bench', 'bench-load')
            if os.access(bench_load, os.X_OK):
                break
    if not os.access(bench_load, os.X_OK):
        sys.exit('bench-load not found at %s: build first (ninja -C build) or pass --bench-load' % bench_load)

    workdir = args.workdir or tempfile.mkdtemp(prefix='debrief-bench-')
    rng = random.Random(1234)
    seed_dir = os.path.join(workdir, 'seed')
    jsonl_dir = os.path.join(workdir, 'jsonl')
    os.makedirs(seed_dir, exist_ok=True)
    os.makedirs(jsonl_dir, exist_ok=True)
    seed_path = os.path.join(seed_dir, 'metrics.json')
    jsonl_path = os.path.join(jsonl_dir, 'metrics.jsonl')
    if not os.path.exists(seed_path):
        write_seed(seed_path, args.steps, rng)
    if not os.path.exists(jsonl_path):
        write_jsonl(jsonl_path, args.steps, rng)

    try:
        print(json.dumps({"machine": os.uname().machine, "cpus": os.cpu_count(), "steps": args.steps,
                          "python": sys.version.split()[0]}))
        bench('seed_metrics_json_%d' % args.steps, seed_dir, seed_path, PYTHON_SEED, bench_load, args.repeat)
        bench('metrics_jsonl_%d' % args.steps, jsonl_dir, jsonl_path, PYTHON_JSONL, bench_load, args.repeat)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir)


if __name__ == '__main__':
    main()

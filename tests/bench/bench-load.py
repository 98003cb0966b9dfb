#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Loading benchmark: Debrief against Python on the same files, in one run.

Writes four run folders of 1,000,000 records (kept with --workdir):
  seed/metrics.json         the checklist's seed format, 1M train losses + 1001 evaluations
  tinker/metrics.jsonl      tinker-cookbook lines: step + 9 values a line, 1M lines
  tensorboard/runs/.../events.out.tfevents.*
                            torch.utils.tensorboard style: one Event per scalar,
                            4 scalars a step (train/loss, learning_rate, grad_norm,
                            epoch) for 250,000 steps + eval/loss: 1,001,000 scalars
  llamafactory/trainer_log.jsonl
                            LLaMA-Factory's log: 1M training lines + 1000 eval lines

and for each, in separate processes, best of R:
  python    the checklist's Python (json.load / json.loads per line) or, for the
            event file, a plain stdlib reader written for this benchmark (TFRecord
            framing and the Event protobuf decoded by hand), then the checklist's
            convergence_percent and seed_overfitting_warning (FORMATS.md section 2);
  cli       `debrief-cli analyze --json --no-write FOLDER`, the whole process as a
            user runs it: load, every check of the analysis, the JSON output;
  load      tests/bench/bench-load: debrief_run_load + the same two numbers, timed
            inside the process (no start-up, no analysis).
Whole-process times and peak memory come from tests/bench/bench-exec (wait4
rusage of a child forked by a small process). Prints one JSON line per
measurement and one comparison per file: time ratios (python / debrief), peak
memory ratio, resident bytes per logged value, and whether both got the same
two numbers, bit for bit.

usage: bench-load.py [--build DIR] [--steps N] [--repeat R] [--workdir DIR] [NAME ...]
NAME: seed, tinker, tensorboard, llamafactory (default: all). Stdlib only.
"""
import argparse
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from tfrecord import field, file_version, record, varint  # noqa: E402 (tests/tfrecord.py)

CHECKLIST = r'''
convergence = None
if len(train) > 100:
    early = sum(train[:10]) / 10
    late = sum(train[-10:]) / 10
    convergence = (early - late) / early * 100
overfitting = bool(val) and val[-1] > val[len(val) // 2]
end = time.monotonic()
cpu_end = time.process_time()
print(json.dumps({"impl": "python", "seconds": end - start, "cpu_seconds": cpu_end - cpu_start,
                  "points": points, "convergence_percent": convergence,
                  "seed_overfitting_warning": overfitting}))
'''

PYTHON_SEED = r'''
import json, sys, time
start = time.monotonic()
cpu_start = time.process_time()
with open(sys.argv[1]) as f:
    metrics = json.load(f)
train = metrics["train_losses"]
val = metrics.get("val_losses", [])
points = len(train) + len(val)
''' + CHECKLIST

PYTHON_JSONL = r'''
import json, sys, time
start = time.monotonic()
cpu_start = time.process_time()
with open(sys.argv[1]) as f:
    rows = [json.loads(line) for line in f if line.strip()]
train = [r[sys.argv[2]] for r in rows if sys.argv[2] in r]
val = [r[sys.argv[3]] for r in rows if sys.argv[3] in r]
points = sum(len(r) for r in rows)
''' + CHECKLIST

# Protobuf fields decoded by hand, for the plain Python readers of binary logs
# (also bench-trackers.py's W&B reader).
PB_FIELDS = r'''
def varint(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7

def fields(buf):
    pos, end = 0, len(buf)
    while pos < end:
        key, pos = varint(buf, pos)
        wire = key & 7
        if wire == 0:
            value, pos = varint(buf, pos)
        elif wire == 1:
            value = buf[pos:pos + 8]; pos += 8
        elif wire == 2:
            n, pos = varint(buf, pos)
            value = buf[pos:pos + n]; pos += n
        elif wire == 5:
            value = buf[pos:pos + 4]; pos += 4
        else:
            raise ValueError("wire type %d" % wire)
        yield key >> 3, wire, value

'''

# A plain reader of a TensorBoard event file: TFRecord framing (length, its CRC,
# data, its CRC; the CRCs are not checked here, which only makes Python faster)
# and the Event / Summary / Value protobufs, decoded by hand.
PYTHON_TFEVENTS = r'''
import json, struct, sys, time
start = time.monotonic()
cpu_start = time.process_time()

''' + PB_FIELDS + r'''
with open(sys.argv[1], "rb") as f:
    data = f.read()
scalars = {}
pos = 0
while pos + 12 <= len(data):
    (n,) = struct.unpack_from("<Q", data, pos)
    event = data[pos + 12:pos + 12 + n]
    pos += 12 + n + 4
    step = 0
    summary = None
    for number, wire, value in fields(event):
        if number == 2:
            step = value
        elif number == 5:
            summary = value
    if summary is None:
        continue
    for number, wire, value in fields(summary):
        if number != 1:
            continue
        tag = None
        scalar = None
        for vnumber, vwire, vvalue in fields(value):
            if vnumber == 1:
                tag = vvalue.decode()
            elif vnumber == 2 and vwire == 5:
                scalar = struct.unpack("<f", vvalue)[0]
        if tag is not None and scalar is not None:
            scalars.setdefault(tag, []).append((step, scalar))
train = [v for _, v in scalars.get(sys.argv[2], [])]
val = [v for _, v in scalars.get(sys.argv[3], [])]
points = sum(len(s) for s in scalars.values())
''' + CHECKLIST


def loss_at(step, steps, rng):
    # A plausible curve: fast drop, slow tail, noise (float32 values, as torch logs them).
    base = 1.6 + 1.2 * (1.0 - step / steps) ** 6 + 0.3 / (1 + step / 50)
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


def write_tinker(path, steps, rng):
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


def hms(seconds):
    seconds = int(seconds)
    return '%d:%02d:%02d' % (seconds // 3600, seconds // 60 % 60, seconds % 60)


def write_llamafactory(path, steps, rng):
    # LLaMA-Factory's LogCallback: rounded values, times as h:mm:ss.
    eval_every = max(steps // 1000, 1)
    with open(path, 'w') as f:
        for s in range(1, steps + 1):
            row = {"current_steps": s, "total_steps": steps, "loss": round(loss_at(s, steps, rng), 4),
                   "lr": 5e-5 * (1 - s / steps), "epoch": round(3.0 * s / steps, 2),
                   "percentage": round(100.0 * s / steps, 2), "elapsed_time": hms(s * 0.5),
                   "remaining_time": hms((steps - s) * 0.5)}
            f.write(json.dumps(row))
            f.write('\n')
            if s % eval_every == 0:
                row = {"current_steps": s, "total_steps": steps,
                       "eval_loss": round(loss_at(s, steps, rng) + 0.05, 4),
                       "epoch": round(3.0 * s / steps, 2), "percentage": round(100.0 * s / steps, 2),
                       "elapsed_time": hms(s * 0.5), "remaining_time": hms((steps - s) * 0.5)}
                f.write(json.dumps(row))
                f.write('\n')


def write_tensorboard(path, steps, rng):
    # torch.utils.tensorboard.SummaryWriter.add_scalar: one Event per scalar,
    # Summary.Value{tag, simple_value} (float32).
    n_steps = max(steps // 4, 1)
    eval_every = max(n_steps // 1000, 1)
    wall = 1700000000.0
    with open(path, 'wb') as f:
        f.write(file_version(wall))
        for s in range(1, n_steps + 1):
            scalars = [('train/loss', loss_at(s, n_steps, rng)),
                       ('train/learning_rate', 5e-5 * (1 - s / n_steps)),
                       ('train/grad_norm', 0.5 + rng.random()),
                       ('train/epoch', 3.0 * s / n_steps)]
            if s % eval_every == 0:
                scalars.append(('eval/loss', loss_at(s, n_steps, rng) + 0.05))
            for tag, value in scalars:
                wall += 0.001
                value_pb = field(1, 2, tag.encode()) + field(2, 5, struct.pack('<f', value))
                event = (field(1, 1, struct.pack('<d', wall)) + field(2, 0, varint(s)) +
                         field(5, 2, field(1, 2, value_pb)))
                f.write(record(event))


def measure(bench_exec, argv, scratch):
    """Runs argv through bench-exec: (stdout, wall, cpu, peak kB)."""
    report = os.path.join(scratch, 'bench-exec.json')
    proc = subprocess.run([bench_exec, report] + argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with open(report) as f:
        usage = json.load(f)
    if proc.returncode != 0 or usage['exit_status'] != 0:
        sys.exit('%s failed (%d): %s' % (argv[0], usage['exit_status'], proc.stderr.decode(errors='replace')))
    return (proc.stdout.decode(), usage['wall_seconds'], usage['user_seconds'] + usage['sys_seconds'],
            usage['peak_rss_kb'])


def best_of(bench_exec, argv, repeat, scratch):
    """Best of @repeat: the smallest wall time, CPU time and peak memory (each on its own)."""
    runs = [measure(bench_exec, argv, scratch) for _ in range(repeat)]
    return (runs[-1][0], min(r[1] for r in runs), min(r[2] for r in runs), min(r[3] for r in runs))


def last_json_line(text):
    return json.loads(text.strip().splitlines()[-1])


def bench(name, folder, path, python_argv, tools, repeat, scratch):
    bench_exec, cli, bench_load = tools
    size = (sum(os.path.getsize(os.path.join(d, n)) for d, _, ns in os.walk(path) for n in ns)
            if os.path.isdir(path) else os.path.getsize(path))

    out, py_wall, py_cpu, py_rss = best_of(bench_exec, [sys.executable, '-c'] + python_argv, repeat, scratch)
    py = last_json_line(out)
    out, cli_wall, cli_cpu, cli_rss = best_of(bench_exec, [cli, 'analyze', '--json', '--no-write', folder],
                                              repeat, scratch)
    cli_run = json.loads(out)['runs'][0]
    loads = [last_json_line(measure(bench_exec, [bench_load, folder], scratch)[0]) for _ in range(repeat)]
    load = min(loads, key=lambda r: r['seconds'])
    load_cpu = min(r['cpu_seconds'] for r in loads)

    common = {"bench": name, "file_bytes": size}
    print(json.dumps(dict(common, impl="python", process_seconds=round(py_wall, 4),
                          process_cpu_seconds=round(py_cpu, 4), peak_rss_kb=py_rss,
                          load_seconds=round(py['seconds'], 4), load_cpu_seconds=round(py['cpu_seconds'], 4),
                          values=py['points'], convergence_percent=py['convergence_percent'],
                          seed_overfitting_warning=py['seed_overfitting_warning'])))
    print(json.dumps(dict(common, impl="debrief-cli analyze", process_seconds=round(cli_wall, 4),
                          process_cpu_seconds=round(cli_cpu, 4), peak_rss_kb=cli_rss,
                          convergence_percent=cli_run.get('convergence_percent'),
                          seed_overfitting_warning=cli_run.get('seed_overfitting_warning'),
                          findings=[f.get('id') for f in cli_run.get('findings', [])])))
    print(json.dumps(dict(common, impl="debrief load", load_seconds=round(load['seconds'], 4),
                          load_cpu_seconds=round(load_cpu, 4), values=load['points'],
                          peak_rss_kb=load['peak_rss_kb'], resident_bytes_per_value=load['bytes_per_point'])))
    same = (py['seed_overfitting_warning'] == cli_run.get('seed_overfitting_warning') ==
            load['seed_overfitting_warning'] and
            py['convergence_percent'] == cli_run.get('convergence_percent') == load['convergence_percent'])
    summary = {"bench": name, "compare": "python/debrief",
               "process_time_ratio": round(py_wall / cli_wall, 2),
               "process_cpu_ratio": round(py_cpu / cli_cpu, 2),
               "load_time_ratio": round(py['seconds'] / load['seconds'], 2),
               "load_cpu_ratio": round(py['cpu_seconds'] / load_cpu, 2),
               "peak_rss_ratio": round(py_rss / cli_rss, 2),
               "peak_bytes_per_value": round(cli_rss * 1024 / load['points'], 1),
               "same_numbers": same,
               "python_load_seconds": round(py['seconds'], 4), "debrief_load_seconds": round(load['seconds'], 4),
               "debrief_load_cpu_seconds": round(load_cpu, 4)}
    print(json.dumps(summary), flush=True)
    return summary


def parse_args(doc, names_help, records_help='records per file'):
    """The options every loading benchmark takes."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--build', default=None, help='build folder (default: build-release, else build)')
    parser.add_argument('--steps', type=int, default=1000000, help=records_help)
    parser.add_argument('--repeat', type=int, default=3, help='best of R runs each')
    parser.add_argument('--workdir', default=None, help='where to write the generated folders (kept)')
    parser.add_argument('names', nargs='*', help=names_help)
    return parser.parse_args()


def find_tools(build, script):
    """(bench-exec, debrief-cli, bench-load) of --build, else build-release, else build."""
    top = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
    builds = [build] if build else [os.path.join(top, 'build-release'), os.path.join(top, 'build')]
    for build in builds:
        tools = (os.path.join(build, 'tests', 'bench', 'bench-exec'), os.path.join(build, 'src', 'cli', 'debrief-cli'),
                 os.path.join(build, 'tests', 'bench', 'bench-load'))
        if all(os.access(t, os.X_OK) for t in tools):
            return tools
    sys.exit('%s: build first (ninja -C build-release) or pass --build' % script)


def main():
    args = parse_args(__doc__, 'seed, tinker, tensorboard, llamafactory')
    tools = find_tools(args.build, 'bench-load.py')

    files = {
        'seed': ('seed', os.path.join('seed', 'metrics.json'), write_seed, [PYTHON_SEED]),
        'tinker': ('tinker', os.path.join('tinker', 'metrics.jsonl'), write_tinker,
                   [PYTHON_JSONL, 'train_mean_nll', 'test/nll']),
        'tensorboard': ('tensorboard', os.path.join('tensorboard', 'runs', 'Dec01_10-00-00_host',
                                                    'events.out.tfevents.1700000000.host.1.0'),
                        write_tensorboard, [PYTHON_TFEVENTS, 'train/loss', 'eval/loss']),
        'llamafactory': ('llamafactory', os.path.join('llamafactory', 'trainer_log.jsonl'), write_llamafactory,
                         [PYTHON_JSONL, 'loss', 'eval_loss']),
    }
    run_all(args, tools, files, 'debrief-bench-')


def run_all(args, tools, files, prefix):
    """Writes the files that are missing and benchmarks each name of args.names
    (default: all). files: name -> (run folder, file written, writer, [python
    program, its arguments after the file]), paths relative to the work folder."""
    workdir = args.workdir or tempfile.mkdtemp(prefix=prefix)
    scratch = tempfile.mkdtemp(prefix='debrief-bench-exec-')
    try:
        print(json.dumps({"machine": os.uname().machine, "cpus": os.cpu_count(), "records": args.steps,
                          "python": sys.version.split()[0], "repeat": args.repeat}), flush=True)
        for name in args.names or list(files):
            folder_rel, path_rel, writer, python_code = files[name]
            folder = os.path.join(workdir, folder_rel)
            path = os.path.join(workdir, path_rel)
            if not os.path.exists(path):
                os.makedirs(os.path.dirname(path), exist_ok=True)
                writer(path, args.steps, random.Random(1234))
            bench('%s_%d' % (name, args.steps), folder, path, [python_code[0], path] + python_code[1:], tools,
                  args.repeat, scratch)
    finally:
        shutil.rmtree(scratch)
        if args.workdir is None:
            shutil.rmtree(workdir)


if __name__ == '__main__':
    main()

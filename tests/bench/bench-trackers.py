#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Loading benchmark of the tracker readers: Debrief against a plain Python
reader of the same file, in one run (the machinery of bench-load.py).

Writes, with the shapes real runs have (kept with --workdir):
  wandb/wandb/run-20240101_000000-bench000/run-bench000.wandb
                   a W&B transaction log as the SDK writes it: the ":W&B" header,
                   32 KiB blocks, FULL/FIRST/MIDDLE/LAST chunks with their CRC-32,
                   a RunRecord, ConfigRecords, and N HistoryRecords of the HF
                   integration (train/loss, train/learning_rate, train/grad_norm,
                   train/epoch, train/global_step, _step, _runtime, _timestamp;
                   eval/loss every N/1000 rows), with stats and console-output
                   records among them
  mlflow/mlruns/1/<run>/metrics/{loss,learning_rate,grad_norm,epoch,eval_loss}
                   an MLflow file store run: "timestamp value step" lines, N points
                   per metric (N/1000 for eval_loss), params, tags, meta.yaml
  mlflow-sqlite/mlflow.db
                   the same points in an MLflow SQLite store (MLflow's schema,
                   tests/data/mlflow/tracking-schema.sql)
  text-hf/train.log
                   an HF Trainer console: tqdm's redraws and N printed dicts
                   {'loss': …, 'grad_norm': …, 'learning_rate': …, 'epoch': …},
                   an eval dict every N/1000
  text-steps/train.log
                   N "step N | loss X | lr … | norm … | dt …ms | tok/sec …" lines
                   (build-nanogpt, llm.c), "step N: train loss X, val loss Y" every N/1000

and for each, in separate processes, best of R: the plain Python reader
(stdlib: the LevelDB-log framing and protobuf decoded by hand with json.loads
per value; str.split per metric line; sqlite3; ast.literal_eval per printed
dict; one re.match per step line), `debrief-cli analyze --json --no-write` as
a whole process, and bench-load (load only). Prints bench-load.py's lines,
plus the bytes per second of both loads.

usage: bench-trackers.py [--build DIR] [--steps N] [--repeat R] [--workdir DIR] [NAME ...]
NAME: wandb, mlflow, mlflow-sqlite, text-hf, text-steps (default: all). Stdlib only.
"""
import importlib.util
import json
import os
import sqlite3
import struct
import sys
import zlib

sys.dont_write_bytecode = True  # nothing written into the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..'))
from tfrecord import field, varint  # noqa: E402 (tests/tfrecord.py: protobuf fields)

_spec = importlib.util.spec_from_file_location('bench_load', os.path.join(HERE, 'bench-load.py'))
bench_load = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_load)
CHECKLIST = bench_load.CHECKLIST
loss_at = bench_load.loss_at

# ---- plain Python readers (each is the whole program, run with python -c) ----

PYTHON_WANDB = r'''
import json, struct, sys, time
start = time.monotonic()
cpu_start = time.process_time()

''' + bench_load.PB_FIELDS + r'''
with open(sys.argv[1], "rb") as f:
    data = f.read()
# LevelDB-log framing: 7-byte header, 32 KiB blocks (CRCs not checked: that only makes Python faster).
records = []
pos, pending = 7, []
while pos + 7 <= len(data):
    left = 32768 - pos % 32768
    if left < 7:
        pos += left
        continue
    _, n, kind = struct.unpack_from("<IHB", data, pos)
    if kind == 0:
        pos += left
        continue
    chunk = data[pos + 7:pos + 7 + n]
    pos += 7 + n
    if kind == 1:
        records.append(chunk)
    elif kind == 2:
        pending = [chunk]
    else:
        pending.append(chunk)
        if kind == 4:
            records.append(b"".join(pending))
series = {}
for record in records:
    for number, wire, value in fields(record):
        if number != 2:
            continue
        row = {}
        for inumber, iwire, item in fields(value):
            if inumber != 1:
                continue
            key = value_json = None
            for knumber, kwire, kvalue in fields(item):
                if knumber == 1:
                    key = kvalue.decode()
                elif knumber == 16:
                    value_json = kvalue
            if key is not None and value_json is not None:
                row[key] = json.loads(value_json)
        step = row.get("train/global_step", row.get("_step"))
        for key, v in row.items():
            if not key.startswith("_") and isinstance(v, (int, float)):
                series.setdefault(key, []).append((step, v))
train = [v for _, v in series.get(sys.argv[2], [])]
val = [v for _, v in series.get(sys.argv[3], [])]
points = sum(len(s) for k, s in series.items() if k != "train/global_step")
''' + CHECKLIST

PYTHON_MLFLOW = r'''
import json, os, sys, time
start = time.monotonic()
cpu_start = time.process_time()
metrics = os.path.join(sys.argv[1], "metrics")
series = {}
for name in os.listdir(metrics):
    points = []
    with open(os.path.join(metrics, name)) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2:
                points.append((int(parts[2]) if len(parts) > 2 else 0, float(parts[1])))
    series[name] = points
train = [v for _, v in series.get(sys.argv[2], [])]
val = [v for _, v in series.get(sys.argv[3], [])]
points = sum(len(s) for s in series.values())
''' + CHECKLIST

PYTHON_SQLITE = r'''
import json, sqlite3, sys, time
start = time.monotonic()
cpu_start = time.process_time()
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
series = {}
for key, value, step in db.execute("SELECT key, value, step FROM metrics WHERE run_uuid = ? "
                                   "ORDER BY timestamp", (sys.argv[4],)):
    series.setdefault(key, []).append((step, value))
train = [v for _, v in series.get(sys.argv[2], [])]
val = [v for _, v in series.get(sys.argv[3], [])]
points = sum(len(s) for s in series.values())
''' + CHECKLIST

PYTHON_TEXT_HF = r'''
import ast, json, sys, time
start = time.monotonic()
cpu_start = time.process_time()
train, val, points = [], [], 0
with open(sys.argv[1]) as f:
    for line in f:
        # tqdm redraws with "\r": the printed dict is the last piece of the line.
        line = line.rsplit("\r", 1)[-1]
        if not line.startswith("{'"):
            continue
        d = ast.literal_eval(line)
        if "train_runtime" in d:
            continue
        points += len(d)
        if "loss" in d:
            train.append(d["loss"])
        if "eval_loss" in d:
            val.append(d["eval_loss"])
''' + CHECKLIST

PYTHON_TEXT_STEPS = r'''
import json, re, sys, time
start = time.monotonic()
cpu_start = time.process_time()
line_re = re.compile(r"step\s+(\d+) \| loss (\S+) \| lr (\S+) \| norm (\S+) \| dt (\S+)ms \| tok/sec (\S+)")
eval_re = re.compile(r"step (\d+): train loss (\S+), val loss (\S+)")
train, val, points = [], [], 0
with open(sys.argv[1]) as f:
    for line in f:
        m = line_re.match(line)
        if m:
            train.append(float(m.group(2)))
            points += 5
            continue
        m = eval_re.match(line)
        if m:
            val.append(float(m.group(3)))
            points += 2
''' + CHECKLIST

# ---- writers ----


def pb_string(number, text):
    return field(number, 2, text.encode())


class WandbWriter:
    """The SDK's datastore: records split into chunks that never cross a 32 KiB block."""

    def __init__(self, f):
        self.f = f
        self.offset = 0
        self.out = bytearray(b':W&B' + struct.pack('<HB', 0xBEE1, 0))
        self.offset = len(self.out)

    def chunk(self, kind, data):
        self.out += struct.pack('<IHB', zlib.crc32(bytes([kind]) + data), len(data), kind) + data
        self.offset += 7 + len(data)

    def record(self, data):
        first = True
        while True:
            left = 32768 - self.offset % 32768
            if left < 7:
                self.out += b'\0' * left
                self.offset += left
                continue
            room = left - 7
            if len(data) <= room:
                self.chunk(1 if first else 4, data)
                break
            self.chunk(2 if first else 3, data[:room])
            data = data[room:]
            first = False
        if len(self.out) > 1 << 20:
            self.flush()

    def flush(self):
        self.f.write(self.out)
        self.out = bytearray()


def history_item(key, value):
    return field(1, 2, pb_string(1, key) + field(16, 2, json.dumps(value).encode()))


def write_wandb(path, steps, rng):
    eval_every = max(steps // 1000, 1)
    t0 = 1704067200.0
    with open(path, 'wb') as f:
        w = WandbWriter(f)
        run = pb_string(1, 'bench000') + pb_string(3, 'debrief-bench') + pb_string(8, 'bench-lora-r16')
        w.record(field(1, 0, varint(1)) + field(17, 2, run))
        config = b''.join(field(1, 2, pb_string(1, k) + field(16, 2, json.dumps({'value': v}).encode()))
                          for k, v in (('learning_rate', 2e-4), ('num_train_epochs', 3), ('lora_r', 16),
                                       ('_name_or_path', 'meta-llama/Llama-3.2-1B')))
        w.record(field(1, 0, varint(2)) + field(5, 2, config))
        num = 3
        for s in range(1, steps + 1):
            items = [history_item('train/loss', round(loss_at(s, steps, rng), 4)),
                     history_item('train/grad_norm', 0.5 + rng.random()),
                     history_item('train/learning_rate', 2e-4 * (1 - s / steps)),
                     history_item('train/epoch', round(3.0 * s / steps, 4)),
                     history_item('train/global_step', s),
                     history_item('_timestamp', t0 + s * 0.5),
                     history_item('_runtime', s * 0.5),
                     history_item('_step', s - 1)]
            if s % eval_every == 0:
                items.append(history_item('eval/loss', round(loss_at(s, steps, rng) + 0.05, 4)))
            history = b''.join(items) + field(2, 2, field(1, 0, varint(s - 1)))
            w.record(field(1, 0, varint(num)) + field(2, 2, history))
            num += 1
            if s % 1000 == 0:
                # System stats and a console line, as a real log interleaves them.
                stats = b''.join(field(1, 2, pb_string(1, k) + field(16, 2, b'%.1f' % (rng.random() * 100)))
                                 for k in ('gpu.0.gpu', 'gpu.0.memory', 'cpu', 'memory'))
                w.record(field(1, 0, varint(num)) + field(7, 2, field(1, 0, varint(1)) + stats))
                w.record(field(1, 0, varint(num + 1)) +
                         field(4, 2, field(1, 0, varint(1)) + pb_string(3, ' %d%%|###   | %d/%d\n'
                                                                          % (100 * s // steps, s, steps))))
                num += 2
        w.record(field(1, 0, varint(num)) + field(18, 2, field(1, 0, varint(0))))
        w.flush()


MLFLOW_RUN = '0123456789abcdef0123456789abcdef'


def mlflow_points(steps, rng):
    eval_every = max(steps // 1000, 1)
    t = 1704067200000
    for s in range(1, steps + 1):
        t += 500
        yield 'loss', round(loss_at(s, steps, rng), 4), t, s
        yield 'grad_norm', 0.5 + rng.random(), t, s
        yield 'learning_rate', 2e-4 * (1 - s / steps), t, s
        yield 'epoch', round(3.0 * s / steps, 4), t, s
        if s % eval_every == 0:
            yield 'eval_loss', round(loss_at(s, steps, rng) + 0.05, 4), t + 1, s


def write_mlflow(run_dir, steps, rng):
    for sub in ('metrics', 'params', 'tags'):
        os.makedirs(os.path.join(run_dir, sub), exist_ok=True)
    files = {}
    try:
        for key, value, t, s in mlflow_points(steps, rng):
            f = files.get(key)
            if f is None:
                f = files[key] = open(os.path.join(run_dir, 'metrics', key), 'w')
            f.write('%d %r %d\n' % (t, value, s))
    finally:
        for f in files.values():
            f.close()
    for key, value in (('learning_rate', '0.0002'), ('lora_r', '16'), ('model_name_or_path', 'meta-llama/Llama-3.2-1B')):
        with open(os.path.join(run_dir, 'params', key), 'w') as f:
            f.write(value)
    with open(os.path.join(run_dir, 'tags', 'mlflow.runName'), 'w') as f:
        f.write('bench-lora-r16')
    with open(os.path.join(run_dir, 'meta.yaml'), 'w') as f:
        f.write('artifact_uri: file:///tmp/mlruns/1/%s/artifacts\nend_time: 1704567200000\nentry_point_name: \'\'\n'
                'experiment_id: \'1\'\nlifecycle_stage: active\nname: \'\'\nrun_id: %s\nrun_uuid: %s\n'
                'source_name: \'\'\nsource_type: 4\nsource_version: \'\'\nstart_time: 1704067200000\n'
                'status: 3\ntags: []\nuser_id: bench\n' % (MLFLOW_RUN, MLFLOW_RUN, MLFLOW_RUN))
    with open(os.path.join(os.path.dirname(run_dir), 'meta.yaml'), 'w') as f:
        f.write('artifact_location: file:///tmp/mlruns/1\nexperiment_id: \'1\'\nlifecycle_stage: active\n'
                'name: bench\n')


def write_mlflow_sqlite(path, steps, rng):
    schema = os.path.join(HERE, '..', 'data', 'mlflow', 'tracking-schema.sql')
    db = sqlite3.connect(path)
    with open(schema) as f:
        db.executescript(f.read())
    db.execute("INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage) "
               "VALUES (1, 'bench', 'mlruns/1', 'active')")
    db.execute("INSERT INTO runs (run_uuid, name, source_type, status, start_time, lifecycle_stage, "
               "experiment_id, artifact_uri) VALUES (?, 'bench-lora-r16', 'LOCAL', 'FINISHED', 1704067200000, "
               "'active', 1, 'x')", (MLFLOW_RUN,))
    db.executemany('INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, 0)',
                   ((k, v, t, MLFLOW_RUN, s) for k, v, t, s in mlflow_points(steps, rng)))
    # MLflow keeps the last point of each metric in latest_metrics too.
    db.execute('INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) '
               'SELECT key, value, MAX(timestamp), step, is_nan, run_uuid FROM metrics GROUP BY key, run_uuid')
    db.execute("INSERT INTO params (key, value, run_uuid) VALUES ('lora_r', '16', ?)", (MLFLOW_RUN,))
    db.commit()
    db.close()


def tqdm_bar(s, steps):
    pct = 100 * s // steps
    filled = pct // 10
    return '%3d%%|%s%s| %d/%d [%s<%s,  2.00it/s]' % (
        pct, '\u2588' * filled, ' ' * (10 - filled), s, steps, bench_load.hms(s * 0.5), bench_load.hms((steps - s) * 0.5))


def write_text_hf(path, steps, rng):
    eval_every = max(steps // 1000, 1)
    with open(path, 'w') as f:
        f.write('***** Running training *****\n  Num examples = %d\n  Num Epochs = 3\n' % (steps * 8))
        for s in range(1, steps + 1):
            f.write('\r' + tqdm_bar(s, steps))
            f.write('\r' + repr({'loss': round(loss_at(s, steps, rng), 4), 'grad_norm': 0.5 + rng.random(),
                                 'learning_rate': 2e-4 * (1 - s / steps), 'epoch': round(3.0 * s / steps, 4)}))
            f.write('\n')
            if s % eval_every == 0:
                f.write(repr({'eval_loss': round(loss_at(s, steps, rng) + 0.05, 4), 'eval_runtime': 12.5,
                              'eval_samples_per_second': 80.1, 'eval_steps_per_second': 10.0,
                              'epoch': round(3.0 * s / steps, 4)}))
                f.write('\n')
        f.write("{'train_runtime': %.1f, 'train_samples_per_second': 16.0, 'train_steps_per_second': 2.0, "
                "'train_loss': 1.9, 'epoch': 3.0}\n" % (steps * 0.5))


def write_text_steps(path, steps, rng):
    eval_every = max(steps // 1000, 1)
    with open(path, 'w') as f:
        f.write('using device: cuda\ntotal desired batch size: 524288\n')
        for s in range(steps):
            loss = loss_at(s + 1, steps, rng)
            if s % eval_every == 0:
                f.write('step %d: train loss %.4f, val loss %.4f\n' % (s, loss, loss + 0.05))
            f.write('step %5d | loss %.6f | lr %.4e | norm %.4f | dt %.2fms | tok/sec %.2f\n'
                    % (s, loss, 6e-4 * (1 - s / steps), 0.3 + rng.random(), 400 + rng.random() * 10,
                       1.3e6 + rng.random() * 1e4))


def main():
    args = bench_load.parse_args(__doc__, 'wandb, mlflow, mlflow-sqlite, text-hf, text-steps',
                                 'history rows / points per metric / lines')
    tools = bench_load.find_tools(args.build, 'bench-trackers.py')

    run_dir = os.path.join('mlflow', 'mlruns', '1', MLFLOW_RUN)
    wandb_run = os.path.join('wandb', 'wandb', 'run-20240101_000000-bench000')
    # name: (folder to read, the file written, writer, python program and its arguments after the file)
    files = {
        'wandb': (wandb_run, os.path.join(wandb_run, 'run-bench000.wandb'),
                  write_wandb, [PYTHON_WANDB, 'train/loss', 'eval/loss']),
        'mlflow': (run_dir, run_dir, write_mlflow, [PYTHON_MLFLOW, 'loss', 'eval_loss']),
        'mlflow-sqlite': (os.path.join('mlflow-sqlite', 'mlflow.db', MLFLOW_RUN), os.path.join('mlflow-sqlite', 'mlflow.db'),
                          write_mlflow_sqlite, [PYTHON_SQLITE, 'loss', 'eval_loss', MLFLOW_RUN]),
        'text-hf': ('text-hf', os.path.join('text-hf', 'train.log'), write_text_hf,
                    [PYTHON_TEXT_HF, 'loss', 'eval_loss']),
        'text-steps': ('text-steps', os.path.join('text-steps', 'train.log'), write_text_steps,
                       [PYTHON_TEXT_STEPS, 'loss', 'val']),
    }
    bench_load.run_all(args, tools, files, 'debrief-bench-trackers-')


if __name__ == '__main__':
    main()

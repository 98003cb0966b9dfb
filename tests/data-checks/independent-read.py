#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""An independent reading of the tracker data, compared with debrief-cli.

Decodes, with the Python standard library only and none of Debrief's code:
  - every W&B transaction log (run-*.wandb): the ":W&B" header, the LevelDB-log
    framing (32 KiB blocks, 7-byte chunk headers, FULL/FIRST/MIDDLE/LAST, CRC-32
    of type + data as the SDK writes it, or LevelDB's masked CRC-32C) and the
    protobuf Record / HistoryRecord / HistoryItem messages, by hand, from the
    field numbers of wandb/proto/wandb_internal.proto;
  - every MLflow file store run (meta.yaml + metrics/<key> lines "timestamp
    value step") and every MLflow SQLite store (through the sqlite3 module);
  - every text log (HF Trainer printed dicts, read with ast.literal_eval;
    "step N | loss X" lines, nanoGPT, llm.c, torchtune and the like, read with
    one regular expression per shape);
and compares, series by series, the number of points, the first and last step,
the last value, the minimum and the maximum with what
`debrief-cli analyze --json --no-write` says for the same run. Every series the
independent reading finds must be in Debrief's answer (unless it is bookkeeping
that Debrief leaves out on purpose, listed below), and the other way round.

Conventions both sides follow (they are Debrief's documented choices, not
properties of the files): a series keeps the last value logged for a step;
a W&B row's step is the trainer's step key when the row carries one
(train/global_step from the HF integration), else _step, else HistoryStep.num;
an MLflow line without a step is step 0; the HF Trainer's printed dicts are at
the step of tqdm's N/M counter printed before them, an evaluation dict at the
step of the last training dict.

usage: independent-read.py --cli DEBRIEF_CLI [--sqlite-schema SQL] [--verbose] ROOT...
Every run under each ROOT is read. Prints TAP; exits 1 on any disagreement.
"""
import argparse
import ast
import json
import math
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import zlib

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from tfrecord import crc32c, masked  # noqa: E402 (tests/tfrecord.py: LevelDB's masked CRC-32C)

# ---------------------------------------------------------------- W&B ----

WANDB_BLOCK = 32768
WANDB_HEADER = 7
FULL, FIRST, MIDDLE, LAST = 1, 2, 3, 4


def crc32c_masked(data):
    return masked(crc32c(data))


def wandb_records(data):
    """The records of a .wandb log, as bytes; damaged blocks are left out."""
    if data[:4] != b':W&B':
        raise ValueError('not a W&B log')
    pos = WANDB_HEADER
    pending = None
    records = []
    while pos < len(data):
        left = WANDB_BLOCK - pos % WANDB_BLOCK
        if left < WANDB_HEADER:
            pos += left  # trailer
            continue
        if len(data) - pos < WANDB_HEADER:
            break
        checksum, length, kind = struct.unpack_from('<IHB', data, pos)
        if checksum == 0 and length == 0 and kind == 0:
            pos += left  # unwritten (preallocated) space
            continue
        body = data[pos + 6:pos + WANDB_HEADER + length]  # type byte + data
        if WANDB_HEADER + length > left or kind not in (FULL, FIRST, MIDDLE, LAST) or \
           (pos + WANDB_HEADER + length <= len(data) and
            zlib.crc32(body) != checksum and crc32c_masked(body) != checksum):
            pending = None
            pos += left  # the rest of the block cannot be trusted
            continue
        if pos + WANDB_HEADER + length > len(data):
            break  # cut off: the run was still writing
        chunk = data[pos + WANDB_HEADER:pos + WANDB_HEADER + length]
        pos += WANDB_HEADER + length
        if kind == FULL:
            pending = None
            records.append(chunk)
        elif kind == FIRST:
            pending = [chunk]
        elif pending is not None:
            pending.append(chunk)
            if kind == LAST:
                records.append(b''.join(pending))
                pending = None
    return records


def pb_fields(buf):
    """(field, wire type, value) of a protobuf message; raises on bad data."""
    pos, end = 0, len(buf)
    while pos < end:
        key, pos = pb_varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = pb_varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 2:
            n, pos = pb_varint(buf, pos)
            value, pos = buf[pos:pos + n], pos + n
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError('wire type %d' % wire)
        if pos > end:
            raise ValueError('field runs past the message')
        yield field, wire, value


def pb_varint(buf, pos):
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError('varint runs past the message')
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


# Record.history = 2; HistoryRecord.item = 1, .step = 2; HistoryStep.num = 1;
# HistoryItem.key = 1, .nested_key = 2, .value_json = 16.
RECORD_HISTORY = 2

# The trainers' own step keys (HF integration, Lightning, plain scripts).
TRAINER_STEP_KEYS = ('train/global_step', 'trainer/global_step', 'global_step', 'step', 'Step',
                     'iteration', 'iter', 'current_steps')


def json_number(text):
    try:
        v = json.loads(text)
    except ValueError:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v)


def wandb_rows(data):
    """The history rows: a list of ({key: number}, HistoryStep.num or None)."""
    rows = []
    for record in wandb_records(data):
        try:
            fields = list(pb_fields(record))
        except ValueError:
            continue
        for field, wire, value in fields:
            if field != RECORD_HISTORY or wire != 2:
                continue
            row, num = {}, None
            try:
                for f, w, v in pb_fields(value):
                    if f == 1 and w == 2:
                        key, nested, value_json = None, [], None
                        for f2, w2, v2 in pb_fields(v):
                            if f2 == 1 and w2 == 2:
                                key = v2.decode('utf-8', 'replace')
                            elif f2 == 2 and w2 == 2:
                                nested.append(v2.decode('utf-8', 'replace'))
                            elif f2 == 16 and w2 == 2:
                                value_json = v2.decode('utf-8', 'replace')
                        name = key if key else '.'.join(nested)
                        if name and value_json is not None:
                            number = json_number(value_json)
                            if number is not None:
                                row[name] = number
                    elif f == 2 and w == 2:
                        for f2, w2, v2 in pb_fields(v):
                            if f2 == 1 and w2 == 0:
                                num = v2 - (1 << 64) if v2 >= 1 << 63 else v2
            except ValueError:
                continue  # a damaged row is not a row
            rows.append((row, num))
    return rows


# W&B's bookkeeping and the HF Trainer's end-of-training summary: not curves.
WANDB_NOT_SERIES = {'train/train_loss', 'train/train_runtime', 'train/train_samples_per_second',
                    'train/train_steps_per_second', 'train/total_flos', 'eval/runtime',
                    'eval/samples_per_second', 'eval/steps_per_second'}


def read_wandb(path):
    with open(path, 'rb') as f:
        rows = wandb_rows(f.read())
    trainer_key = None
    for row, _ in rows:
        for key in row:
            if key in TRAINER_STEP_KEYS:
                trainer_key = key
                break
        if trainer_key:
            break
    series = {}
    for index, (row, num) in enumerate(rows):
        if trainer_key in row and row[trainer_key] == int(row[trainer_key]):
            step = int(row[trainer_key])
        elif '_step' in row:
            step = int(row['_step'])
        elif num is not None:
            step = num
        else:
            step = index
        for key, value in row.items():
            if key.startswith('_') or key in TRAINER_STEP_KEYS or key in WANDB_NOT_SERIES:
                continue
            series.setdefault(key, {})[step] = value
    return series


# ------------------------------------------------------------- MLflow ----

def read_mlflow_metric(path):
    """One metrics/<key> file: "timestamp value step" lines (no step: step 0)."""
    points = {}
    with open(path, 'rb') as f:
        for line in f.read().decode('utf-8', 'replace').split('\n'):
            parts = line.split()
            if not parts:
                continue
            if len(parts) not in (2, 3):
                continue
            try:
                float(parts[0])
                value = float(parts[1])
                step = 0
                if len(parts) == 3:
                    s = float(parts[2])
                    if s != int(s):
                        continue
                    step = int(s)
            except ValueError:
                continue
            points[step] = value
    return points


def read_mlflow_run(folder):
    series = {}
    top = os.path.join(folder, 'metrics')
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = [d for d in dirnames if not d.startswith('.')]
        for name in filenames:
            if name.startswith('.'):
                continue
            path = os.path.join(dirpath, name)
            key = os.path.relpath(path, top).replace(os.sep, '/')
            points = read_mlflow_metric(path)
            if points:
                series[key] = points
    return series


def mlflow_file_runs(root):
    """{run folder: series} for every run of every file store under root."""
    runs = {}
    for dirpath, dirnames, filenames in os.walk(root):
        if 'meta.yaml' in filenames and os.path.isdir(os.path.join(dirpath, 'metrics')):
            series = read_mlflow_run(dirpath)
            if series:
                runs[dirpath] = series
    return runs


def is_mlflow_database(path):
    try:
        with open(path, 'rb') as f:
            if f.read(16) != b'SQLite format 3\0':
                return False
        db = sqlite3.connect('file:%s?mode=ro' % path, uri=True)
        try:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            db.close()
        return {'metrics', 'runs', 'experiments'} <= tables
    except (OSError, sqlite3.Error):
        return False


def mlflow_database_runs(path):
    """{database/run_uuid: series} of an MLflow SQLite store."""
    runs = {}
    db = sqlite3.connect('file:%s?mode=ro' % path, uri=True)
    try:
        uuids = [r[0] for r in db.execute(
            "SELECT run_uuid FROM runs WHERE lifecycle_stage IS NULL OR lifecycle_stage != 'deleted'")]
        for uuid in uuids:
            series = {}
            # The last point logged for a step is the one with the latest time stamp
            # (MLflow's own order), ties in the order the rows were written.
            for key, value, step, is_nan in db.execute(
                    'SELECT key, value, step, is_nan FROM metrics WHERE run_uuid = ? ORDER BY timestamp, rowid',
                    (uuid,)):
                series.setdefault(key, {})[int(step)] = math.nan if is_nan else float(value)
            if series:
                runs[os.path.join(path, uuid)] = series
    finally:
        db.close()
    return runs


# ---------------------------------------------------------- text logs ----

NUM = r'[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|nan|NaN|inf|Inf)'
WORD = r'[A-Za-z_][\w/.\-@#]*'
SPACED_UNITS = r'(?:ms|s|sec|secs|seconds|tok/s|tokens/s|it/s|samples/s|%)'
# A metric: one or more words, an optional ':' or '=', a number, a unit.
PAIR = re.compile(r'(?P<name>%s(?:\s+%s)*)\s*[:=]?\s*(?P<value>%s)(?:[A-Za-z%%]+(?:/[A-Za-z]+)?|\s+%s(?![\w/]))?\s*'
                  % (WORD, WORD, NUM, SPACED_UNITS))
# A number with a unit and no name ("(3055.94 ms", "42900 tok/s)"): not a metric.
BARE = re.compile(r'\(?\s*%s\s*(?:[A-Za-z%%]+(?:/[A-Za-z]+)?)?\s*\)?\s*' % NUM)
STEP_WORDS = ('step', 'iter', 'iteration', 'it', 'global_step', 'steps', 's')
# "[lead] [Epoch E |] Step S[/N][:|,]" at the start of a step line; the lead is a
# time stamp, a logging prefix ("INFO:__main__:"), a rank.
STEP_START = re.compile(r'(?P<lead>.*?)(?:\b(?:epoch|Epoch|EPOCH)\s*[:=]?\s*(?P<epoch>\d+)(?:/\d+)?\s*[|,;]\s*)?'
                        r'(?<![\w/.])(?P<word>%s)\s*[:=]?\s*(?P<step>\d+)(?:/(?P<total>\d+))?(?![\w.])\s*[:|,;]?'
                        % '|'.join(w for w in STEP_WORDS + tuple(w.capitalize() for w in STEP_WORDS)
                                   + ('STEP', 'ITER')))
TQDM = re.compile(r'\d+%\|[^|]*\|\s*(\d+)/\d+')
NANOGPT = re.compile(r'\s*(\d+) +([A-Za-z_]+) +(%s)[ \r]*' % NUM)
# The Trainer's timings, as Debrief leaves them out.
TEXT_NOT_SERIES = {'eval_runtime', 'eval_samples_per_second', 'eval_steps_per_second'}
DICT_STEP_KEYS = {'step', 'global_step', 'current_steps', '_step', 'iteration', 'iter', 'train/global_step',
                  'trainer/global_step'}


def normalise(name):
    return '_'.join(name.lower().split())


def lead_is_prefix(lead):
    """A time stamp, a logging prefix or a rank before the step, not prose."""
    for token in lead.split():
        if re.fullmatch(r'[a-z]{2,}', token):
            return False
    return True


def number_node(node):
    """The number of a printed dict value: 0.5, -1e-05, nan, tensor(0.5, ...)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and \
       not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = number_node(node.operand)
        return None if v is None else (-v if isinstance(node.op, ast.USub) else v)
    if isinstance(node, ast.Name) and node.id.lower() in ('nan', 'inf'):
        return float(node.id.lower())
    if isinstance(node, ast.Call) and node.args:
        return number_node(node.args[0])
    return None


def printed_dict(line):
    """{'loss': 0.51, 'epoch': 0.1} anywhere in the line: its pairs, or None."""
    start = line.find('{')
    if start < 0 or line[start + 1:start + 2] not in ("'", '"'):
        return None
    end = start
    while True:
        end = line.find('}', end + 1)
        if end < 0:
            return None
        try:
            tree = ast.parse(line[start:end + 1], mode='eval').body
        except SyntaxError:
            continue
        if not isinstance(tree, ast.Dict):
            return None
        pairs = []
        for k, v in zip(tree.keys, tree.values):
            if not isinstance(k, ast.Constant) or not isinstance(k.value, str):
                return None
            number = number_node(v)
            if number is None:
                return None  # a printed config, not logged metrics
            pairs.append((normalise(k.value), number))
        return pairs or None


def step_line(line):
    """(step, total, epoch, pairs) of a "step N | name value | ..." line, or None."""
    m = STEP_START.match(line)
    if m is None or not lead_is_prefix(m.group('lead')):
        return None
    if m.group('word') in ('s', 'S') and not line[m.end('word'):].startswith(':'):
        return None  # llm.c's "s:N" only
    pairs = []
    if m.group('epoch') is not None:
        pairs.append(('epoch', float(m.group('epoch'))))
    rest = line[m.end():]
    for segment in re.split(r'[|,;\t]', rest):
        segment = segment.strip()
        if not segment or not re.search(r'\d|\b(?:nan|inf)\b', segment, re.I):
            continue  # words only ("saving checkpoint")
        if BARE.fullmatch(segment):
            continue
        pos, found = 0, []
        while pos < len(segment):
            p = PAIR.match(segment, pos)
            if p is None:
                return None  # numbers that are not "name value": prose, a tuple
            words = p.group('name').split()
            found.append((normalise(' '.join(words[-2:])), float(p.group('value'))))
            pos = p.end()
        pairs.extend(found)
    if not any(name != 'epoch' for name, _ in pairs):
        return None
    total = int(m.group('total')) if m.group('total') else 0
    epoch = float(m.group('epoch')) if m.group('epoch') is not None else None
    return int(m.group('step')), total, epoch, pairs


def text_lines(data):
    if data.startswith(b'\xef\xbb\xbf'):
        data = data[3:]
    text = data.decode('utf-8', 'replace')
    return [line for line in re.split(r'\r\n|\r|\n', text) if len(line.encode('utf-8', 'replace')) <= 65536]


def read_text(path):
    """The series of a text log: {name: {step: value}} (empty when it holds none)."""
    with open(path, 'rb') as f:
        data = f.read()
    if not data or b'\0' in data[:65536]:
        return {}
    lines = text_lines(data)
    records = []    # (step or None, kind, pairs)
    for line in lines:
        tq = TQDM.search(line)
        if tq:
            records.append((int(tq.group(1)), 'progress', None))
        pairs = printed_dict(line) if '{' in line else None
        if pairs is not None:
            records.append((None, 'dict', pairs))
            continue
        m = NANOGPT.fullmatch(line)
        if m:
            records.append((int(m.group(1)), 'nanogpt', [(normalise(m.group(2)), float(m.group(3)))]))
            continue
        s = step_line(line)
        if s is not None:
            records.append((s, 'step', None))
    # nanoGPT prints "iter N: loss X" every step and "step N: train loss X, val
    # loss Y" at each evaluation: the latter's train loss is an estimate.
    names_of = [set(n for n, _ in r[0][3]) for r in records if r[1] == 'step']
    estimates = any('train_loss' in n and 'val_loss' in n for n in names_of) and \
        any('loss' in n and 'val_loss' not in n for n in names_of)

    series = {}
    progress = None
    last_train = None
    epoch_local = False
    last_epoch = last_raw = None
    for step, kind, pairs in records:
        if kind == 'progress':
            progress = step
            continue
        if kind == 'dict':
            names = [n for n, _ in pairs]
            if 'train_runtime' in names:
                continue  # the end-of-training summary
            given = [v for n, v in pairs if n in DICT_STEP_KEYS and v == int(v)]
            if given:
                step = int(given[0])
            elif any(n.startswith('eval_') for n in names):
                step = last_train if last_train is not None else max(progress or 0, 0)
            else:
                after = last_train + 1 if last_train is not None else 1
                step = max(progress, after) if progress is not None else after
                last_train = step
            pairs = [(n, v) for n, v in pairs if n not in DICT_STEP_KEYS]
        elif kind == 'step':
            step, total, epoch, pairs = step
            if total > 0 and epoch is not None:
                if last_epoch is not None and epoch > last_epoch and step < last_raw:
                    epoch_local = True
                last_epoch, last_raw = epoch, step
                if epoch_local:
                    step = int(epoch * total) + step
            if estimates:
                pairs = [('train_loss_estimate' if n == 'train_loss' else n, v) for n, v in pairs]
        for name, value in pairs:
            if name in TEXT_NOT_SERIES:
                continue
            series.setdefault(name, {})[step] = value
    return series


LOG_SUFFIXES = ('.log', '.txt', '.out', '.err', '.stdout', '.stderr')
LOG_NAMES = ('stdout', 'stderr', 'output', 'console', 'log')
NOT_LOGS = ('requirements.txt', 'license.txt', 'readme.txt', 'notice.txt', 'cmakelists.txt', 'vocab.txt',
            'merges.txt', 'robots.txt', 'dependency_links.txt', 'top_level.txt', 'sources.txt')


def may_be_log(name):
    lower = name.lower()
    return not name.startswith('.') and lower not in NOT_LOGS and \
        (lower in LOG_NAMES or lower.endswith(LOG_SUFFIXES))


# --------------------------------------------------------- comparison ----

def summary(points):
    """What debrief-cli prints of a series: points, steps, last, min, max."""
    steps = sorted(points)
    finite = [v for v in points.values() if math.isfinite(v)]
    last = points[steps[-1]]
    return {'points': len(steps), 'first_step': steps[0], 'last_step': steps[-1],
            'last': last if math.isfinite(last) else None,
            'min': min(finite) if finite else None, 'max': max(finite) if finite else None}


def compare(mine, run):
    """The disagreements between the independent series and a run of the CLI's JSON."""
    problems = []
    cli = {}
    for name, s in run['series'].items():
        if s is not None:
            cli[s['key']] = dict(s, name=name)
    for key in sorted(set(mine) | set(cli)):
        if key not in cli:
            problems.append('%s: %d points in the file, not in debrief-cli\'s answer' % (key, len(mine[key])))
            continue
        if key not in mine:
            problems.append('%s: %d points in debrief-cli\'s answer (series “%s”), none in the file'
                            % (key, cli[key]['points'], cli[key]['name']))
            continue
        want = summary(mine[key])
        for field, value in want.items():
            got = cli[key].get(field)
            if not (got == value or (isinstance(got, float) and isinstance(value, float) and
                                     math.isclose(got, value, rel_tol=0, abs_tol=0))):
                problems.append('%s: %s is %r in the file, %r in debrief-cli\'s answer' % (key, field, value, got))
    return problems


def run_cli(cli, folders):
    """{run path: run} of `debrief-cli analyze --json --no-write FOLDER...`."""
    if not folders:
        return {}
    proc = subprocess.run([cli, 'analyze', '--json', '--no-write'] + folders, capture_output=True, text=True)
    try:
        answer = json.loads(proc.stdout)
    except ValueError:
        raise SystemExit('Bail out! debrief-cli gave no JSON (exit %d): %s' % (proc.returncode, proc.stderr[:2000]))
    return {os.path.realpath(r['path']): r for r in answer['runs']}


def make_database(schema, path):
    """An MLflow SQLite store made with MLflow's own schema: what a store holds
    after a few runs (repeated steps, NaN, a key with '/', a deleted run)."""
    db = sqlite3.connect(path)
    with open(schema) as f:
        db.executescript(f.read())
    db.execute("INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage) "
               "VALUES (0, 'Default', 'mlruns/0', 'active'), (1, 'sft', 'mlruns/1', 'active')")
    runs = [('a' * 32, 1, 'lora-r8', 'FINISHED', 'active', 400),
            ('b' * 32, 1, 'lora-r16', 'FAILED', 'active', 37),
            ('c' * 32, 0, 'deleted-run', 'FINISHED', 'deleted', 10)]
    for uuid, experiment, name, status, stage, steps in runs:
        db.execute("INSERT INTO runs (run_uuid, name, source_type, status, start_time, lifecycle_stage, "
                   "experiment_id, artifact_uri) VALUES (?, ?, 'LOCAL', ?, 1700000000000, ?, ?, 'x')",
                   (uuid, name, status, stage, experiment))
        t = 1700000000000
        for step in range(steps):
            loss = 2.5 * math.exp(-step / 150) + 0.4 + 0.01 * ((step * 7919) % 13)
            rows = [('loss', loss, step, 0), ('train/learning_rate', 2e-4 * (1 - step / steps), step, 0)]
            if step % 50 == 49:
                rows.append(('eval_loss', loss + 0.1, step, 0))
            if step == 200:
                rows.append(('grad_norm', 0.0, step, 1))   # NaN is stored as is_nan = 1
            for key, value, s, is_nan in rows:
                db.execute('INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) '
                           'VALUES (?, ?, ?, ?, ?, ?)', (key, value, t, uuid, s, is_nan))
            t += 1000
        # A resumed run logs some steps again, later: the later value counts.
        for step in range(steps // 2, steps // 2 + 5):
            db.execute("INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) "
                       "VALUES ('loss', ?, ?, ?, ?, 0)", (1.0 + step / 1000, t, uuid, step))
            t += 1000
        db.execute("INSERT INTO params (key, value, run_uuid) VALUES ('lora_r', '8', ?)", (uuid,))
    db.commit()
    db.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--cli', required=True)
    parser.add_argument('--sqlite-schema', help="MLflow's schema: also check a SQLite store made with it")
    parser.add_argument('--verbose', action='store_true')
    parser.add_argument('roots', nargs='+')
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix='debrief-independent-')
    try:
        return check(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check(args, work):
    expected = []   # (what, run path, series, format)
    folders = []    # what debrief-cli is asked to read
    logs = []

    for root in args.roots:
        root = os.path.realpath(root)
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            wandb = sorted(n for n in filenames if n.endswith('.wandb') and not n.startswith('.'))
            if wandb:
                log = next((n for n in wandb if n.startswith('run-')), wandb[0])
                expected.append(('W&B ' + os.path.relpath(os.path.join(dirpath, log), root), dirpath,
                                 read_wandb(os.path.join(dirpath, log)), 'wandb'))
                folders.append(dirpath)
            if 'meta.yaml' in filenames and os.path.isdir(os.path.join(dirpath, 'metrics')):
                series = read_mlflow_run(dirpath)
                if series:
                    expected.append(('MLflow ' + os.path.relpath(dirpath, root), dirpath, series, 'mlflow'))
                    folders.append(dirpath)
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                if name.endswith('.db') and is_mlflow_database(path):
                    for run_path, series in sorted(mlflow_database_runs(path).items()):
                        expected.append(('MLflow SQLite ' + os.path.relpath(run_path, root), run_path, series,
                                         'mlflow'))
                    folders.append(path)
                elif may_be_log(name):
                    logs.append((root, path))

    if args.sqlite_schema:
        db = os.path.join(work, 'mlflow.db')
        make_database(args.sqlite_schema, db)
        for run_path, series in sorted(mlflow_database_runs(db).items()):
            expected.append(('MLflow SQLite (MLflow schema) ' + os.path.basename(run_path), run_path, series,
                             'mlflow'))
        folders.append(db)

    # Each text log alone in a folder: Debrief reads it as a text log, or finds no run.
    text_folders = {}
    folder_roots = {}
    for i, (root, path) in enumerate(logs):
        series = read_text(path)
        folder = os.path.join(work, 'log-%03d' % i)
        os.mkdir(folder)
        shutil.copyfile(path, os.path.join(folder, os.path.basename(path)))
        folders.append(folder)
        text_folders.setdefault(os.path.dirname(path), []).append(series)
        folder_roots[os.path.dirname(path)] = root
        expected.append(('text ' + os.path.relpath(path, root), folder, series, 'text'))
    # A folder of text logs opens as the one with the most loss points (then points).
    for folder in sorted(text_folders):
        folders.append(folder)

    runs = run_cli(args.cli, folders)
    n = 0
    failed = 0
    lines = []
    for what, path, series, fmt in expected:
        n += 1
        run = runs.get(os.path.realpath(path)) if not fmt == 'mlflow' or os.path.exists(path) else \
            runs.get(os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path)))
        if not series:
            if run is not None and run['format'] == fmt:
                failed += 1
                lines.append('not ok %d - %s: no series in the file, debrief-cli reads %d' %
                             (n, what, len([s for s in run['series'].values() if s])))
            else:
                lines.append('ok %d - %s: no series (debrief-cli: %s)' %
                             (n, what, 'no run' if run is None else 'read as ' + run['format']))
            continue
        if run is None or run['format'] != fmt:
            failed += 1
            lines.append('not ok %d - %s: %d series in the file, debrief-cli %s' %
                         (n, what, len(series), 'finds no run' if run is None else 'reads it as ' + run['format']))
            continue
        problems = compare(series, run)
        counts = ', '.join('%s %d' % (k, len(v)) for k, v in sorted(series.items()))
        if problems:
            failed += 1
            lines.append('not ok %d - %s' % (n, what))
            lines.extend('# ' + p for p in problems)
        else:
            lines.append('ok %d - %s: %s' % (n, what, counts))

    def loss_points(series):
        return sum(len(v) for k, v in series.items() if k in ('loss', 'train_loss', 'train', 'val', 'val_loss',
                                                               'eval_loss'))

    for folder in sorted(text_folders):
        run = runs.get(os.path.realpath(folder))
        if run is None or run['format'] != 'text':
            continue
        n += 1
        best = max(text_folders[folder], key=lambda s: (loss_points(s), sum(len(v) for v in s.values())))
        problems = compare(best, run)
        what = 'text folder ' + os.path.relpath(folder, folder_roots[folder])
        if problems:
            failed += 1
            lines.append('not ok %d - %s' % (n, what))
            lines.extend('# ' + p for p in problems)
        else:
            lines.append('ok %d - %s: the log with the most loss points' % (n, what))

    print('1..%d' % n)
    print('\n'.join(lines))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())

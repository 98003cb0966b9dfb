#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the generated bad-input run folders in tests/data/bad/ (stdlib only).

Each folder is one broken run; EXPECTED.tsv beside this script says what
loading it must give (tests/core/test-bad-corpus.c checks it). The folders
that were written by hand (binary, empty, symlink-loop, ...) are not touched.
The 10 MB single-line cases are made by the test itself at run time, so the
repository stays small.
"""
import json
import os
import shutil
import struct
import sys

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
from tfrecord import field, file_version, record, varint  # noqa: E402 (tests/tfrecord.py)

here = os.path.dirname(os.path.abspath(__file__))


def folder(name, files):
    path = os.path.join(here, name)
    if os.path.lexists(path):
        shutil.rmtree(path)
    os.makedirs(path)
    for rel, content in files.items():
        p = os.path.join(path, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if isinstance(content, str):
            content = content.encode('utf-8')
        with open(p, 'wb') as f:
            f.write(content)


def symlink_folder(name, links, files=None):
    folder(name, files or {})
    for rel, target in links.items():
        os.symlink(target, os.path.join(here, name, rel))


# ---- seed metrics.json --------------------------------------------------------
SEED = '{"train_losses": [2.5, 2.4, 2.3, 2.2, 2.1, 2.0], "val_losses": [2.6, 2.45]}\n'
folder('seed-truncated', {'metrics.json': SEED[:40]})
folder('seed-bom', {'metrics.json': '\ufeff' + SEED})
folder('seed-crlf', {'metrics.json': '{"train_losses": [2.5, 2.4,\r\n 2.3, 2.2],\r\n "val_losses": [2.6]}\r\n'})
folder('seed-binary', {'metrics.json': bytes(range(256)) * 4})
folder('seed-nan-tokens', {'metrics.json': '{"train_losses": [2.5, NaN, 2.3, Infinity, -Infinity, 2.0]}\n'})
folder('seed-nan-strings', {'metrics.json': '{"train_losses": [2.5, "NaN", 2.3, "Infinity", "-inf", 2.0]}\n'})
folder('seed-huge-exponent', {'metrics.json': '{"train_losses": [2.5, 1e999999999999, 2.3, -1e400, 1e-99999, 2.0]}\n'})
folder('seed-duplicate-keys', {'metrics.json': '{"train_losses": [9.0, 9.0], "train_losses": [2.5, 2.4, 2.3]}\n'})
folder('seed-invalid-escape', {'metrics.json': '{"train_losses": [2.5, 2.4], "config": {"base_model": "Qwen\\q"}}\n'})
folder('seed-surrogate-half', {'metrics.json': '{"train_losses": [2.5, 2.4], "config": {"base_model": "Qwen\\ud800"}}\n'})
folder('seed-unterminated-string', {'metrics.json': '{"train_losses": [2.5, 2.4], "config": {"base_model": "Qwen/Qwen2.5-7B}\n'})
folder('seed-not-object', {'metrics.json': '[2.5, 2.4, 2.3]\n'})
folder('seed-non-utf8', {'metrics.json': b'{"train_losses": [2.5, 2.4], "config": {"base_model": "Qw\xff\xfeen"}}\n'})
folder('seed-config-broken', {'metrics.json': SEED, 'config.json': '{"lora_rank": 8, "base_model": '})
folder('seed-config-folder', {'metrics.json': SEED, 'config.json/README': 'a folder where a file is expected\n'})

# ---- HF Trainer trainer_state.json ---------------------------------------------
def hf_state(history, extra=''):
    return '{"global_step": 3, "max_steps": 3, "num_train_epochs": 1,%s "log_history": %s}\n' % (extra, history)

HF_HISTORY = '[{"step": 1, "loss": 2.5, "learning_rate": 1e-4}, {"step": 2, "loss": 2.4}, {"step": 3, "loss": 2.3}, {"step": 3, "eval_loss": 2.5}]'
folder('hf-empty', {'trainer_state.json': ''})
folder('hf-history-not-array', {'trainer_state.json': hf_state('{"step": 1, "loss": 2.5}')})
folder('hf-nan-loss', {'trainer_state.json': hf_state('[{"step": 1, "loss": 2.5}, {"step": 2, "loss": NaN}, {"step": 3, "loss": "nan"}, {"step": 4, "loss": 2.2}]')})
folder('hf-negative-steps', {'trainer_state.json': hf_state('[{"step": -5, "loss": 2.9}, {"step": 1, "loss": 2.5}, {"step": 2, "loss": 2.4}]')})
folder('hf-crlf-bom', {'trainer_state.json': ('\ufeff' + hf_state(HF_HISTORY)).replace('\n', '\r\n').replace(', ', ',\r\n ')})
folder('hf-non-utf8', {'trainer_state.json': hf_state(HF_HISTORY).encode()[:-2] + b', "best_model_checkpoint": "out/\xc3\x28"}\n'})
folder('hf-deep-nesting', {'trainer_state.json': '{"log_history": ' + '[' * 5000 + ']' * 5000 + '}\n'})
folder('hf-adapter-config-truncated', {'trainer_state.json': hf_state(HF_HISTORY),
                                       'adapter_config.json': '{"r": 16, "lora_alpha": 32, "target_mod'})
folder('hf-adapter-config-wrong-types', {'trainer_state.json': hf_state(HF_HISTORY),
                                         'adapter_config.json': '{"r": "sixteen", "lora_alpha": [32], "target_modules": 7, "base_model_name_or_path": {"x": 1}}\n'})
folder('hf-state-folder', {'trainer_state.json/README': 'a folder where a file is expected\n'})
folder('hf-steps-as-strings', {'trainer_state.json': hf_state('[{"step": "1", "loss": "2.5"}, {"step": "two", "loss": 2.4}, {"step": 3, "loss": true}]')})

# ---- Tinker metrics.jsonl (+ checkpoints.jsonl, config.json) ------------------
def tinker(n=4):
    return ''.join(json.dumps({"step": i, "epoch": 0, "learning_rate": 1e-4, "num_tokens": 1000,
                               "train_mean_nll": 2.4 - 0.1 * i}) + '\n' for i in range(n))

folder('tinker-checkpoints-garbage', {'metrics.jsonl': tinker(), 'checkpoints.jsonl': '{"name": "000002", "batch": 2\nnot json at all\n'})
folder('tinker-config-truncated', {'metrics.jsonl': tinker(), 'config.json': '{"model_name": "Qwen/Qwen3-8B", "lora_rank":'})
folder('tinker-truncated-last-line', {'metrics.jsonl': tinker() + '{"step": 4, "epoch": 0, "train_mean_n'})
folder('tinker-nan-strings', {'metrics.jsonl': tinker(2) + '{"step": 2, "train_mean_nll": "NaN"}\n{"step": 3, "train_mean_nll": "Infinity"}\n'})
folder('tinker-checkpoints-folder', {'metrics.jsonl': tinker(), 'checkpoints.jsonl/README': 'a folder where a file is expected\n'})

# ---- LLaMA-Factory trainer_log.jsonl --------------------------------------------
def lf(i, loss):
    return '{"current_steps": %d, "total_steps": 30, "loss": %s, "lr": 0.0001, "epoch": 0.1}\n' % (i, loss)

folder('llamafactory-garbage-line', {'trainer_log.jsonl': lf(5, 2.5) + 'Traceback (most recent call last):\n' + lf(10, 2.4)})
folder('llamafactory-negative-steps', {'trainer_log.jsonl': lf(-5, 2.9) + lf(5, 2.5) + lf(10, 2.4)})
folder('llamafactory-crlf', {'trainer_log.jsonl': (lf(5, 2.5) + lf(10, 2.4) + lf(15, 2.3)).replace('\n', '\r\n')})
folder('llamafactory-empty', {'trainer_log.jsonl': ''})
folder('llamafactory-steps-backwards', {'trainer_log.jsonl': lf(5, 2.5) + lf(10, 2.4) + lf(10, 2.35) + lf(7, 2.3) + lf(15, 2.2)})

# ---- generic metrics.jsonl ---------------------------------------------------------
def gen(i, loss):
    return '{"step": %d, "loss": %s}\n' % (i, loss)

folder('jsonl-duplicate-keys', {'metrics.jsonl': gen(1, 2.5) + '{"step": 2, "loss": 9.9, "loss": 2.4}\n' + gen(3, 2.3)})
folder('jsonl-surrogate-half', {'metrics.jsonl': gen(1, 2.5) + '{"step": 2, "loss": 2.4, "note": "\\udc00 alone"}\n' + gen(3, 2.3)})
folder('jsonl-invalid-escape', {'metrics.jsonl': gen(1, 2.5) + '{"step": 2, "loss": 2.4, "note": "C:\\path"}\n' + gen(3, 2.3)})
folder('jsonl-unterminated-string', {'metrics.jsonl': gen(1, 2.5) + '{"step": 2, "loss": 2.4, "note": "oops}\n' + gen(3, 2.3)})
folder('jsonl-nan-tokens', {'metrics.jsonl': gen(1, 2.5) + gen(2, 'NaN') + gen(3, 'Infinity') + gen(4, '-Infinity') + gen(5, 2.1)})
folder('jsonl-huge-exponent', {'metrics.jsonl': gen(1, 2.5) + gen(2, '1e99999') + gen(3, '-1e99999') + gen(4, 2.2) + '{"step": 1e30, "loss": 2.0}\n'})
folder('jsonl-negative-steps', {'metrics.jsonl': gen(-3, 2.9) + gen(-1, 2.7) + gen(1, 2.5) + gen(2, 2.4)})
folder('jsonl-crlf-bom', {'metrics.jsonl': '\ufeff' + (gen(1, 2.5) + gen(2, 2.4) + gen(3, 2.3)).replace('\n', '\r\n')})
folder('jsonl-truncated', {'metrics.jsonl': gen(1, 2.5) + gen(2, 2.4) + '{"step": 3, "lo'})
folder('jsonl-wrong-types', {'metrics.jsonl': gen(1, 2.5) + '{"step": "2", "loss": "2.4"}\n{"step": [3], "loss": {"v": 2.3}}\n{"step": 4, "loss": true}\n' + gen(5, 2.1)})
folder('jsonl-not-objects', {'metrics.jsonl': '[1, 2.5]\n[2, 2.4]\n"step"\n42\nnull\n'})

# ---- metrics.csv ------------------------------------------------------------------------
folder('csv-ragged-rows', {'metrics.csv': 'step,train_loss,val_loss\n0,2.9,3.0\n1,2.7\n2,2.6,2.8,extra,cells\n3,2.5,2.7\n'})
folder('csv-quoted-newline', {'metrics.csv': 'step,train_loss,note\n0,2.9,"two\nlines"\n1,2.7,"a ""quoted"" cell"\n2,2.6\n3,2.5,plain\n'})
folder('csv-only-header', {'metrics.csv': 'epoch,step,train_loss,val_loss\n'})
folder('csv-empty', {'metrics.csv': ''})
folder('csv-crlf-bom', {'metrics.csv': '\ufeffstep,train_loss\r\n0,2.9\r\n1,2.7\r\n2,2.5\r\n'})
folder('csv-nan-strings', {'metrics.csv': 'step,train_loss\n0,2.9\n1,nan\n2,inf\n3,-Infinity\n4,NaN\n5,2.4\n'})
folder('csv-binary', {'metrics.csv': b'step,train_loss\n' + bytes(range(256)) * 8})
folder('csv-unterminated-quote', {'metrics.csv': 'step,train_loss,note\n0,2.9,"never closed\n1,2.7,x\n2,2.6,y\n'})
folder('csv-not-numbers', {'metrics.csv': 'step,train_loss\nzero,2.9\n1,two\n2,2.5\n1e999,2.4\n'})

# ---- TensorBoard TFRecords ---------------------------------------------------------------
def event(step, tag, v):
    value = field(1, 2, tag.encode()) + field(2, 5, struct.pack('<f', v))
    return field(1, 1, struct.pack('<d', 1.7e9 + step)) + field(2, 0, varint(step)) + field(5, 2, field(1, 2, value))

TB = 'events.out.tfevents.1700000000.host.1.0'
FILE_VERSION = file_version()
good = [record(event(s, 'train/loss', 3.0 - 0.1 * s)) for s in range(1, 6)]
folder('tfevents-bad-data-crc', {TB: FILE_VERSION + good[0] + record(event(2, 'train/loss', 2.8), data_crc=0xDEADBEEF) + b''.join(good[2:])})
folder('tfevents-bad-header-crc', {TB: FILE_VERSION + good[0] + record(event(2, 'train/loss', 2.8), header_crc=0x12345678) + b''.join(good[2:])})
folder('tfevents-short-length', {TB: FILE_VERSION + b''.join(good) + record(event(6, 'train/loss', 2.4))[:30]})
folder('tfevents-huge-length', {TB: FILE_VERSION + good[0] + record(b'', length=0x7FFFFFFFFFFFFFF0) + b''.join(good[1:])})
folder('tfevents-empty', {TB: b''})
folder('tfevents-only-header-bytes', {TB: b'\x10\x00\x00\x00'})
folder('tfevents-bad-protobuf', {TB: FILE_VERSION + good[0] + record(b'\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x0f' + b'\x0a\xff\xff\xff\xff\x0f') + b''.join(good[1:])})
folder('tfevents-nan-values', {TB: FILE_VERSION + good[0] + record(event(2, 'train/loss', float('nan'))) + record(event(3, 'train/loss', float('inf'))) + b''.join(good[3:])})

# ---- links and folders -----------------------------------------------------------------------
symlink_folder('trainer-log-dangling-symlink', {'trainer_log.jsonl': 'gone.jsonl'})
symlink_folder('csv-symlink-loop', {'metrics.csv': 'metrics.csv'})
folder('jsonl-folder-as-file', {'metrics.jsonl/README': 'a folder where a file is expected\n'})

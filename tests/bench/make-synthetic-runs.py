#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes N random run folders that exercise every branch of the analysis, for
tests/bench/compare-analysis.sh --synthetic N (an implementation change must
give the same output on them as before, not only on the fixtures).

Each folder is a seed metrics.json or a tinker metrics.jsonl with a random
length (20 to 300,000 steps), curve shape (healthy, plateau, slow, diverging,
flat, overfitting validation), noise level and tail weight, spikes, repeated
or backward steps, NaN/Infinity/null values, losses at or below zero (linear
spike scale), ties (rounded values) and sometimes no validation at all; and
13 long metrics.json files (synthetic-long-*) that the reader splits between
two threads, with what may stop either half (nulls, strings, NaN, nested
arrays, newlines, a trailing comma, a cut-off file).

usage: make-synthetic-runs.py DIR N [SEED]   (stdlib only)
"""
import json
import math
import os
import random
import sys


def curve(rng, n):
    shape = rng.choice(['healthy', 'plateau', 'slow', 'diverge', 'flat', 'linear'])
    start = rng.uniform(0.5, 5.0)
    end = start * rng.uniform(0.2, 0.9)
    tau = {'healthy': 0.15, 'plateau': 0.04, 'slow': 1.5, 'diverge': 0.2, 'flat': 0.2, 'linear': 5.0}[shape]
    noise = start * rng.choice([0.001, 0.01, 0.03, 0.1])
    heavy = rng.random() < 0.3
    offset = -start * 1.5 if rng.random() < 0.1 else 0.0   # losses below zero: linear scale
    ys = []
    for i in range(n):
        t = i / max(n - 1, 1)
        if shape == 'flat':
            level = start
        else:
            level = end + (start - end) * math.exp(-t / tau)
        if shape == 'diverge' and t > 0.6:
            level += start * (t - 0.6) * 3
        e = rng.gauss(0, noise)
        if heavy and rng.random() < 0.01:
            e *= 8
        ys.append(level + e + offset)
    for _ in range(rng.choice([0, 0, 1, 3, 10])):
        at = rng.randrange(n)
        width = rng.choice([1, 3, 20, 200])
        jump = start * rng.uniform(0.05, 1.0)
        for j in range(at, min(n, at + width)):
            ys[j] += jump * (1 - (j - at) / width)
    if rng.random() < 0.2:
        digits = rng.choice([2, 3, 4])
        ys = [round(y, digits) for y in ys]
    return ys


def val_curve(rng, ys, every):
    overfit = rng.random() < 0.3
    out = []
    for k, i in enumerate(range(0, len(ys), every)):
        v = ys[i] + 0.05 + rng.gauss(0, 0.01)
        if overfit and k > 5:
            v += 0.02 * (k - 5)
        out.append(v)
    return out


def spoil(rng, values):
    """Some NaN / Infinity / null values."""
    out = list(values)
    if rng.random() < 0.15:
        for _ in range(rng.choice([1, 5, 50])):
            out[rng.randrange(len(out))] = rng.choice([float('nan'), float('inf'), None])
    return out


def write_seed(path, rng, n):
    ys = spoil(rng, curve(rng, n))
    data = {"train_losses": ys}
    if rng.random() < 0.8:
        every = rng.choice([1, 10, max(n // 50, 1), max(n // 1000, 1)])
        data["val_losses"] = val_curve(rng, [y if isinstance(y, float) and math.isfinite(y) else 1.0
                                             for y in ys], every)
    if rng.random() < 0.3:
        data["learning_rates"] = [3e-4 * (1 - i / n) for i in range(n)]
    with open(os.path.join(path, 'metrics.json'), 'w') as f:
        json.dump(data, f)


def write_tinker(path, rng, n):
    ys = curve(rng, n)
    steps = list(range(n))
    if rng.random() < 0.2:
        # a resumed run: some steps logged again, some going backwards
        back = rng.randrange(n // 2, n)
        steps = steps[:back] + list(range(back - rng.randrange(1, 50), n))
        ys = ys[:back] + curve(rng, len(steps) - back)
    every = max(n // rng.choice([20, 100, 1000]), 1)
    with open(os.path.join(path, 'metrics.jsonl'), 'w') as f:
        for k, (s, y) in enumerate(zip(steps, ys)):
            row = {"step": s, "learning_rate": 1e-4, "train_mean_nll": y}
            if rng.random() < 0.001:
                row["train_mean_nll"] = None
            if s % every == 0:
                row["test/nll"] = y + 0.05 + rng.gauss(0, 0.01)
            f.write(json.dumps(row) + '\n')


def write_long_arrays(out, rng):
    """metrics.json files long enough to be read by two threads (over 2 MB of
    numbers), with what a half may stop at: nulls, strings, nested arrays,
    NaN, numbers with exponents, pretty-printing (newlines: line numbers in
    warnings), a trailing comma, a file cut off in either half."""
    n = 200000
    base = [repr(y) for y in curve(rng, n)]

    def put(name, items, sep=', ', cut=None, head='{"train_losses": [', tail='], "val_losses": [1.0, 0.9, 0.8]}'):
        path = os.path.join(out, 'synthetic-long-%s' % name)
        os.makedirs(path, exist_ok=True)
        text = head + sep.join(items) + tail
        if cut is not None:
            text = text[:int(len(text) * cut)]
        with open(os.path.join(path, 'metrics.json'), 'w') as f:
            f.write(text)

    def spoiled(at, what):
        items = list(base)
        for a in at:
            items[int(a * n)] = what
        return items

    put('plain', base)
    put('pretty', base, sep=',\n    ', head='{\n  "train_losses": [\n    ')
    put('null-first-half', spoiled([0.2], 'null'))
    put('null-second-half', spoiled([0.7, 0.9], 'null'), sep=',\n')
    put('string-second-half', spoiled([0.75], '"1.5"'))
    put('word-second-half', spoiled([0.6], '"oops"'), sep=',\n')
    put('nan-second-half', spoiled([0.55], 'NaN'))
    put('nested-second-half', spoiled([0.8], '[1, 2]'))
    put('exponents', [('%.6e' % float(x)) for x in base])
    put('trailing-comma', base, tail=',], "val_losses": [1.0]}')
    put('cut-first-half', base, cut=0.3)
    put('cut-second-half', base, cut=0.8, sep=',\n')
    put('bracket-in-string-first', spoiled([0.1], '"]"'))


def main():
    out, count = sys.argv[1], int(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 17)
    write_long_arrays(out, random.Random(5))
    for k in range(count):
        n = rng.choice([20, 25, 40, 90, 150, 400, 1000, 5000, 20000, 100000, 300000])
        path = os.path.join(out, 'synthetic-%04d' % k)
        os.makedirs(path, exist_ok=True)
        (write_seed if rng.random() < 0.6 else write_tinker)(path, rng, n)


if __name__ == '__main__':
    main()

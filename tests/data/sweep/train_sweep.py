#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""How tests/data/sweep/ was made: a real learning-rate x rank x seed sweep of LoRA
fine-tunes of a tiny byte-level Llama-style model, trained on a CPU.

Not run by the tests (it needs Debian's python3-torch and ~20 minutes of CPU);
kept so that the data can be reproduced and its provenance read.

  /usr/bin/python3 tests/data/sweep/train_sweep.py OUTDIR [--jobs 2]

The base model is pretrained from scratch on the licence texts Debian ships in
/usr/share/common-licenses; the fine-tuning data is the Python 3.11 standard
library's source (/usr/lib/python3.11/*.py), split into train and validation
files by a salted hash. Each run writes a tinker-cookbook supervised-learning
log folder: metrics.jsonl (one line per step, test/nll on eval steps),
checkpoints.jsonl and config.json.
"""
import argparse
import glob
import hashlib
import json
import math
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import torch
import torch.nn as nn
import torch.nn.functional as F

CTX = 128
HIDDEN = 128
LAYERS = 2
HEADS = 4
MLP = 344
VOCAB = 256

BASE_STEPS = 600
BASE_BATCH = 16
BASE_LR = 3e-3

STEPS = 200
BATCH = 8
EVAL_EVERY = 20
SAVE_EVERY = 50
WARMUP = 10
TRAIN_BLOCKS = STEPS * BATCH  # one epoch
VAL_BLOCKS = 48
ALPHA = 16.0

LEARNING_RATES = [3e-4, 1e-3, 3e-3, 1e-2, 3e-2]
RANKS = [4, 16]
SEEDS = [0, 1]


class LoRALinear(nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.base = nn.Linear(d_in, d_out, bias=False)
        self.rank = 0
        self.a = None
        self.b = None
        self.scale = 0.0

    def add_lora(self, rank, alpha, generator):
        self.rank = rank
        self.a = nn.Parameter(torch.empty(rank, self.base.in_features))
        bound = 1.0 / math.sqrt(self.base.in_features)
        with torch.no_grad():
            self.a.uniform_(-bound, bound, generator=generator)
        self.b = nn.Parameter(torch.zeros(self.base.out_features, rank))
        self.scale = alpha / rank

    def forward(self, x):
        y = self.base(x)
        if self.rank:
            y = y + (x @ self.a.t() @ self.b.t()) * self.scale
        return y


class RMSNorm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * self.weight


def rotary(x):
    # x: (B, H, T, D)
    d = x.shape[-1]
    t = torch.arange(x.shape[2], dtype=torch.float32)
    freqs = 1.0 / (10000 ** (torch.arange(0, d, 2, dtype=torch.float32) / d))
    ang = torch.outer(t, freqs)
    cos, sin = ang.cos(), ang.sin()
    x1, x2 = x[..., 0::2], x[..., 1::2]
    return torch.stack((x1 * cos - x2 * sin, x1 * sin + x2 * cos), dim=-1).flatten(-2)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.n1 = RMSNorm(HIDDEN)
        self.q = LoRALinear(HIDDEN, HIDDEN)
        self.k = LoRALinear(HIDDEN, HIDDEN)
        self.v = LoRALinear(HIDDEN, HIDDEN)
        self.o = LoRALinear(HIDDEN, HIDDEN)
        self.n2 = RMSNorm(HIDDEN)
        self.gate = LoRALinear(HIDDEN, MLP)
        self.up = LoRALinear(HIDDEN, MLP)
        self.down = LoRALinear(MLP, HIDDEN)

    def forward(self, x):
        b, t, _ = x.shape
        h = self.n1(x)
        shape = (b, t, HEADS, HIDDEN // HEADS)
        q = rotary(self.q(h).view(shape).transpose(1, 2))
        k = rotary(self.k(h).view(shape).transpose(1, 2))
        v = self.v(h).view(shape).transpose(1, 2)
        # torch 1.13 (Debian 12) has no scaled_dot_product_attention.
        att = (q @ k.transpose(-2, -1)) / math.sqrt(HIDDEN // HEADS)
        mask = torch.ones(t, t, dtype=torch.bool).triu(1)
        a = att.masked_fill(mask, float("-inf")).softmax(-1) @ v
        x = x + self.o(a.transpose(1, 2).reshape(b, t, HIDDEN))
        h = self.n2(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, HIDDEN)
        self.blocks = nn.ModuleList(Block() for _ in range(LAYERS))
        self.norm = RMSNorm(HIDDEN)
        self.head = nn.Linear(HIDDEN, VOCAB, bias=False)

    def forward(self, ids):
        x = self.embed(ids)
        for blk in self.blocks:
            x = blk(x)
        return self.head(self.norm(x))

    def lora_layers(self):
        for blk in self.blocks:
            for name in ("q", "k", "v", "o", "gate", "up", "down"):
                yield getattr(blk, name)


def nll(model, blocks):
    logits = model(blocks[:, :-1])
    return F.cross_entropy(logits.reshape(-1, VOCAB), blocks[:, 1:].reshape(-1))


def to_blocks(data, n_max):
    n = min(len(data) // CTX, n_max)
    return torch.tensor(list(data[: n * CTX]), dtype=torch.long).view(n, CTX)


def licence_text():
    parts = []
    for path in sorted(glob.glob("/usr/share/common-licenses/*")):
        if os.path.isfile(path):
            with open(path, "rb") as f:
                parts.append(f.read())
    return b"\n".join(parts)


def stdlib_split():
    train, val = [], []
    for path in sorted(glob.glob("/usr/lib/python3.11/*.py")):
        with open(path, "rb") as f:
            data = f.read()
        salt = hashlib.sha256(b"debrief-sweep:" + os.path.basename(path).encode()).digest()
        (val if salt[0] < 26 else train).append(data)
    return b"\n".join(train), b"\n".join(val)


def pretrain_base(path):
    if os.path.exists(path):
        return
    torch.manual_seed(1234)
    model = Model()
    data = to_blocks(licence_text(), 100000)
    opt = torch.optim.AdamW(model.parameters(), lr=BASE_LR, weight_decay=0.01)
    g = torch.Generator().manual_seed(1234)
    for step in range(BASE_STEPS):
        lr = BASE_LR * min(1.0, (step + 1) / 30) * 0.5 * (1 + math.cos(math.pi * step / BASE_STEPS))
        for group in opt.param_groups:
            group["lr"] = lr
        idx = torch.randint(0, data.shape[0], (BASE_BATCH,), generator=g)
        loss = nll(model, data[idx])
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 100 == 0:
            print(f"base step {step} loss {loss.item():.3f}", file=sys.stderr)
    torch.save(model.state_dict(), path)


def lr_at(peak, step):
    if step < WARMUP:
        return peak * step / WARMUP
    progress = (step - WARMUP) / max(1, STEPS - WARMUP)
    return peak * 0.5 * (1 + math.cos(math.pi * progress))


def run_name(lr, rank, seed):
    return f"lr{lr:.0e}-r{rank}-seed{seed}".replace("e-0", "e-")


def train_one(args):
    outdir, base_path, lr, rank, seed = args
    torch.set_num_threads(1)
    name = run_name(lr, rank, seed)
    folder = os.path.join(outdir, name)
    os.makedirs(folder, exist_ok=True)
    train_text, val_text = stdlib_split()
    train = to_blocks(train_text, 10**9)
    val = to_blocks(val_text, VAL_BLOCKS)

    model = Model()
    model.load_state_dict(torch.load(base_path))
    for p in model.parameters():
        p.requires_grad_(False)
    gen = torch.Generator().manual_seed(seed)
    for layer in model.lora_layers():
        layer.add_lora(rank, ALPHA, gen)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)

    # The seed also decides which blocks form the one-epoch training set and their order.
    order = torch.randperm(train.shape[0], generator=gen)[:TRAIN_BLOCKS]
    run_id = hashlib.sha256(name.encode()).hexdigest()[:8]
    config = {
        "log_path": f"/tmp/tinker-examples/sl/sweep/{name}",
        "model_name": "tiny-byte-llama-2l-128d",
        "load_checkpoint_path": None,
        "dataset": "python-stdlib-src",
        "learning_rate": lr,
        "lr_schedule": "cosine",
        "warmup_steps": WARMUP,
        "num_epochs": 1,
        "lora_rank": rank,
        "lora_alpha": ALPHA,
        "train_attn": True,
        "train_mlp": True,
        "train_unembed": False,
        "batch_size": BATCH,
        "seed": seed,
        "save_every": SAVE_EVERY,
        "eval_every": EVAL_EVERY,
        "adam_beta1": 0.9,
        "adam_beta2": 0.999,
        "adam_eps": 1e-08,
        "weight_decay": 0.0,
        "grad_clip_norm": 1.0,
        "wandb_project": None,
        "wandb_name": None,
    }
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")

    start = time.time()
    with open(os.path.join(folder, "metrics.jsonl"), "w") as metrics, \
         open(os.path.join(folder, "checkpoints.jsonl"), "w") as checkpoints:
        for step in range(STEPS):
            t0 = time.time()
            cur_lr = lr_at(lr, step)
            for group in opt.param_groups:
                group["lr"] = cur_lr
            batch = train[order[step * BATCH:(step + 1) * BATCH]]
            loss = nll(model, batch)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            value = loss.item()
            record = {
                "step": step,
                "epoch": 0,
                "progress": (step + 1) / STEPS,
                "learning_rate": cur_lr,
                "num_sequences": BATCH,
                "num_tokens": BATCH * CTX,
                "num_loss_tokens": BATCH * (CTX - 1),
                "train_mean_nll": value if math.isfinite(value) else None,
                "train_mean_bpb": value / math.log(2) if math.isfinite(value) else None,
                "time/step": time.time() - t0,
            }
            if step % EVAL_EVERY == 0 or step == STEPS - 1:
                t1 = time.time()
                with torch.no_grad():
                    test = nll(model, val).item()
                record["test/nll"] = test
                record["test/bpb"] = test / math.log(2)
                record["time/evals"] = time.time() - t1
            if (step + 1) % SAVE_EVERY == 0 or step == STEPS - 1:
                ckpt = f"{step + 1:06d}"
                final = step == STEPS - 1
                entry = {
                    "name": "final" if final else ckpt,
                    "epoch": 0,
                    "batch": step + 1,
                    "final": final,
                    "state_path": f"tinker://{run_id}-sweep:train:0/weights/{ckpt}",
                    "sampler_path": f"tinker://{run_id}-sweep:train:0/sampler_weights/{ckpt}",
                }
                record["state_path"] = entry["state_path"]
                record["sampler_path"] = entry["sampler_path"]
                checkpoints.write(json.dumps(entry) + "\n")
            record["time/total"] = time.time() - start
            metrics.write(json.dumps(record) + "\n")
    return name, time.time() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("outdir")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    base = os.path.join(args.outdir, ".base-model.pt")
    torch.set_num_threads(args.jobs)
    pretrain_base(base)
    jobs = [(args.outdir, base, lr, rank, seed)
            for lr in LEARNING_RATES for rank in RANKS for seed in SEEDS]
    with ProcessPoolExecutor(args.jobs) as pool:
        for name, seconds in pool.map(train_one, jobs):
            print(f"{name}: {seconds:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()

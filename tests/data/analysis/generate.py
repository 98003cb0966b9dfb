#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Generates the labelled runs in this folder (run it from anywhere; deterministic).

Two kinds of runs, written in the on-disk formats of real trainers (seed metrics.json,
Hugging Face trainer_state.json, tinker metrics.jsonl):
  * perturbations of the real runs in ../runs: window-averaged as the HF Trainer logs,
    more noise, fewer evaluations, another format; they keep the real run's labels;
  * synthetic curves with known defects (or none): noisy-but-healthy runs with
    Gaussian / heavy-tailed / correlated noise, warmup, two-phase decay, slow
    convergence, overfitting, LR spikes, a single odd batch, divergence, no improvement.
LABELS.json has the same shape as ../runs/LABELS.json (expected, forbidden, best_step).
The analysis is tuned on ../runs; these runs check that it generalises.
"""
import json, math, os, random, shutil

HERE = os.path.dirname(os.path.abspath(__file__))
RUNS = os.path.join(HERE, '..', 'runs')
ALL = ['early_plateau', 'loss_spikes', 'overfitting', 'no_improvement', 'slow_convergence',
       'diverged', 'undercapacity', 'lora_targets_no_mlp']
LLAMA_8B = {'hidden_size': 4096, 'intermediate_size': 14336, 'num_hidden_layers': 32,
            'num_attention_heads': 32, 'num_key_value_heads': 8, 'head_dim': 128, 'vocab_size': 128256}
ALL_LINEAR = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj']
labels = {}


def r5(v):
    return round(v, 5) if math.isfinite(v) else v


def load_real(name):
    d = os.path.join(RUNS, name)
    if os.path.exists(os.path.join(d, 'metrics.json')):
        m = json.load(open(os.path.join(d, 'metrics.json')))
        tr = [(i + 1, v) for i, v in enumerate(m['train_losses'])]
        return tr, list(zip(m['val_steps'], m['val_losses'])), m['config']
    if os.path.exists(os.path.join(d, 'metrics.jsonl')):
        tr, va = [], []
        for line in open(os.path.join(d, 'metrics.jsonl')):
            o = json.loads(line)
            tr.append((o['step'] + 1, o['train_mean_nll']))
            if 'test/nll' in o:
                va.append((o['step'] + 1, o['test/nll']))
        return tr, va, None
    s = json.load(open(os.path.join(d, 'trainer_state.json')))
    tr = [(e['step'], e['loss']) for e in s['log_history'] if 'loss' in e]
    va = [(e['step'], e['eval_loss']) for e in s['log_history'] if 'eval_loss' in e]
    return tr, va, None


def real_config(name):
    l = json.load(open(os.path.join(RUNS, 'LABELS.json')))[name]
    return {'base_model': 'tiny-byte-llama-2l-128d', 'model': l['model'], 'lora_rank': l['lora_rank'],
            'target_modules': l['target_modules'], 'learning_rate': l['lr'],
            'train_tokens': l['dataset_tokens']}


def write_seed(name, tr, va, config):
    """train_losses[i] is step i + 1, as the checklist's loop writes it."""
    d = os.path.join(HERE, name)
    os.makedirs(d, exist_ok=True)
    steps = [s for s, _ in tr]
    assert steps == list(range(1, len(tr) + 1)), name
    m = {'train_losses': [r5(v) for _, v in tr], 'val_losses': [r5(v) for _, v in va],
         'val_steps': [s for s, _ in va], 'config': config}
    with open(os.path.join(d, 'metrics.json'), 'w') as f:
        json.dump(m, f)   # NaN stays a bare NaN token, as Python writes it


def write_hf(name, tr, va, rank, targets, model, epochs=1.0, base='meta-llama/Llama-3.1-8B', lr=2e-4):
    d = os.path.join(HERE, name)
    os.makedirs(d, exist_ok=True)
    last = max(s for s, _ in tr)
    hist = []
    vals = dict(va)
    for s, v in tr:
        hist.append({'epoch': round(epochs * s / last, 4), 'grad_norm': 1.0, 'learning_rate': lr,
                     'loss': round(v, 4), 'step': s})
        if s in vals:
            hist.append({'epoch': round(epochs * s / last, 4), 'eval_loss': vals[s], 'step': s})
    state = {'best_metric': None, 'epoch': epochs, 'global_step': last, 'log_history': hist,
             'logging_steps': tr[1][0] - tr[0][0], 'max_steps': last, 'num_train_epochs': epochs}
    json.dump(state, open(os.path.join(d, 'trainer_state.json'), 'w'), indent=1)
    json.dump({'base_model_name_or_path': base, 'r': rank, 'lora_alpha': 2 * rank,
               'target_modules': targets, 'peft_type': 'LORA'},
              open(os.path.join(d, 'adapter_config.json'), 'w'), indent=1)
    json.dump(dict(model, model_type='llama'), open(os.path.join(d, 'config.json'), 'w'), indent=1)


def write_tinker(name, tr, va, rank, train_mlp, model_name, tokens_per_step, lr=2e-4):
    d = os.path.join(HERE, name)
    os.makedirs(d, exist_ok=True)
    vals = dict(va)
    with open(os.path.join(d, 'metrics.jsonl'), 'w') as f:
        for s, v in tr:
            o = {'step': s - 1, 'epoch': 0, 'learning_rate': lr, 'num_tokens': tokens_per_step,
                 'train_mean_nll': r5(v)}
            if s in vals:
                o['test/nll'] = r5(vals[s])
            f.write(json.dumps(o) + '\n')
    json.dump({'model_name': model_name, 'lora_rank': rank, 'learning_rate': lr, 'num_epochs': 1,
               'train_attn': True, 'train_mlp': train_mlp, 'train_unembed': False},
              open(os.path.join(d, 'config.json'), 'w'), indent=1)


def label(name, fmt, expected, forbidden, best=None, notes=''):
    labels[name] = {'format': fmt, 'expected': expected, 'forbidden': forbidden, 'best_step': best,
                    'notes': notes}


def window(tr, k):
    """The HF Trainer logs the mean loss of the steps since the last log."""
    return [(tr[j][0], sum(v for _, v in tr[j - k + 1:j + 1]) / k) for j in range(k - 1, len(tr), k)]


def noise(rng, kind):
    if kind == 'gauss':
        return rng.gauss(0, 1)
    z = rng.gauss(0, 1)
    c = sum(rng.gauss(0, 1) ** 2 for _ in range(3))
    return z / math.sqrt(c / 3) / 1.7      # Student-t, 3 dof


def decay(rng, n, start, end, tau, sig, kind='gauss', warm=0.0, lin=0.0, ar=0.0):
    out, e = [], 0.0
    for i in range(n):
        t = i / (n - 1)
        e = ar * e + math.sqrt(1 - ar * ar) * noise(rng, kind)
        v = start if t < warm else end + (start - end) * math.exp(-(t - warm) / tau)
        out.append((i + 1, (v + lin * (1 - t)) * (1 + sig * e)))
    return out


def val_curve(rng, n, evals, start, end, tau, sig, rise_from=None, rise=0.0):
    out = []
    for j in range(evals + 1):
        s = max(1, round(j * n / evals)) if j else 0
        t = s / n
        v = end + (start - end) * math.exp(-t / tau) + rng.gauss(0, sig)
        if rise_from is not None and t > rise_from:
            v += rise * (t - rise_from) / (1 - rise_from)
        out.append((s, v))
    return out


def big_config(**kw):
    c = {'base_model': 'meta-llama/Llama-3.1-8B', 'model': LLAMA_8B, 'lora_rank': 16,
         'target_modules': ALL_LINEAR, 'learning_rate': 2e-4, 'train_tokens': 2000000}
    c.update(kw)
    return c


def main():
    for entry in os.listdir(HERE):
        if os.path.isdir(os.path.join(HERE, entry)):
            shutil.rmtree(os.path.join(HERE, entry))
    real = json.load(open(os.path.join(RUNS, 'LABELS.json')))
    rng = random.Random(20261125)

    # Perturbations of the real runs; they keep the real labels.
    tr, va, cfg = load_real('overfit')
    write_hf('overfit_hf_window4', window(tr, 4), va, 16, ALL_LINEAR, real['overfit']['model'], 40.0,
             'tiny-byte-llama-2l-128d')
    label('overfit_hf_window4', 'hf_trainer', ['overfitting'], real['overfit']['forbidden'], 40,
          'overfit logged as the HF Trainer does (mean of 4 steps)')
    half = va[::2]
    write_seed('overfit_half_evals', tr, half, cfg)
    label('overfit_half_evals', 'seed', ['overfitting'], real['overfit']['forbidden'],
          min(half, key=lambda p: p[1])[0], 'overfit with every other evaluation')
    tr, va, cfg = load_real('undercapacity')
    write_seed('undercapacity_noisier', [(s, v + rng.gauss(0, 0.05)) for s, v in tr], va, cfg)
    label('undercapacity_noisier', 'seed', ['early_plateau', 'undercapacity'],
          real['undercapacity']['forbidden'], None, 'undercapacity with extra Gaussian noise (0.05)')
    tr, va, _ = load_real('lr_too_high')
    write_seed('lr_too_high_seed_noisier', [(s, v + rng.gauss(0, 0.04)) for s, v in tr], va,
               real_config('lr_too_high'))
    label('lr_too_high_seed_noisier', 'seed', ['loss_spikes'], real['lr_too_high']['forbidden'], None,
          'lr_too_high as a seed metrics.json with extra noise (0.04)')
    write_hf('lr_too_high_hf_window4', window(tr, 4), [(max(4, s // 4 * 4), v) for s, v in va], 16,
             ALL_LINEAR + ['lm_head'], real['lr_too_high']['model'], 1.0, 'tiny-byte-llama-2l-128d')
    label('lr_too_high_hf_window4', 'hf_trainer', ['loss_spikes'], real['lr_too_high']['forbidden'], None,
          'lr_too_high logged as the HF Trainer does (mean of 4 steps)')
    tr, va, _ = load_real('attention_only')
    write_seed('attention_only_seed', tr, va, real_config('attention_only'))
    label('attention_only_seed', 'seed', ['lora_targets_no_mlp'], real['attention_only']['forbidden'], None,
          'attention_only as a seed metrics.json with an embedded config')
    tr, va, _ = load_real('healthy')
    for mult in (2, 3):
        noisy = [(i + 1, v + rng.gauss(0, 0.1 * (mult - 1))) for i, (_, v) in enumerate(tr)]
        write_seed(f'healthy_noise{mult}x', noisy, [(s // 4, v) for s, v in va],
                   dict(real_config('healthy'), num_epochs=3))
        label(f'healthy_noise{mult}x', 'seed', [], ALL, None, f'healthy with {mult}x the noise')
    tr, va, _ = load_real('lr_too_low')
    write_tinker('lr_too_low_tinker', [(i + 1, v) for i, (_, v) in enumerate(tr)],
                 [(s // 5, v) for s, v in va], 16, True, 'tiny-byte-llama-2l-128d', 5120)
    label('lr_too_low_tinker', 'tinker', ['slow_convergence'], real['lr_too_low']['forbidden'], None,
          'lr_too_low rewritten as tinker metrics.jsonl')

    # Synthetic, healthy: no findings at all.
    cases = [
        ('healthy_syn_gauss_5000', 5000, 0.15, 0.06, 'gauss', 0, 0, 0),
        ('healthy_syn_heavy_3000', 3000, 0.2, 0.05, 't3', 0, 0, 0),
        ('healthy_syn_correlated_2000', 2000, 0.12, 0.04, 'gauss', 0, 0, 0.5),
        ('healthy_syn_warmup_800', 800, 0.12, 0.05, 'gauss', 0.1, 0, 0),
        ('healthy_syn_twophase_1500', 1500, 0.03, 0.04, 'gauss', 0, 0.25, 0),
        ('healthy_syn_short_150', 150, 0.2, 0.08, 'gauss', 0, 0, 0),
    ]
    for name, n, tau, sig, kind, warm, lin, ar in cases:
        tr = decay(rng, n, 2.4, 1.3, tau, sig, kind, warm, lin, ar)
        va = val_curve(rng, n, 10, 2.3, 1.45, max(tau, 0.1), 0.01)
        write_seed(name, tr, va, big_config())
        label(name, 'seed', [], ALL, None, 'synthetic healthy curve')
    tr = decay(rng, 1200, 2.4, 1.3, 0.15, 0.05)
    write_hf('healthy_syn_hf_window10', window(tr, 10), val_curve(rng, 1200, 12, 2.3, 1.45, 0.15, 0.01)[1:],
             16, ALL_LINEAR, LLAMA_8B, 2.0)
    label('healthy_syn_hf_window10', 'hf_trainer', [], ALL, None, 'synthetic healthy, HF logging')
    # The seed rule fires on this one (last > middle); Debrief must not.
    tr = decay(rng, 900, 2.4, 1.4, 0.15, 0.04)
    va = [(0, 2.3), (100, 1.8), (200, 1.6), (300, 1.52), (400, 1.5), (500, 1.49), (600, 1.505),
          (700, 1.495), (800, 1.51), (900, 1.503)]
    write_seed('healthy_val_wobble', tr, va, big_config())
    label('healthy_val_wobble', 'seed', [], ALL, None, 'validation wobbles at its floor')
    tr = decay(rng, 1000, 2.4, 1.3, 0.15, 0.03)
    tr[500] = (tr[500][0], tr[500][1] * 1.5)
    write_seed('healthy_one_odd_batch', tr, [], big_config())
    label('healthy_one_odd_batch', 'seed', [], ALL, None, 'one batch at +50%, back the next step')

    # Synthetic defects.
    tr = decay(rng, 1500, 2.5, 1.2, 1.2, 0.04)
    va = val_curve(rng, 1500, 10, 2.5, 1.25, 1.2, 0.005)
    write_seed('slow_syn', tr, va, big_config(learning_rate=1e-6))
    label('slow_syn', 'seed', ['slow_convergence'],
          ['early_plateau', 'loss_spikes', 'overfitting', 'no_improvement', 'diverged', 'lora_targets_no_mlp'])
    tr = decay(rng, 2000, 2.4, 0.4, 0.3, 0.04)
    va = val_curve(rng, 2000, 20, 2.4, 1.6, 0.12, 0.01, 0.3, 0.4)
    best = min(va, key=lambda p: p[1])[0]
    write_hf('overfit_syn_hf', window(tr, 10), va[1:], 16, ALL_LINEAR, LLAMA_8B, 10.0)
    label('overfit_syn_hf', 'hf_trainer', ['overfitting'],
          ['loss_spikes', 'no_improvement', 'slow_convergence', 'diverged', 'lora_targets_no_mlp'],
          best if best else None)
    if not best:
        labels['overfit_syn_hf']['best_step'] = None
    tr = [list(p) for p in decay(rng, 2000, 2.4, 1.4, 0.15, 0.04)]
    for at in (700, 1400):
        for j in range(40):
            tr[at + j][1] += 0.9 * math.exp(-j / 8)
    write_tinker('spikes_syn_tinker', [tuple(p) for p in tr], [], 16, True, 'meta-llama/Llama-3.1-8B', 1000)
    label('spikes_syn_tinker', 'tinker', ['loss_spikes'],
          ['no_improvement', 'slow_convergence', 'overfitting', 'lora_targets_no_mlp'])
    tr = decay(rng, 800, 2.4, 1.4, 0.15, 0.04)
    write_seed('diverged_nan', [(s, v if s < 600 else float('nan')) for s, v in tr], [], big_config())
    label('diverged_nan', 'seed', ['diverged'], ['no_improvement', 'slow_convergence', 'lora_targets_no_mlp'])
    write_seed('diverged_rise', [(s, v + (0 if s < 300 else (s - 300) / 500 * 2.0)) for s, v in tr], [],
               big_config())
    label('diverged_rise', 'seed', ['diverged'],
          ['no_improvement', 'slow_convergence', 'lora_targets_no_mlp', 'overfitting'])
    tr = [(i + 1, 2.0 * (1 + rng.gauss(0, 0.05))) for i in range(1000)]
    va = [(s, 2.05 + rng.gauss(0, 0.004)) for s in range(0, 1001, 100)]
    write_seed('flat_attention_only', tr, va, big_config(target_modules=['q_proj', 'v_proj']))
    label('flat_attention_only', 'seed', ['no_improvement', 'lora_targets_no_mlp'],
          ['loss_spikes', 'overfitting', 'slow_convergence', 'diverged', 'early_plateau'])
    tr = decay(rng, 2000, 2.6, 1.9, 0.06, 0.05)
    va = val_curve(rng, 2000, 10, 2.6, 1.92, 0.06, 0.004)
    write_seed('undercapacity_syn', tr, va, big_config(lora_rank=1, train_tokens=1000000000))
    label('undercapacity_syn', 'seed', ['early_plateau', 'undercapacity'],
          ['loss_spikes', 'overfitting', 'no_improvement', 'slow_convergence', 'diverged', 'lora_targets_no_mlp'])

    # A constant learning rate 100x below the healthy one (3e-5 on the tiny model whose
    # rule of thumb is ~4e-3): loss falling steadily and still falling at the end, no
    # plateau. Shapes a low rate gives (near-linear, sublinear, a quick first drop then
    # a straight fall, a slow exponential), in every format, with and without
    # validation; none is fitted to ../runs/lr_too_low. Added last so the runs above
    # keep their random numbers.
    slow_forbidden = ['early_plateau', 'loss_spikes', 'overfitting', 'no_improvement', 'diverged',
                      'lora_targets_no_mlp']
    tiny = real['lr_too_low']['model']
    low = dict(real_config('lr_too_low'), learning_rate=3e-5)

    def shaped(n, f, sig):
        return [(i + 1, f(i / (n - 1)) * (1 + sig * rng.gauss(0, 1))) for i in range(n)]

    def evals(n, k, f, sig):
        return [(s, f(s / n) + 0.05 + rng.gauss(0, sig)) for s in range(n // k, n + 1, n // k)]

    linear = lambda t: 2.85 - 0.6 * t
    sublinear = lambda t: 2.85 - 0.7 * t ** 0.85
    quick_then_straight = lambda t: 2.85 - 0.25 * (1 - math.exp(-t / 0.03)) - 0.35 * t
    slow_exp = lambda t: 2.2 + 0.65 * math.exp(-t / 0.8)
    write_seed('lr_too_low_syn_linear_noval', shaped(100, linear, 0.03), [], low)
    label('lr_too_low_syn_linear_noval', 'seed', ['slow_convergence'], slow_forbidden, None,
          'LR 100x too low, near-linear fall, 100 points, no validation')
    write_seed('lr_too_low_syn_quick_then_straight', shaped(500, quick_then_straight, 0.03),
               evals(500, 10, quick_then_straight, 0.004), low)
    label('lr_too_low_syn_quick_then_straight', 'seed', ['slow_convergence'], slow_forbidden, None,
          'LR 100x too low: a quick first drop, then a straight fall to the end')
    write_seed('lr_too_low_syn_noisy_val', shaped(500, sublinear, 0.05), evals(500, 20, sublinear, 0.012), low)
    label('lr_too_low_syn_noisy_val', 'seed', ['slow_convergence'], slow_forbidden, None,
          'LR 100x too low, 20 noisy evaluations (the minimum is not always the last)')
    tr = shaped(1000, sublinear, 0.04)
    write_hf('lr_too_low_syn_hf_window5', window(tr, 5), evals(1000, 10, sublinear, 0.005), 16, ALL_LINEAR,
             tiny, 1.0, 'tiny-byte-llama-2l-128d', lr=3e-5)
    label('lr_too_low_syn_hf_window5', 'hf_trainer', ['slow_convergence'], slow_forbidden, None,
          'LR 100x too low, logged as the HF Trainer does (mean of 5 steps), evaluations every 100 steps')
    write_tinker('lr_too_low_syn_tinker_long', shaped(2000, slow_exp, 0.04), [], 16, True,
                 'tiny-byte-llama-2l-128d', 1024, lr=3e-5)
    label('lr_too_low_syn_tinker_long', 'tinker', ['slow_convergence'], slow_forbidden, None,
          'LR 100x too low, 2000 tinker steps of a slow exponential, no evaluations')
    write_seed('lr_too_low_syn_quick_then_straight_noval', shaped(120, quick_then_straight, 0.03), [], low)
    label('lr_too_low_syn_quick_then_straight_noval', 'seed', ['slow_convergence'], slow_forbidden, None,
          'LR 100x too low: a quick first drop then a straight fall, 120 points, no validation')
    write_seed('lr_too_low_syn_slow_exp_noval', shaped(100, slow_exp, 0.03), [], low)
    label('lr_too_low_syn_slow_exp_noval', 'seed', ['slow_convergence'], slow_forbidden, None,
          'LR 100x too low, a slow exponential, 100 points, no validation')
    # Evaluation noise puts the lowest of 10 falling evaluations third from last.
    va = [(s, slow_exp(s / 500) + 0.05) for s in range(50, 501, 50)]
    va[-2] = (va[-2][0], va[-3][1] + 0.004)
    va[-1] = (va[-1][0], va[-3][1] + 0.002)
    write_seed('lr_too_low_syn_val_min_not_last', shaped(500, slow_exp, 0.03), va, low)
    label('lr_too_low_syn_val_min_not_last', 'seed', ['slow_convergence'], slow_forbidden, None,
          'LR 100x too low; evaluation noise leaves the lowest validation loss third from last')

    with open(os.path.join(HERE, 'LABELS.json'), 'w') as f:
        json.dump(labels, f, indent=1, sort_keys=True)
        f.write('\n')


if __name__ == '__main__':
    main()

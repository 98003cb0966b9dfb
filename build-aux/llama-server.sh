#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds llama.cpp's llama-server once (from the git bundle shipped in the npm
# package node-llama-cpp@3.22.1), a tiny random-weight GGUF model and two LoRA
# adapters for it, all cached
# under ${XDG_CACHE_HOME:-$HOME/.cache}/debrief/ keyed by the bundle's hash.
# Prints on stdout, for `eval`:
#   export DEBRIEF_LLAMA_SERVER=/path/to/llama-server; export DEBRIEF_TEST_MODEL=/path/to/tiny.gguf;
#   export DEBRIEF_TEST_LORA=/path/to/tiny-lora.gguf; export DEBRIEF_TEST_LORA_ZERO=/path/to/tiny-lora-zero.gguf
# Progress goes to stderr. Needs npm, git, cmake, a C++ compiler, python3-numpy
# (build-aux/test.sh installs them). No llama.cpp code is ever put in the tree.
set -euo pipefail

NODE_LLAMA_CPP=node-llama-cpp@3.22.1
cache=${XDG_CACHE_HOME:-$HOME/.cache}/debrief
top=$(cd "$(dirname "$0")/.." && pwd)

log () { echo "llama-server.sh: $*" >&2; }

mkdir -p "$cache/npm"
# One builder at a time (several worktrees may run the tests at once).
exec 9>"$cache/llama-server.lock"
flock 9

tgz=$cache/npm/node-llama-cpp-3.22.1.tgz
if [ ! -s "$tgz" ]; then
  log "fetching $NODE_LLAMA_CPP with npm pack"
  (cd "$cache/npm" && npm pack "$NODE_LLAMA_CPP" --pack-destination . >/dev/null 2>&2)
fi
bundle=$cache/npm/gitRelease.bundle
if [ ! -s "$bundle" ]; then
  tar -xzf "$tgz" -C "$cache/npm" --strip-components=2 package/llama/gitRelease.bundle
fi
hash=$(sha256sum "$bundle" | cut -c1-16)
dir=$cache/llama-$hash
src=$dir/src
server=$src/b/bin/llama-server

if [ ! -f "$dir/.built" ] || [ ! -x "$server" ]; then
  log "building llama-server from the bundle $hash (about 9 minutes on 2 cores)"
  rm -rf "$src"
  mkdir -p "$dir"
  git clone -q "$bundle" "$src" >&2
  (
    cd "$src"
    cmake -B b -DCMAKE_BUILD_TYPE=Release -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
      -DLLAMA_BUILD_APP=OFF -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF \
      -DGGML_NATIVE=OFF >&2
    cmake --build b --target llama-server -j2 >&2
  )
  touch "$dir/.built"
  log "built $server"
fi

model=$dir/tiny.gguf
if [ ! -s "$model" ]; then
  log "writing a tiny random-weight model to $model"
  vocab=$src/models/ggml-vocab-llama-spm.gguf
  [ -f "$vocab" ] || vocab=$(ls "$src"/models/ggml-vocab-*.gguf | head -n 1)
  PYTHONPATH=$src/gguf-py /usr/bin/python3 - "$vocab" "$model.tmp" >&2 <<'PY'
# A tiny llama-architecture model with random weights: the tokenizer comes from
# one of llama.cpp's vocab-only GGUF files, so prompts and chat templates work.
import sys
import numpy as np
import gguf

vocab_path, out_path = sys.argv[1], sys.argv[2]
reader = gguf.GGUFReader(vocab_path)
fields = reader.fields
n_vocab = len(fields["tokenizer.ggml.tokens"].data)
n_embd, n_layer, n_head, n_head_kv, n_ff, n_ctx = 64, 2, 4, 4, 128, 2048

w = gguf.GGUFWriter(out_path, "llama")
w.add_name("debrief-tiny-random")
w.add_context_length(n_ctx)
w.add_embedding_length(n_embd)
w.add_block_count(n_layer)
w.add_feed_forward_length(n_ff)
w.add_head_count(n_head)
w.add_head_count_kv(n_head_kv)
w.add_rope_dimension_count(n_embd // n_head)
w.add_layer_norm_rms_eps(1e-5)
w.add_vocab_size(n_vocab)
w.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
for key, field in fields.items():
    if not key.startswith("tokenizer."):
        continue
    types = field.types
    if types[0] == gguf.GGUFValueType.ARRAY:
        w.add_key_value(key, field.contents(), types[0], sub_type=types[-1])
    else:
        w.add_key_value(key, field.contents(), types[0])
w.add_chat_template(
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")

rng = np.random.default_rng(42)
def mat(rows, cols):
    return (rng.standard_normal((rows, cols)) * 0.02).astype(np.float16)
def norm(n):
    return np.ones(n, dtype=np.float32)

w.add_tensor("token_embd.weight", mat(n_vocab, n_embd))
w.add_tensor("output_norm.weight", norm(n_embd))
w.add_tensor("output.weight", mat(n_vocab, n_embd))
for i in range(n_layer):
    p = f"blk.{i}."
    w.add_tensor(p + "attn_norm.weight", norm(n_embd))
    w.add_tensor(p + "attn_q.weight", mat(n_embd, n_embd))
    w.add_tensor(p + "attn_k.weight", mat(n_embd, n_embd))
    w.add_tensor(p + "attn_v.weight", mat(n_embd, n_embd))
    w.add_tensor(p + "attn_output.weight", mat(n_embd, n_embd))
    w.add_tensor(p + "ffn_norm.weight", norm(n_embd))
    w.add_tensor(p + "ffn_gate.weight", mat(n_ff, n_embd))
    w.add_tensor(p + "ffn_up.weight", mat(n_ff, n_embd))
    w.add_tensor(p + "ffn_down.weight", mat(n_embd, n_ff))
w.write_header_to_file()
w.write_kv_data_to_file()
w.write_tensors_to_file()
w.close()
print(f"wrote {out_path}: vocab {n_vocab}, {n_layer} layers of {n_embd}")
PY
  mv "$model.tmp" "$model"
fi

# Two LoRA adapters for the tiny model, in the GGUF layout convert_lora_to_gguf.py
# writes (general.type "adapter", adapter.type "lora", adapter.lora.alpha,
# "<tensor>.lora_a" of shape rank x in, "<tensor>.lora_b" of shape out x rank):
# one that changes the model's answers, and one whose B is zero (it changes
# nothing: the control that shows a difference comes from the adapter).
lora=$dir/tiny-lora.gguf
lora_zero=$dir/tiny-lora-zero.gguf
if [ ! -s "$lora" ] || [ ! -s "$lora_zero" ]; then
  log "writing tiny LoRA adapters to $dir"
  PYTHONPATH=$src/gguf-py /usr/bin/python3 - "$model" "$lora.tmp" "$lora_zero.tmp" >&2 <<'PY'
import sys
import numpy as np
import gguf

model_path, out_path, zero_path = sys.argv[1], sys.argv[2], sys.argv[3]
reader = gguf.GGUFReader(model_path)
shapes = {t.name: [int(x) for x in t.shape] for t in reader.tensors}  # ggml order: [in, out]
rank, alpha = 8, 16.0
targets = [n for n in shapes if n.endswith(("attn_q.weight", "attn_v.weight", "ffn_down.weight"))] + ["output.weight"]

def write(path, zero_b):
    rng = np.random.default_rng(7)
    w = gguf.GGUFWriter(path, "llama")
    w.add_type(gguf.GGUFType.ADAPTER)
    w.add_name("debrief-tiny-lora" + ("-zero" if zero_b else ""))
    w.add_string(gguf.Keys.Adapter.TYPE, "lora")
    w.add_float32(gguf.Keys.Adapter.LORA_ALPHA, alpha)
    for name in targets:
        n_in, n_out = shapes[name]
        a = (rng.standard_normal((rank, n_in)) * 0.5).astype(np.float32)
        b = np.zeros((n_out, rank), dtype=np.float32) if zero_b else (rng.standard_normal((n_out, rank)) * 0.5).astype(np.float32)
        w.add_tensor(name + ".lora_a", a)
        w.add_tensor(name + ".lora_b", b)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    print(f"wrote {path}: rank {rank}, {len(targets)} tensors{' (B = 0)' if zero_b else ''}")

write(out_path, False)
write(zero_path, True)
PY
  mv "$lora.tmp" "$lora"
  mv "$lora_zero.tmp" "$lora_zero"
fi

printf 'export DEBRIEF_LLAMA_SERVER=%q; export DEBRIEF_TEST_MODEL=%q; export DEBRIEF_TEST_LORA=%q; export DEBRIEF_TEST_LORA_ZERO=%q\n' \
  "$server" "$model" "$lora" "$lora_zero"

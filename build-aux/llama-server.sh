#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds llama.cpp's llama-server once (from the git bundle shipped in the npm
# package node-llama-cpp@3.22.1) and a tiny random-weight GGUF model, both cached
# under ${XDG_CACHE_HOME:-$HOME/.cache}/debrief/ keyed by the bundle's hash.
# Prints on stdout, for `eval`:
#   export DEBRIEF_LLAMA_SERVER=/path/to/llama-server; export DEBRIEF_TEST_MODEL=/path/to/tiny.gguf
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

printf 'export DEBRIEF_LLAMA_SERVER=%q; export DEBRIEF_TEST_MODEL=%q\n' "$server" "$model"

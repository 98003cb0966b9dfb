#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the broken GGUF files in tests/data/bad-gguf/ and the GGUF seeds of
tests/fuzz/corpus/gguf/ (stdlib only). EXPECTED.tsv says what reading each
bad file must give (tests/core/test-serve.c checks it).

The layout is ggml's GGUF (versions 2 and 3, little-endian): "GGUF", u32
version, u64 tensor count, u64 metadata count, then key (u64 length +
bytes), u32 type, value; arrays are u32 item type, u64 count, items.
"""
import os
import struct

here = os.path.dirname(os.path.abspath(__file__))
corpus = os.path.join(here, '..', '..', 'fuzz', 'corpus', 'gguf')

U8, I8, U16, I16, U32, I32, F32, BOOL, STRING, ARRAY, U64, I64, F64 = range(13)


def s(text):
    b = text.encode('utf-8') if isinstance(text, str) else text
    return struct.pack('<Q', len(b)) + b


def kv_str(key, value):
    return s(key) + struct.pack('<I', STRING) + s(value)


def kv_f32(key, value):
    return s(key) + struct.pack('<If', F32, value)


def kv_u32(key, value):
    return s(key) + struct.pack('<II', U32, value)


def kv_str_array(key, values):
    return (s(key) + struct.pack('<IIQ', ARRAY, STRING, len(values)) +
            b''.join(s(v) for v in values))


def header(kvs, version=3, n_tensors=2):
    return b'GGUF' + struct.pack('<IQQ', version, n_tensors, len(kvs)) + b''.join(kvs)


adapter = [kv_str('general.architecture', 'llama'), kv_str('general.type', 'adapter'),
           kv_str('general.name', 'tiny adapter'), kv_str('adapter.type', 'lora'),
           kv_f32('adapter.lora.alpha', 16.0)]
model = [kv_str('general.architecture', 'llama'), kv_str('general.name', 'tiny model'),
         kv_u32('llama.block_count', 2), kv_str_array('tokenizer.ggml.tokens', ['<s>', '</s>', 'a', 'b']),
         kv_str('general.type', 'model')]

bad = {
    'empty.gguf': b'',
    'not-gguf.gguf': b'GGML\x00\x00\x00\x00 this is not a GGUF file',
    'header-cut.gguf': b'GGUF' + struct.pack('<I', 3) + b'\x01\x00',
    'version-1.gguf': b'GGUF' + struct.pack('<IQQ', 1, 0, 0),
    'big-endian.gguf': b'GGUF' + struct.pack('>IQQ', 3, 0, 0),
    'kv-cut.gguf': header(adapter)[:-7],
    'huge-key.gguf': b'GGUF' + struct.pack('<IQQ', 3, 0, 1) + struct.pack('<Q', 1 << 40) + b'general',
    'huge-string.gguf': b'GGUF' + struct.pack('<IQQ', 3, 0, 1) + s('general.name') +
                        struct.pack('<IQ', STRING, 1 << 62) + b'x',
    'huge-array.gguf': b'GGUF' + struct.pack('<IQQ', 3, 0, 1) + s('tokenizer.scores') +
                       struct.pack('<IIQ', ARRAY, F32, 1 << 61) + b'\x00' * 8,
    'bad-type.gguf': b'GGUF' + struct.pack('<IQQ', 3, 0, 1) + s('general.x') + struct.pack('<I', 99) + b'\x00' * 8,
    'nested-arrays.gguf': b'GGUF' + struct.pack('<IQQ', 3, 0, 1) + s('x') +
                          struct.pack('<IIQ', ARRAY, ARRAY, 1) + struct.pack('<IQ', ARRAY, 1) +
                          struct.pack('<IQ', ARRAY, 1) + struct.pack('<IQ', U8, 1) + b'\x00',
    'non-utf8-name.gguf': header([kv_str('general.type', 'adapter'), kv_str('general.name', b'caf\xe9 \xff')]),
}
good = {
    'adapter.gguf': header(adapter),
    'model.gguf': header(model),
    'model-v2-no-type.gguf': header(model[:2], version=2),
}

for name, data in bad.items():
    with open(os.path.join(here, name), 'wb') as f:
        f.write(data)
os.makedirs(corpus, exist_ok=True)
for name, data in list(good.items()) + list(bad.items()):
    with open(os.path.join(corpus, name), 'wb') as f:
        f.write(data)

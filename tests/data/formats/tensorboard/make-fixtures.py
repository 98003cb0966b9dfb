#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the TensorBoard fixtures (stdlib only): TFRecord framing with masked
CRC-32C around Event protobufs, as torch.utils.tensorboard and TF2 write them.

  hf-style/runs/Nov25_10-00-00_host/events.out.tfevents.*  train/loss, eval/loss
      (simple_value), train/learning_rate, a TF2-style tensor scalar, one record
      with a corrupted data checksum (skipped), a truncated last record.
  keras/train/..., keras/validation/...  epoch_loss in both (validation -> val_loss).
"""
import os
import struct
import sys

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..'))
from tfrecord import crc32c, field, file_version, masked, record, varint  # noqa: E402 (tests/tfrecord.py)

def simple_value(tag, v):
    return field(1, 2, tag.encode()) + field(2, 5, struct.pack('<f', v))

def tensor_value(tag, v):
    # TF2: TensorProto{dtype=DT_FLOAT, tensor_shape={}, tensor_content=<4 bytes>} + plugin "scalars"
    tensor = field(1, 0, varint(1)) + field(2, 2, b'') + field(4, 2, struct.pack('<f', v))
    metadata = field(1, 2, field(1, 2, b'scalars'))
    return field(1, 2, tag.encode()) + field(9, 2, metadata) + field(8, 2, tensor)

def event(step, values, wall=1700000000.0):
    summary = b''.join(field(1, 2, v) for v in values)
    return field(1, 1, struct.pack('<d', wall + step)) + field(2, 0, varint(step)) + field(5, 2, summary)

def corrupt_record(data):
    return record(data, data_crc=masked(crc32c(data)) ^ 1)

def write(path, records):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        for r in records:
            f.write(r)

here = os.path.dirname(os.path.abspath(__file__))

recs = [file_version()]
for step in range(1, 21):
    vals = [simple_value('train/loss', 3.0 - 0.05 * step), simple_value('train/learning_rate', 1e-4)]
    if step % 5 == 0:
        vals.append(tensor_value('eval/loss', 2.9 - 0.04 * step))
    recs.append(corrupt_record(event(step, vals)) if step == 7 else record(event(step, vals)))
recs.append(record(event(21, [simple_value('train/loss', 1.9)]))[:20])  # still being written
write(os.path.join(here, 'hf-style/runs/Nov25_10-00-00_host/events.out.tfevents.1700000000.host.1.0'), recs)

for sub, base in (('train', 2.0), ('validation', 2.2)):
    recs = [file_version()]
    for epoch in range(5):
        recs.append(record(event(epoch, [tensor_value('epoch_loss', base - 0.1 * epoch)])))
    write(os.path.join(here, 'keras', sub, 'events.out.tfevents.1700000001.host.2.v2'), recs)

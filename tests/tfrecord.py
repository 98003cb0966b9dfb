# SPDX-License-Identifier: GPL-3.0-or-later
"""Writing TensorBoard event files (stdlib only), shared by the scripts that make
the fixtures (tests/data/formats/tensorboard/make-fixtures.py), the bad-input
corpus (tests/data/bad/make-bad.py) and the benchmark (tests/bench/bench-load.py):
protobuf varints and fields, and TFRecord framing with masked CRC-32C."""
import struct

_CRC32C_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _CRC32C_TABLE.append(_c)


def crc32c(data):
    crc = 0xFFFFFFFF
    table = _CRC32C_TABLE
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, wire, payload):
    key = varint((num << 3) | wire)
    if wire == 2:
        return key + varint(len(payload)) + payload
    return key + payload


def record(data, length=None, header_crc=None, data_crc=None):
    """One TFRecord; the length and both checksums can be overridden (broken files)."""
    header = struct.pack('<Q', len(data) if length is None else length)
    hc = masked(crc32c(header)) if header_crc is None else header_crc
    dc = masked(crc32c(data)) if data_crc is None else data_crc
    return header + struct.pack('<I', hc) + data + struct.pack('<I', dc)


def file_version(wall=1.7e9):
    """The first record of every event file."""
    return record(field(1, 1, struct.pack('<d', wall)) + field(3, 2, b'brain.Event:2'))

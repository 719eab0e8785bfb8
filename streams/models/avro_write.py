"""Avro binary encoding of a few primitives, written by hand for the records built on a hot path
(the attribution entry of every forwarded campaign, records held across a commit, the import's
commands): several times faster than a general encoder. Each user writes its record's fields in
schema order and is checked byte for byte against the contract's encoder (fastavro)."""

from __future__ import annotations


def avro_long(n: int) -> bytes:
    """An Avro ``long`` or ``int``: zig-zag, then a base-128 varint."""
    z = (n << 1) ^ (n >> 63)
    out = bytearray()
    while z > 0x7F:
        out.append((z & 0x7F) | 0x80)
        z >>= 7
    out.append(z)
    return bytes(out)


_SMALL = [avro_long(n) for n in range(64)]  # the lengths that take one byte


def avro_bytes(data: bytes) -> bytes:
    n = len(data)
    return (_SMALL[n] if n < 64 else avro_long(n)) + data


def avro_string(s: str) -> bytes:
    return avro_bytes(s.encode())


def optional_string(s: str | None) -> bytes:
    """A ``["null", "string"]`` union."""
    return b"\x00" if s is None else b"\x02" + avro_string(s)


def optional_bytes(data: bytes | None) -> bytes:
    """A ``["null", "bytes"]`` union."""
    return b"\x00" if data is None else b"\x02" + avro_bytes(data)


def optional_long(n: int | None) -> bytes:
    """A ``["null", "long"]`` union."""
    return b"\x00" if n is None else b"\x02" + avro_long(n)

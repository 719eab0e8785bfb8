"""Avro single-object encoding for consent-gate's topics, with fastavro (no schema registry).

Every value on every consent-gate topic is

    C3 01 | CRC-64-AVRO fingerprint of the writer schema (8 bytes, little-endian) | Avro binary body

(the Avro specification, "Single-object encoding"). The schemas are the .avsc files of the
repository's schemas/ folder: schemas/<record>/vN.avsc, the highest N being the current version.
Copy that folder into your service; write with the current version, and read any version you have
(a reader looks the writer's schema up by its fingerprint and resolves it to the current one).

An example for integrators: it does not import consent-gate.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import fastavro
from fastavro.schema import to_parsing_canonical_form

MAGIC = b"\xc3\x01"
_EMPTY = 0xC15D213AA4D7A795  # the CRC-64-AVRO seed (the Avro specification)
_TABLE = []
for _i in range(256):
    _fp = _i
    for _ in range(8):
        _fp = (_fp >> 1) ^ (_EMPTY & -(_fp & 1))
    _TABLE.append(_fp)


def fingerprint(schema: dict[str, Any]) -> bytes:
    """The 8 fingerprint bytes of a single-object header: CRC-64-AVRO (the specification's
    algorithm) of the schema's Parsing Canonical Form, little-endian."""
    fp = _EMPTY
    for byte in to_parsing_canonical_form(schema).encode():
        fp = (fp >> 8) ^ _TABLE[(fp ^ byte) & 0xFF]
    return fp.to_bytes(8, "little")


class Codec:
    """Encoder and decoder of one record (e.g. ``Codec(schemas, "outbound_message")``)."""

    def __init__(self, schema_dir: Path, record: str) -> None:
        files = sorted((schema_dir / record).glob("v*.avsc"), key=lambda p: int(p.stem[1:]))
        if not files:
            raise FileNotFoundError(f"no schemas/{record}/vN.avsc under {schema_dir}")
        self.writers: dict[bytes, Any] = {}
        for path in files:
            declared = json.loads(path.read_text())
            self.writers[fingerprint(declared)] = fastavro.parse_schema(declared)
        self.current = fastavro.parse_schema(json.loads(files[-1].read_text()))
        self.header = MAGIC + fingerprint(json.loads(files[-1].read_text()))

    def encode(self, record: dict[str, Any]) -> bytes:
        out = io.BytesIO()
        out.write(self.header)
        fastavro.schemaless_writer(out, self.current, record)
        return out.getvalue()

    def decode(self, value: bytes) -> dict[str, Any]:
        if value[:2] != MAGIC or len(value) < 10:
            raise ValueError("not Avro single-object encoded (no C3 01 header)")
        writer = self.writers.get(value[2:10])
        if writer is None:
            raise ValueError(f"unknown writer schema, fingerprint {value[2:10].hex()}")
        record = fastavro.schemaless_reader(io.BytesIO(value[10:]), writer, self.current)
        if not isinstance(record, dict):
            raise ValueError("not a record")
        return record

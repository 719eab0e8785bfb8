"""What the fault harness (``tests/fault/harness.py``) and the fuzz run (``tests/fuzz/run.py``)
share: the repository's paths, the run's error, the input topics, a consumed record and the
Apache avro codec of every record in ``schemas/``. Nothing here needs confluent-kafka (the fuzz
run says so when it is missing)."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import avro.io
import avro.schema

from streams.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SCHEMA_DIR = REPO / "schemas"

Log = Callable[[str], None]
Headers = tuple[tuple[str, bytes | None], ...]


class HarnessError(RuntimeError):
    """The run could not be carried out (not a finding about the worker)."""


def input_topics(settings: Settings) -> dict[str, str]:
    """input kind -> topic."""
    return {
        "reply": settings.replies_topic,
        "click": settings.clicks_topic,
        "command": settings.commands_topic,
        "request": settings.requests_topic,
    }


@dataclass(frozen=True, slots=True)
class Rec:
    """One consumed record."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    key: bytes | None
    value: bytes | None
    headers: Headers = ()

    @property
    def coords(self) -> tuple[str, int, int]:
        return (self.topic, self.partition, self.offset)


# =================================================================================================
# Apache avro, single-object encoding
# =================================================================================================

MAGIC = b"\xc3\x01"
HEADER_LEN = 10
_CRC64_EMPTY = 0xC15D213AA4D7A795


def _crc64_table() -> list[int]:
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (_CRC64_EMPTY & -(fp & 1))
        table.append(fp)
    return table


_CRC64_TABLE = _crc64_table()


def crc64_avro(canonical_form: str) -> bytes:
    """The spec's reference CRC-64-AVRO of a schema's parsing canonical form, as the 8 bytes of a
    single-object header (little-endian)."""
    fp = _CRC64_EMPTY
    for byte in canonical_form.encode("utf-8"):
        fp = (fp >> 8) ^ _CRC64_TABLE[(fp ^ byte) & 0xFF]
    return fp.to_bytes(8, "little")


class AvroError(ValueError):
    """A value that is not what it should be; ``code`` as the worker's dead-letter codes."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class _Version:
    record: str  # the folder name under schemas/, e.g. "outbound_message"
    number: int
    schema: avro.schema.Schema
    fingerprint: bytes
    reader: avro.io.DatumReader
    writer: avro.io.DatumWriter
    declared: Any  # the schema as declared (its JSON), for a writer of its own


class AvroCodec:
    """Every version of every record in ``schemas/``, read and written with Apache avro only."""

    def __init__(self, schema_dir: Path = SCHEMA_DIR) -> None:
        self.by_fingerprint: dict[bytes, _Version] = {}
        self.current: dict[str, _Version] = {}
        for folder in sorted(p for p in schema_dir.iterdir() if p.is_dir()):
            numbered = []
            for path in folder.glob("v*.avsc"):
                match = re.fullmatch(r"v(\d+)\.avsc", path.name)
                if match:
                    numbered.append((int(match.group(1)), path))
            for number, path in sorted(numbered):
                text = path.read_text(encoding="utf-8")
                schema = avro.schema.parse(text)
                fingerprint = crc64_avro(schema.canonical_form)
                if schema.fingerprint("CRC-64-AVRO") != fingerprint:  # two independent sums
                    raise HarnessError(f"CRC-64-AVRO of {path} disagrees with Apache avro's")
                version = _Version(
                    folder.name,
                    number,
                    schema,
                    fingerprint,
                    avro.io.DatumReader(schema),
                    avro.io.DatumWriter(schema),
                    json.loads(text),
                )
                self.by_fingerprint[fingerprint] = version
                self.current[folder.name] = version

    def encode(self, record: str, datum: Mapping[str, Any]) -> bytes:
        version = self.current[record]
        buf = io.BytesIO()
        buf.write(MAGIC + version.fingerprint)
        version.writer.write(dict(datum), avro.io.BinaryEncoder(buf))
        return buf.getvalue()

    def decode(self, data: bytes | None, record: str | None = None) -> dict[str, Any]:
        """Decode with the writer's schema (found by fingerprint); ``record``: the record it
        must be. Raises :class:`AvroError` with NOT_AVRO, UNKNOWN_SCHEMA or UNDECODABLE."""
        return self.decode_versioned(data, record)[1]

    def decode_versioned(
        self, data: bytes | None, record: str | None = None
    ) -> tuple[_Version, dict[str, Any]]:
        """:meth:`decode`, with the writer's schema version."""
        if data is None or data[:2] != MAGIC or len(data) < HEADER_LEN:
            raise AvroError("NOT_AVRO", "not Avro single-object encoded")
        version = self.by_fingerprint.get(bytes(data[2:HEADER_LEN]))
        if version is None or (record is not None and version.record != record):
            raise AvroError("UNKNOWN_SCHEMA", f"unknown fingerprint {data[2:HEADER_LEN].hex()}")
        buf = io.BytesIO(data)
        buf.seek(HEADER_LEN)
        try:
            datum = version.reader.read(avro.io.BinaryDecoder(buf))
        except Exception as exc:
            raise AvroError("UNDECODABLE", str(exc)) from exc
        if buf.tell() != len(data):
            raise AvroError("UNDECODABLE", "stray bytes after the body")
        if not isinstance(datum, dict):
            raise AvroError("UNDECODABLE", "not a record")
        return version, datum

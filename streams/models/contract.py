"""The topic contract: Avro schemas from ``schemas/`` and their single-object encoding.

Every value on every topic is Avro *single-object encoded* (Avro spec, "Single-object encoding"):

    C3 01 | 8-byte little-endian CRC-64-AVRO fingerprint of the writer schema | Avro binary body

so any Avro library can read a value without a schema registry. ``schemas/<record>/vN.avsc``
holds every version of a record ever published; the highest N is the *current* one. The writer
always uses the current version; the reader finds the writer's version by fingerprint and
resolves it against the current one (schema evolution).

Decoding is as strict as Apache avro, the reference implementation, plus two rules of the spec it
lets pass (``avro_internals.strict_avro``): a value is read when Apache avro reads it, with the
same result, and is refused (``UNDECODABLE``) otherwise. fastavro does the work whenever the body
is *plain* (``wire_check.py``: nothing where the two libraries differ, such as an enum or union
index of -1, which fastavro takes as the last symbol); any other body, which no ordinary writer
produces, is read by Apache avro itself. The internals of both libraries the codec relies on are
in ``avro_internals.py``, which checks their versions.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, cast

import fastavro
from fastavro.schema import fingerprint as _fingerprint
from fastavro.schema import to_parsing_canonical_form

from streams.models.avro_internals import body_reader, check_versions, strict_avro
from streams.models.wire_check import PlainCheck, plain_check

MAGIC = b"\xc3\x01"
HEADER_LEN = len(MAGIC) + 8

#: The schemas shipped with the package: ``streams/schemas/``, package data in an installed copy
#: and a link to the repository's ``schemas/`` in a checkout.
PACKAGED_SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas"


def schema_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the contract is read from: ``CONSENT_GATE_SCHEMA_DIR`` if set (and not empty),
    else the schemas shipped with the package."""
    override = environ.get("CONSENT_GATE_SCHEMA_DIR", "").strip()
    return Path(override) if override else PACKAGED_SCHEMA_DIR


#: Where the contract lives (read once, at import).
DEFAULT_SCHEMA_DIR = schema_dir()


class RecordName(StrEnum):
    """The records of the contract; the value is the folder name under ``schemas/``."""

    INBOUND_REPLY = "inbound_reply"
    LINK_CLICK = "link_click"
    OUTBOUND_MESSAGE = "outbound_message"
    CONSENT_COMMAND = "consent_command"
    CONSENT_EVENT = "consent_event"
    SUPPRESSED_MESSAGE = "suppressed_message"
    DEAD_LETTER = "dead_letter"
    CONSENT_STATE = "consent_state"
    WATERMARK = "watermark"
    HELD_RECORD = "held_record"
    HELD_OFFSETS = "held_offsets"
    CONSENT_STATS = "consent_stats"
    DELIVERY_REPORT = "delivery_report"
    LAST_CAMPAIGN = "last_campaign"
    STATS_DELTA = "stats_delta"
    REPLAY_MARK = "replay_mark"
    REVIEW_DECISION = "review_decision"


class DecodeError(ValueError):
    """A value that cannot be read; ``code`` is the dead-letter error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def crc64_avro_fingerprint(schema: dict[str, Any] | str) -> bytes:
    """The 8 fingerprint bytes as they appear in a single-object encoded value."""
    canonical = to_parsing_canonical_form(schema)
    # fastavro's hex string is already in the header's little-endian byte order (checked against
    # the spec's reference algorithm and Apache avro in tests/models/test_contract.py).
    return bytes.fromhex(_fingerprint(canonical, "CRC-64-AVRO"))


@dataclass(frozen=True, slots=True)
class SchemaVersion:
    record: RecordName
    version: int
    schema: dict[str, Any]  # parsed by fastavro
    fingerprint: bytes
    full_name: str
    declared: dict[str, Any]  # the .avsc file as written (JSON)


class _RecordCodec:
    """Encoder/decoder for one record, all of its versions known."""

    __slots__ = ("_apache", "_current_reader", "_prefix", "_readers", "current", "versions")

    def __init__(self, versions: list[SchemaVersion]) -> None:
        self.versions = versions
        self.current = versions[-1]
        self._prefix = MAGIC + self.current.fingerprint
        # writer fingerprint -> (writer schema, reader schema or None when no resolution needed,
        # the writer's plain-body check)
        self._readers: dict[bytes, tuple[dict[str, Any], dict[str, Any] | None, PlainCheck]] = {
            v.fingerprint: (
                v.schema,
                None if v is self.current else self.current.schema,
                plain_check(v.declared),
            )
            for v in versions
        }
        self._apache: dict[bytes, tuple[Any, Any]] = {}  # built on first use
        self._current_reader = body_reader(self.current.schema)

    def encode(self, record: Mapping[str, Any]) -> bytes:
        buf = io.BytesIO()
        buf.write(self._prefix)
        fastavro.schemaless_writer(buf, self.current.schema, record)
        return buf.getvalue()

    def decode(self, data: bytes) -> dict[str, Any]:
        if data[:2] != MAGIC:
            raise DecodeError(
                "NOT_AVRO", "value is not Avro single-object encoded (no C3 01 marker)"
            )
        if len(data) < HEADER_LEN:
            raise DecodeError(
                "NOT_AVRO",
                f"value is too short for Avro single-object encoding ({len(data)} bytes)",
            )
        fp = bytes(data[2:HEADER_LEN])
        reader = self._readers.get(fp)
        if reader is None:
            raise DecodeError(
                "UNKNOWN_SCHEMA",
                f"schema fingerprint {fp.hex()} is not a known version of {self.current.full_name}",
            )
        writer, resolved, plain = reader
        if plain(data, HEADER_LEN):
            buf = io.BytesIO(data)
            buf.seek(HEADER_LEN)
            record: dict[str, Any]  # (no cast(): it builds dict[str, Any] on every call)
            try:
                if resolved is None:
                    record = self._current_reader(buf)
                else:
                    record = cast(dict[str, Any], fastavro.schemaless_reader(buf, writer, resolved))
            except Exception:  # e.g. invalid UTF-8: Apache avro refuses it too, and says why
                pass
            else:
                if buf.tell() == len(data):
                    return record
        return self._decode_strictly(fp, data)

    def decode_own(self, data: bytes) -> dict[str, Any]:
        """:meth:`decode` for a value this program wrote itself in the current version (its
        table's entries read back from RocksDB or the changelog): read by fastavro straight
        away, without the plain-body check that guards the inputs; any other value (an older
        version, or one fastavro cannot read to its end) goes the strict way."""
        if data.startswith(self._prefix):
            buf = io.BytesIO(data)
            buf.seek(HEADER_LEN)
            try:
                record: dict[str, Any] = self._current_reader(buf)
            except Exception:  # corrupt: the strict way says why
                pass
            else:
                if buf.tell() == len(data):
                    return record
        return self.decode(data)

    def _decode_strictly(self, fp: bytes, data: bytes) -> dict[str, Any]:
        """Apache avro's reading of a body that is not plain, or ``UNDECODABLE``; stricter than
        Apache avro in two places where the spec leaves no doubt (``strict_avro``)."""
        import avro.schema  # only needed for bodies no ordinary writer produces

        reader_class, decoder_class = strict_avro()

        if fp not in self._apache:
            by_fp = {v.fingerprint: v for v in self.versions}
            current = avro.schema.parse(json.dumps(self.current.declared))
            writer = avro.schema.parse(json.dumps(by_fp[fp].declared))
            self._apache[fp] = (writer, current)
        writer, current = self._apache[fp]
        buf = io.BytesIO(data)
        buf.seek(HEADER_LEN)
        try:
            record = reader_class(writer, current).read(decoder_class(buf))
        except Exception as exc:  # InvalidAvroBinaryEncoding, SchemaResolutionException, ...
            why = (str(exc).splitlines() or [""])[0]  # the rest is the whole schema
            raise DecodeError(
                "UNDECODABLE",
                f"Avro body of {self.current.full_name} is corrupt: {type(exc).__name__}: {why}",
            ) from exc
        if buf.tell() != len(data):
            raise DecodeError(
                "UNDECODABLE",
                f"{len(data) - buf.tell()} stray bytes after the {self.current.full_name} body",
            )
        return cast(dict[str, Any], record)


_VERSION_FILE = re.compile(r"^v(\d+)\.avsc$")


class Contract:
    """All records of the contract, loaded from a schema folder."""

    def __init__(self, schema_dir: Path | str = DEFAULT_SCHEMA_DIR) -> None:
        check_versions()
        self.schema_dir = Path(schema_dir)
        self._codecs: dict[RecordName, _RecordCodec] = {}
        self._by_fingerprint: dict[bytes, SchemaVersion] = {}
        for record in RecordName:
            versions = self._load(record)
            self._codecs[record] = _RecordCodec(versions)
            for v in versions:
                self._by_fingerprint[v.fingerprint] = v

    def _load(self, record: RecordName) -> list[SchemaVersion]:
        folder = self.schema_dir / record.value
        found: list[tuple[int, Path]] = []
        for path in folder.glob("v*.avsc"):
            match = _VERSION_FILE.match(path.name)
            if match:
                found.append((int(match.group(1)), path))
        if not found:
            raise FileNotFoundError(f"no schema versions for {record.value} in {folder}")
        versions = []
        for number, path in sorted(found):
            raw = json.loads(path.read_text(encoding="utf-8"))
            parsed = cast(dict[str, Any], fastavro.parse_schema(raw))
            versions.append(
                SchemaVersion(
                    record=record,
                    version=number,
                    schema=parsed,
                    fingerprint=crc64_avro_fingerprint(raw),
                    full_name=parsed["name"],
                    declared=raw,
                )
            )
        return versions

    def current(self, record: RecordName) -> SchemaVersion:
        return self._codecs[record].current

    def versions(self, record: RecordName) -> list[SchemaVersion]:
        return list(self._codecs[record].versions)

    def encode(self, record: RecordName, value: Mapping[str, Any]) -> bytes:
        """Single-object encode ``value`` with the current schema of ``record``."""
        return self._codecs[record].encode(value)

    def decode(self, record: RecordName, data: bytes) -> dict[str, Any]:
        """Decode a single-object encoded ``record``, resolving older versions to the current one.

        Raises :class:`DecodeError` with a dead-letter code when the bytes are not a ``record``.
        """
        try:
            return self._codecs[record].decode(data)
        except DecodeError as exc:
            if exc.code == "UNKNOWN_SCHEMA" and len(data) >= HEADER_LEN:
                other = self._by_fingerprint.get(bytes(data[2:HEADER_LEN]))
                if other is not None:
                    raise DecodeError(
                        "UNKNOWN_SCHEMA",
                        f"value is a {other.full_name} (v{other.version}), "
                        f"expected {self.current(record).full_name}",
                    ) from None
            raise

    def decode_own(self, record: RecordName, data: bytes) -> dict[str, Any]:
        """Decode a ``record`` this program wrote itself (the table's own values, read back):
        trusted when it is in the current version, else as strictly as :meth:`decode`."""
        codec = self._codecs[record]
        if data.startswith(codec._prefix):
            return codec.decode_own(data)
        return self.decode(record, data)  # (its errors name another record's schema)


def parse_header(data: bytes) -> bytes | None:
    """The fingerprint of a single-object encoded value, or None when ``data`` is not one."""
    if len(data) < HEADER_LEN or data[:2] != MAGIC:
        return None
    return bytes(data[2:HEADER_LEN])

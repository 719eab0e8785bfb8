"""Dead letters never exceed the producer's size limit: a value too large to keep whole keeps its
beginning, its size and its SHA-256; headers or a key too large to keep are left out, and the
error says so."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import avro.io
import avro.schema
import pytest
from aiokafka.record.default_records import DefaultRecordBatchBuilder
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.models.contract import HEADER_LEN, MAGIC, Contract, RecordName
from streams.processing.oversize import record_size, varint_size
from streams.processing.records import Output, SourceRecord, dead_letter
from streams.settings import DEFAULT_MAX_MESSAGE_BYTES, Settings

CONTRACT = Contract()
MB = 1_000_000


def src(
    value: bytes | None = b"\x00garbage",
    key: bytes | None = b"contact-1",
    headers: Sequence[tuple[str, bytes | None]] = (),
) -> SourceRecord:
    return SourceRecord(
        "messaging.inbound.replies", 2, 41, 1_700_000_000_000, key, value, list(headers)
    )


def letter(source: SourceRecord, **kw: Any) -> tuple[Output, dict[str, Any]]:
    out = dead_letter(
        CONTRACT,
        "consent.deadletter",
        src=source,
        code="NOT_AVRO",
        reason="value is not Avro single-object encoded (no C3 01 marker)",
        stage="router",
        now_ms=1_700_000_000_500,
        **kw,
    )
    return out, CONTRACT.decode(RecordName.DEAD_LETTER, out.value or b"")


def produced_size(out: Output) -> int:
    """What aiokafka's producer compares with its max_request_size."""
    return int(
        DefaultRecordBatchBuilder.estimate_size_in_bytes(out.key, out.value, list(out.headers))
    )


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_default_limit_is_the_setting() -> None:
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.max_message_bytes == DEFAULT_MAX_MESSAGE_BYTES == MB
    assert DEFAULT_MAX_MESSAGE_BYTES < 1_048_576  # aiokafka's default max_request_size


def test_a_small_dead_letter_keeps_everything_with_the_size_and_hash() -> None:
    headers = [("trace", b"abc"), ("empty", None)]
    out, dl = letter(src(headers=headers))
    assert (out.key, list(out.headers)) == (b"contact-1", headers)
    assert dl["value"] == b"\x00garbage"
    assert dl["headers"] == [{"key": "trace", "value": b"abc"}, {"key": "empty", "value": None}]
    assert (dl["value_truncated"], dl["original_size"], dl["original_sha256"]) == (
        False,
        8,
        sha256(b"\x00garbage"),
    )
    assert dl["error"] == "value is not Avro single-object encoded (no C3 01 marker)"


def test_a_null_value_has_no_size_or_hash() -> None:
    _, dl = letter(src(value=None))
    assert (dl["value"], dl["value_truncated"], dl["original_size"], dl["original_sha256"]) == (
        None,
        False,
        None,
        None,
    )


def test_a_value_too_large_keeps_its_beginning_size_and_hash() -> None:
    value = bytes(range(256)) * 12_000  # 3 MB
    headers = [("trace", b"abc")]
    out, dl = letter(src(value=value, headers=headers))
    assert produced_size(out) <= DEFAULT_MAX_MESSAGE_BYTES
    assert produced_size(out) > DEFAULT_MAX_MESSAGE_BYTES - 100  # as much as fits is kept
    assert dl["value_truncated"] is True
    assert value.startswith(dl["value"]) and len(dl["value"]) > 900_000
    assert (dl["original_size"], dl["original_sha256"]) == (len(value), sha256(value))
    assert (out.key, list(out.headers), dl["key"]) == (b"contact-1", headers, b"contact-1")
    assert dl["error"] == "value is not Avro single-object encoded (no C3 01 marker)"


def test_a_value_that_fits_is_kept_whole() -> None:
    out, _ = letter(src(value=b""), max_bytes=65_536)
    room = 65_536 - produced_size(out) - 8  # the length varints (value, size, body) grow
    out, dl = letter(src(value=b"v" * room), max_bytes=65_536)
    assert produced_size(out) <= 65_536
    assert dl["value_truncated"] is False and len(dl["value"]) == room
    out, dl = letter(src(value=b"v" * (room + 9)), max_bytes=65_536)
    assert produced_size(out) <= 65_536
    assert dl["value_truncated"] is True and len(dl["value"]) >= room


def test_headers_too_large_are_left_out_with_a_note() -> None:
    headers = [("big", b"h" * 1_500_000), ("small", b"s")]
    out, dl = letter(src(headers=headers))
    assert produced_size(out) <= DEFAULT_MAX_MESSAGE_BYTES
    assert list(out.headers) == [] and dl["headers"] == []
    assert dl["error"] == (
        "value is not Avro single-object encoded (no C3 01 marker) (left out of this dead "
        "letter to fit: its 2 headers (1500009 bytes))"
    )
    assert dl["value"] == b"\x00garbage" and dl["value_truncated"] is False


def test_a_key_too_large_is_left_out_with_a_note() -> None:
    key = b"k" * 700_000
    out, dl = letter(src(key=key, value=b"v" * 700_000))
    assert produced_size(out) <= DEFAULT_MAX_MESSAGE_BYTES
    assert out.key is None and dl["key"] is None
    assert dl["error"].endswith("(left out of this dead letter to fit: its key (700000 bytes))")
    assert dl["value_truncated"] is False and dl["original_size"] == 700_000


def test_truncated_dead_letters_are_plain_avro_for_apache_avro() -> None:
    value = b"x" * 2 * MB
    out, dl = letter(src(value=value), max_bytes=100_000)
    schema_file = CONTRACT.schema_dir / "dead_letter" / "v2.avsc"
    schema = avro.schema.parse(schema_file.read_text(encoding="utf-8"))
    data = out.value or b""
    assert data[:HEADER_LEN] == MAGIC + CONTRACT.current(RecordName.DEAD_LETTER).fingerprint
    body = io.BytesIO(data[HEADER_LEN:])
    assert avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(body)) == dl


def test_a_v1_dead_letter_still_decodes() -> None:
    """The contract keeps v1: letters written before v2 read with the new fields' defaults."""
    v1 = json.loads(Path(CONTRACT.schema_dir / "dead_letter" / "v1.avsc").read_text())
    [old] = [v for v in CONTRACT.versions(RecordName.DEAD_LETTER) if v.version == 1]
    record = {
        "error": "e",
        "error_code": "NOT_AVRO",
        "source_topic": "t",
        "source_partition": 0,
        "source_offset": 1,
        "source_timestamp_ms": None,
        "key": None,
        "value": b"v",
        "headers": [],
        "failed_at_ms": 2,
        "stage": "router",
    }
    buf = io.BytesIO()
    avro.io.DatumWriter(avro.schema.parse(json.dumps(v1))).write(record, avro.io.BinaryEncoder(buf))
    decoded = CONTRACT.decode(RecordName.DEAD_LETTER, MAGIC + old.fingerprint + buf.getvalue())
    assert decoded == {
        **record,
        "value_truncated": False,
        "original_size": None,
        "original_sha256": None,
    }


@settings(max_examples=60, deadline=None)
@given(
    max_bytes=st.integers(65_536, 1_048_576),
    value_size=st.one_of(st.none(), st.integers(0, 2_500_000)),
    key_size=st.one_of(st.none(), st.integers(0, 1_200_000)),
    header_sizes=st.lists(st.one_of(st.none(), st.integers(0, 700_000)), max_size=3),
    reason_size=st.integers(0, 2_000),
)
def test_a_dead_letter_never_exceeds_the_limit(
    max_bytes: int,
    value_size: int | None,
    key_size: int | None,
    header_sizes: list[int | None],
    reason_size: int,
) -> None:
    value = None if value_size is None else bytes([7]) * value_size
    key = None if key_size is None else b"k" * key_size
    headers = [(f"h{i}", None if n is None else b"h" * n) for i, n in enumerate(header_sizes)]
    out = dead_letter(
        CONTRACT,
        "dl",
        src=src(value=value, key=key, headers=headers),
        code="PROCESSING_ERROR",
        reason="r" * reason_size,
        stage="gate",
        now_ms=1,
        max_bytes=max_bytes,
    )
    assert produced_size(out) <= max_bytes
    dl = CONTRACT.decode(RecordName.DEAD_LETTER, out.value or b"")
    if value is not None:
        assert value.startswith(dl["value"])
        assert dl["value_truncated"] == (len(dl["value"]) < len(value))
        assert (dl["original_size"], dl["original_sha256"]) == (len(value), sha256(value))
    assert dl["key"] in (key, None) and out.key in (key, None)
    assert [(h["key"], h["value"]) for h in dl["headers"]] == list(out.headers)
    assert list(out.headers) in (headers, [])


@pytest.mark.parametrize("n", [0, 1, 63, 64, -1, -64, -65, 2**20, 2**62, -(2**63)])
def test_varint_size(n: int) -> None:
    z = (n << 1) ^ (n >> 63)
    assert varint_size(n) == max(1, (z.bit_length() + 6) // 7)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(st.none(), st.binary(max_size=300)),
    st.one_of(st.none(), st.binary(max_size=300)),
    st.lists(st.tuples(st.text(max_size=20), st.one_of(st.none(), st.binary(max_size=50)))),
)
def test_record_size_is_aiokafkas_estimate(
    key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes | None]]
) -> None:
    assert record_size(key, value, headers) == DefaultRecordBatchBuilder.estimate_size_in_bytes(
        key, value, headers
    )

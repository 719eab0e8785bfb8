"""Decoding is exactly as strict as Apache avro, plus two rules of the Avro spec that Apache avro
1.12 lets pass (a boolean is the byte 0 or 1; an enum index names one of the writer's symbols):
the contract reads a value when, and only when, that reference reads it, with the same result.

fastavro alone is laxer: it takes an enum or union index of -1 as the last symbol or branch,
wraps varints longer than a 64-bit long, and reads a boolean byte 2 as True (Apache avro: False).
The property test fuzzes valid encodings of every version of every record (random values from the
schema itself) and checks the contract against Apache avro on each mutation.
"""

from __future__ import annotations

import io
import json
import math
from typing import Any

import avro.io
import avro.schema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.models.contract import (
    HEADER_LEN,
    MAGIC,
    Contract,
    DecodeError,
    RecordName,
    SchemaVersion,
)
from streams.models.wire_check import plain_check

R = RecordName
CONTRACT = Contract()
VERSIONS = [v for record in RecordName for v in CONTRACT.versions(record)]
VERSION_IDS = [f"{v.record.value}-v{v.version}" for v in VERSIONS]


def declared(version: SchemaVersion) -> Any:
    """The schema file, as written."""
    path = CONTRACT.schema_dir / version.record.value / f"v{version.version}.avsc"
    return json.loads(path.read_text(encoding="utf-8"))


APACHE = {v.fingerprint: avro.schema.parse(json.dumps(declared(v))) for v in VERSIONS}


# --- The two readers ------------------------------------------------------------------------------


def ours(record: RecordName, data: bytes) -> tuple[bool, Any]:
    """(True, value) or (False, dead-letter code)."""
    try:
        return True, CONTRACT.decode(record, data)
    except DecodeError as exc:
        return False, exc.code


class SpecDecoder(avro.io.BinaryDecoder):
    """A boolean is the byte 0 or 1 (Avro spec); Apache avro 1.12 reads any other byte as False."""

    def read_boolean(self) -> bool:
        byte = self.read(1)
        if byte not in (b"\x00", b"\x01"):
            raise ValueError(f"boolean byte {byte!r}")
        return byte == b"\x01"


class SpecReader(avro.io.DatumReader):
    """An enum index names one of the writer's symbols (Avro spec); Apache avro 1.12 reads one
    beyond them as the enum's default, which the spec keeps for readers lacking a symbol."""

    def read_enum(self, writers_schema: Any, readers_schema: Any, decoder: Any) -> Any:
        start = decoder.reader.tell()
        if not 0 <= decoder.read_int() < len(writers_schema.symbols):
            raise ValueError("enum index outside the writer's symbols")
        decoder.reader.seek(start)
        return super().read_enum(writers_schema, readers_schema, decoder)


def theirs(version: SchemaVersion, data: bytes) -> tuple[bool, Any]:
    """Apache avro reading the body of ``data`` written with ``version``, resolved to the current
    version: (True, value), or (False, what it said) when it refuses or leaves bytes unread. With
    the spec's two rules Apache avro 1.12 lets pass (:class:`SpecDecoder`, :class:`SpecReader`)."""
    current = APACHE[CONTRACT.current(version.record).fingerprint]
    buf = io.BytesIO(data[HEADER_LEN:])
    try:
        value = SpecReader(APACHE[version.fingerprint], current).read(SpecDecoder(buf))
    except Exception as exc:
        return False, repr(exc)[:200]
    if buf.read():
        return False, "stray bytes"
    return True, value


def _same_nan(value: Any) -> Any:
    """``value`` with every NaN as one marker: mutated bytes can spell a NaN double, which the two
    decoders read alike but which never equals itself."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, dict):
        return {k: _same_nan(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_same_nan(v) for v in value]
    return value


def assert_agree(version: SchemaVersion, data: bytes) -> None:
    accepted, got = ours(version.record, data)
    apache_accepted, expected = theirs(version, data)
    assert accepted == apache_accepted, (data.hex(), got, expected)
    if accepted:
        assert _same_nan(got) == _same_nan(expected)
    else:
        assert got == "UNDECODABLE"


# --- Valid values of a schema, and their encoding by Apache avro ----------------------------------

LONG = st.integers(-(2**63), 2**63 - 1)
INT = st.integers(-(2**31), 2**31 - 1)
TEXT = st.text(max_size=12)
PRIMITIVE: dict[str, st.SearchStrategy[Any]] = {
    "null": st.none(),
    "boolean": st.booleans(),
    "int": INT,
    "long": LONG,
    "string": TEXT,
    "bytes": st.binary(max_size=12),
    "double": st.floats(allow_nan=False),
    "float": st.floats(width=32, allow_nan=False),
}


def values(schema: Any, named: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Any valid value of ``schema`` (as declared; our schemas use short names, one namespace)."""
    if isinstance(schema, str):
        return PRIMITIVE[schema] if schema in PRIMITIVE else values(named[schema], named)
    if isinstance(schema, list):
        return st.one_of([values(branch, named) for branch in schema])
    kind = schema["type"]
    if kind == "record":
        named[schema["name"]] = schema
        return st.fixed_dictionaries(
            {f["name"]: values(f["type"], named) for f in schema["fields"]}
        )
    if kind == "enum":
        named[schema["name"]] = schema
        return st.sampled_from(schema["symbols"])
    if kind == "array":
        return st.lists(values(schema["items"], named), max_size=3)
    if kind == "map":
        return st.dictionaries(TEXT, values(schema["values"], named), max_size=3)
    return values(kind, named)


VALUES = {v.fingerprint: values(declared(v), {}) for v in VERSIONS}


def encode(version: SchemaVersion, value: Any) -> bytes:
    """Single-object encoding by Apache avro (so older versions can be written too)."""
    buf = io.BytesIO()
    buf.write(MAGIC + version.fingerprint)
    avro.io.DatumWriter(APACHE[version.fingerprint]).write(value, avro.io.BinaryEncoder(buf))
    return buf.getvalue()


class _Tracing(avro.io.BinaryDecoder):
    """Records where every varint (index, length, count, int, long) and boolean starts and ends."""

    def __init__(self, reader: io.BytesIO) -> None:
        super().__init__(reader)
        self.spots: list[tuple[int, int]] = []

    def read_long(self) -> int:
        start = self.reader.tell()
        value = super().read_long()
        self.spots.append((start, self.reader.tell()))
        return value

    def read_boolean(self) -> bool:
        start = self.reader.tell()
        value = super().read_boolean()
        self.spots.append((start, self.reader.tell()))
        return value


def spots(version: SchemaVersion, data: bytes) -> list[tuple[int, int]]:
    """(start, end) in ``data`` of every varint and boolean of a valid value."""
    schema = APACHE[version.fingerprint]
    decoder = _Tracing(io.BytesIO(data[HEADER_LEN:]))
    avro.io.DatumReader(schema, schema).read(decoder)
    return [(HEADER_LEN + start, HEADER_LEN + end) for start, end in decoder.spots]


def zigzag(n: int) -> bytes:
    """A canonical varint, any size (also beyond 64 bits)."""
    z = (n << 1) if n >= 0 else ((-n << 1) - 1)
    out = bytearray()
    while z >= 0x80:
        out.append(z & 0x7F | 0x80)
        z >>= 7
    out.append(z)
    return bytes(out)


ODD_VARINTS = [
    *(zigzag(n) for n in (-1, -2, -3, -64, -65, 2, 3, 7, 64, 200)),
    *(zigzag(n) for n in (2**31, 2**40, 2**62, 2**63 - 1, -(2**63), 2**63, 2**64, -(2**64))),
    b"\x80\x00",  # 0, overlong
    b"\x82\x80\x00",  # 1, overlong
    b"\x80" * 9 + b"\x00",  # 0 in 10 bytes
    b"\x80" * 9 + b"\x01",  # 2**63 zig-zag encoded: bit 63 only (a valid 10-byte long)
    b"\x80" * 9 + b"\x02",  # too long for 64 bits
    b"\x80" * 10 + b"\x00",  # 11 bytes
    b"\x02",  # a boolean byte 2 (and index/length 1)
    b"\xff",  # a lone continuation byte
]


@st.composite
def mutated(draw: st.DrawFn, version: SchemaVersion) -> bytes:
    data = encode(version, draw(VALUES[version.fingerprint]))
    how = draw(st.sampled_from(["varint", "varint", "flip", "truncate", "extend"]))
    if how == "varint":  # an index, length, count, int, long or boolean replaced
        start, end = draw(st.sampled_from(spots(version, data)))
        odd = draw(st.sampled_from(ODD_VARINTS) | st.builds(zigzag, LONG))
        return data[:start] + odd + data[end:]
    if how == "flip":
        at = draw(st.integers(HEADER_LEN, len(data) - 1)) if len(data) > HEADER_LEN else None
        if at is None:
            return data
        xor = draw(st.integers(1, 255))
        return data[:at] + bytes([data[at] ^ xor]) + data[at + 1 :]
    if how == "truncate":
        return data[: draw(st.integers(HEADER_LEN, len(data)))]
    return data + draw(st.binary(min_size=1, max_size=4))


# --- The property ---------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS, ids=VERSION_IDS)
@settings(max_examples=250, deadline=None)
@given(data=st.data())
def test_decode_accepts_exactly_what_apache_avro_accepts(
    version: SchemaVersion, data: st.DataObject
) -> None:
    assert_agree(version, data.draw(mutated(version)))


@pytest.mark.parametrize("version", VERSIONS, ids=VERSION_IDS)
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_valid_values_are_plain_and_read_as_apache_avro_reads_them(
    version: SchemaVersion, data: st.DataObject
) -> None:
    """What ordinary writers produce takes the fast path (fastavro), with Apache avro's value."""
    encoded = encode(version, data.draw(VALUES[version.fingerprint]))
    assert plain_check(declared(version))(encoded, HEADER_LEN)
    assert_agree(version, encoded)


# --- The cases fastavro alone gets wrong ----------------------------------------------------------


def outbound(
    origin: bytes = b"\x00", unions: bytes = b"\x00" * 5, requested: bytes = b"\x00"
) -> bytes:
    """An OutboundMessage: message_id, contact_id, channel empty, then the origin enum, the five
    optional strings (null), requested_at_ms and an empty attributes map."""
    body = b"\x00\x00\x00" + origin + unions + requested + b"\x00"
    return MAGIC + CONTRACT.current(R.OUTBOUND_MESSAGE).fingerprint + body


def click(kind: bytes = b"\x00", prefetch: bytes = b"\x00") -> bytes:
    """A LinkClick: ids and channel empty, kind, http_method "GET", prefetch, five nulls, time 0."""
    body = b"\x00\x00\x00" + kind + b"\x06GET" + prefetch + b"\x00" * 5 + b"\x00"
    return MAGIC + CONTRACT.current(R.LINK_CLICK).fingerprint + body


def test_the_handmade_values_are_right() -> None:
    ok, message = ours(R.OUTBOUND_MESSAGE, outbound(origin=b"\x02"))
    assert ok and (message["origin"], message["attributes"]) == ("INBOX", {})
    ok, c = ours(R.LINK_CLICK, click(kind=b"\x02", prefetch=b"\x01"))
    assert ok and (c["kind"], c["http_method"], c["prefetch"]) == (
        "ONE_CLICK_UNSUBSCRIBE",
        "GET",
        True,
    )


@pytest.mark.parametrize("index", [-1, -2, -3, 2, 3, 2**40])
def test_enum_index_outside_the_symbols_is_undecodable(index: int) -> None:
    # fastavro alone reads -1 as INBOX and -2 as CAMPAIGN
    assert ours(R.OUTBOUND_MESSAGE, outbound(origin=zigzag(index))) == (False, "UNDECODABLE")


@pytest.mark.parametrize("index", [-1, -2, 2])
def test_union_index_outside_the_branches_is_undecodable(index: int) -> None:
    # campaign_id = branch -1: fastavro alone reads it as the string branch
    data = outbound(unions=zigzag(index) + b"\x00" + b"\x00" * 4)
    assert ours(R.OUTBOUND_MESSAGE, data) == (False, "UNDECODABLE")


@pytest.mark.parametrize(
    "varint",
    [b"\xff" * 10 + b"\x01", b"\xfe" + b"\xff" * 8 + b"\x03", b"\x80" * 9 + b"\x02"],
    ids=["11-bytes", "2**64", "65-bits"],
)
def test_varint_beyond_64_bits_is_undecodable(varint: bytes) -> None:
    # fastavro alone wraps these into a 64-bit long
    assert ours(R.OUTBOUND_MESSAGE, outbound(requested=varint)) == (False, "UNDECODABLE")


def test_longest_valid_long_still_decodes() -> None:
    ok, value = ours(R.OUTBOUND_MESSAGE, outbound(requested=zigzag(-(2**63))))
    assert ok and value["requested_at_ms"] == -(2**63)


@pytest.mark.parametrize("byte", [2, 3, 0x7F, 0xFF])
def test_boolean_byte_other_than_zero_or_one_is_undecodable(byte: int) -> None:
    # fastavro alone reads any non-zero byte as True (a scanner prefetch would count as a click),
    # Apache avro 1.12 as False (a prefetch would unsubscribe): neither is what was written.
    assert ours(R.LINK_CLICK, click(prefetch=bytes([byte]))) == (False, "UNDECODABLE")
    ok, value = ours(R.LINK_CLICK, click(prefetch=b"\x01"))
    assert ok and value["prefetch"] is True


def test_enum_index_beyond_the_writers_symbols_is_undecodable_even_with_a_default() -> None:
    # LinkClick.kind declares default OTHER; Apache avro 1.12 reads index 3 as OTHER, but the
    # writer is our own schema, so an index beyond its symbols is corrupt.
    assert ours(R.LINK_CLICK, click(kind=zigzag(3))) == (False, "UNDECODABLE")
    assert ours(R.LINK_CLICK, click(kind=zigzag(-1))) == (False, "UNDECODABLE")
    ok, value = ours(R.LINK_CLICK, click(kind=zigzag(2)))
    assert ok and value["kind"] == "OTHER"


def test_negative_length_is_undecodable() -> None:
    fp = CONTRACT.current(R.SUPPRESSED_MESSAGE).fingerprint
    # every field but the last, original_value (bytes), then the length -1
    head = b"\x00\x00\x00" + b"\x00\x00" + b"\x00" + b"\x00" * 3 + b"\x00"
    assert ours(R.SUPPRESSED_MESSAGE, MAGIC + fp + head + zigzag(-1) + b"abc")[0] is False


def test_the_reason_is_one_line() -> None:
    with pytest.raises(DecodeError) as err:
        CONTRACT.decode(R.OUTBOUND_MESSAGE, outbound(origin=zigzag(-1)))
    assert "\n" not in str(err.value)
    assert "enum index -1" in str(err.value)


# --- The plain check on its own -------------------------------------------------------------------


def test_recursive_schema_is_never_plain() -> None:
    node = {
        "type": "record",
        "name": "Node",
        "fields": [{"name": "next", "type": ["null", "Node"]}],
    }
    assert plain_check(node)(b"\x00", 0) is False


def test_plain_check_handles_every_kind_of_type() -> None:
    schema = {
        "type": "record",
        "name": "All",
        "namespace": "x",
        "fields": [
            {"name": "f", "type": "float"},
            {"name": "d", "type": "double"},
            {"name": "x", "type": {"type": "fixed", "name": "F", "size": 3}},
            {"name": "y", "type": "x.F"},
            {"name": "t", "type": {"type": "long", "logicalType": "timestamp-millis"}},
            {"name": "a", "type": {"type": "array", "items": "int"}},
            {"name": "n", "type": "null"},
            {"name": "u", "type": ["string", "null", "long"]},
            {"name": "only_null", "type": ["null"]},
        ],
    }
    check = plain_check(schema)
    body = b"\0" * 4 + b"\0" * 8 + b"abc" + b"def" + b"\x02" + b"\x04\x02\x04\x00"
    for union in (b"\x00\x04hi", b"\x02", b"\x04\x81\x01"):  # string, null, long
        assert check(body + union + b"\x00", 0)
    assert not check(body + b"\x02", 0)  # no index for only_null
    for bad in (b"\x01", b"\x06", b"\x80\x00"):  # -1, 3, an overlong 0
        assert not check(body + bad + b"\x00", 0)
    assert not check(body + b"\x02" + b"\x02", 0)  # only_null has one branch
    many = {"type": "enum", "name": "E", "symbols": [f"S{i}" for i in range(100)]}
    assert plain_check(many)(zigzag(99), 0)
    assert not plain_check(many)(zigzag(100), 0)
    wide = [{"type": "fixed", "name": f"F{i}", "size": 1} for i in range(70)]
    assert plain_check({"type": "record", "name": "U", "fields": [{"name": "u", "type": wide}]})(
        zigzag(69) + b"z", 0
    )

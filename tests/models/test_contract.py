"""The topic contract: single-object encoding, checked against the Avro spec and Apache avro."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import avro.io
import avro.schema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.core import consent as core
from streams.models import builders as b
from streams.models.contract import (
    DEFAULT_SCHEMA_DIR,
    HEADER_LEN,
    MAGIC,
    Contract,
    DecodeError,
    RecordName,
    parse_header,
)

R = RecordName
PROPERTY = settings(max_examples=200, deadline=None)

# --- The Avro spec's reference CRC-64-AVRO ("Schema Fingerprints") -------------------------------

EMPTY = 0xC15D213AA4D7A795
FP_TABLE = []
for _i in range(256):
    _fp = _i
    for _ in range(8):
        _fp = (_fp >> 1) ^ (EMPTY & -(_fp & 1))
    FP_TABLE.append(_fp)


def fingerprint64(buf: bytes) -> int:
    fp = EMPTY
    for byte in buf:
        fp = (fp >> 8) ^ FP_TABLE[(fp ^ byte) & 0xFF]
    return fp


def spec_fingerprint(schema: avro.schema.Schema) -> bytes:
    """Single-object encoding stores the 64-bit fingerprint little-endian."""
    return fingerprint64(schema.canonical_form.encode("utf-8")).to_bytes(8, "little")


def schema_text(
    record: RecordName, version: int | None = None, schema_dir: Path = DEFAULT_SCHEMA_DIR
) -> str:
    """The schema file of ``version``, by default the current (highest) one."""
    folder = Path(schema_dir) / record.value
    if version is None:
        version = max(int(p.stem[1:]) for p in folder.glob("v*.avsc"))
    return (folder / f"v{version}.avsc").read_text(encoding="utf-8")


def apache_schema(record: RecordName) -> avro.schema.Schema:
    return avro.schema.parse(schema_text(record))


# --- Apache avro as the independent reader / writer -----------------------------------------------


def avro_read(
    data: bytes, writer: avro.schema.Schema, reader: avro.schema.Schema | None = None
) -> Any:
    """Check the single-object header against ``writer`` and read the body with Apache avro."""
    assert data[:2] == MAGIC
    assert data[2:HEADER_LEN] == writer.fingerprint()
    buf = io.BytesIO(data[HEADER_LEN:])
    value = avro.io.DatumReader(writer, reader or writer).read(avro.io.BinaryDecoder(buf))
    assert buf.read() == b"", "Apache avro left bytes unread"
    return value


def avro_write(value: Any, schema: avro.schema.Schema) -> bytes:
    """Single-object encode with Apache avro, the header built by hand as the spec describes."""
    buf = io.BytesIO()
    buf.write(b"\xc3\x01" + schema.fingerprint())
    avro.io.DatumWriter(schema).write(value, avro.io.BinaryEncoder(buf))
    return buf.getvalue()


# --- Sample records: every record type, with nulls, unions, enums, maps, bytes, nested proof ------

PROOF = {**b.consent_proof("double_opt_in", "form-42"), "ip_address": "2001:db8::1"}
STOPPED = core.ConsentState(
    subscribed=False,
    changed_at_ms=1_700_000_000_123,
    source="KEYWORD",
    event_id="reply-1",
    raw_text="Stop ✋ ça suffit",
    campaign_id="camp-1",
    reason="too many",
    changes=3,
)
OPT_IN = core.Trigger(
    core.Action.OPT_IN, core.Source.COMMAND, "cmd-1", 1_700_000_000_000, proof=PROOF
)

SAMPLES: list[tuple[RecordName, dict[str, Any]]] = [
    (R.INBOUND_REPLY, b.inbound_reply("c1", "SMS", "STOP")),
    (
        R.INBOUND_REPLY,
        b.inbound_reply(
            "c1",
            "WHATSAPP",
            "\uff33\uff34\uff2f\uff30 🛑 — ñ",
            campaign_id="camp",
            in_reply_to_message_id="m1",
        ),
    ),
    (R.LINK_CLICK, b.link_click("c1", "EMAIL")),
    (
        R.LINK_CLICK,
        b.link_click(
            "c1",
            "EMAIL",
            "ONE_CLICK_UNSUBSCRIBE",
            "POST",
            prefetch=True,
            url="https://x.example/u?id=1",
            feedback_reason="too many mails",
        ),
    ),
    (R.OUTBOUND_MESSAGE, b.outbound_message("c1", "SMS")),
    (
        R.OUTBOUND_MESSAGE,
        b.outbound_message(
            "c1", "TELEGRAM", "INBOX", body="hi", attributes={"a": "b", "ü": "ß", "": ""}
        ),
    ),
    (R.CONSENT_COMMAND, b.consent_command("c1", "SMS", "OPT_OUT", reason="asked by phone")),
    (R.CONSENT_COMMAND, b.consent_command("c1", "SMS", "OPT_IN", "IMPORT", proof=PROOF)),
    (
        R.CONSENT_EVENT,
        core.consent_event(
            contact_id="c1",
            channel="SMS",
            trigger=OPT_IN,
            before=STOPPED,
            outcome=core.apply(STOPPED, OPT_IN),
            recorded_at_ms=1_700_000_000_999,
        ),
    ),
    (
        R.SUPPRESSED_MESSAGE,
        {
            "message_id": "m1",
            "contact_id": "c1",
            "channel": "SMS",
            "campaign_id": None,
            "message_type": "promotion",
            "reason": "OPTED_OUT",
            "opted_out_at_ms": 1,
            "opt_out_source": "LINK",
            "opt_out_event_id": "click-1",
            "suppressed_at_ms": 2,
            "original_value": bytes(range(256)),
            "value_truncated": True,
            "original_size": 1_000_000,
            "original_sha256": "ab" * 32,
        },
    ),
    (
        R.DEAD_LETTER,
        {
            "error": "not avro",
            "error_code": "NOT_AVRO",
            "source_topic": "messaging.inbound.replies",
            "source_partition": 2,
            "source_offset": 2**40,
            "source_timestamp_ms": None,
            "key": b"c1",
            "value": b"\x00garbage",
            "headers": [{"key": "trace", "value": b"abc"}, {"key": "empty", "value": None}],
            "failed_at_ms": 3,
            "stage": "router",
            "value_truncated": False,
            "original_size": 9,
            "original_sha256": "ab" * 32,
        },
    ),
    (R.CONSENT_STATE, core.state_record(core.SUBSCRIBED)),
    (R.CONSENT_STATE, core.state_record(STOPPED)),
    (
        R.WATERMARK,
        {
            "worker": "worker-1",
            "published_at_ms": 1_700_000_000_000,
            "marks": [
                {"topic": "messaging.inbound.replies", "partition": 3, "timestamp_ms": -5},
                {"topic": "consent.commands", "partition": 0, "timestamp_ms": 1_700_000_000_000},
            ],
        },
    ),
    (
        R.HELD_RECORD,
        {
            "offset": 42,
            "timestamp_ms": 1_700_000_000_001,
            "key": b"c1",
            "value": b"\xc3\x01 anything",
            "headers": [
                {"key": "consent-gate-kind", "value": b"request"},
                {"key": "x", "value": None},
            ],
        },
    ),
    (
        R.CONSENT_STATS,
        {
            "window": "HOUR",
            "window_start_ms": 1_700_000_000_000,
            "window_end_ms": 1_700_003_600_000,
            "campaign_id": "spring-sale",
            "channel": "SMS",
            "message_type": "promotion",
            "forwarded": 1000,
            "suppressed": 40,
            "opt_outs": 12,
            "opt_ins": 1,
            "unsubscribe_rate": 0.012,
            "reasons": [{"reason": "too_frequent", "count": 3}],
            "cost_saved": 0.32,
            "currency": "EUR",
            "final": True,
            "emitted_at_ms": 1_700_003_700_000,
        },
    ),
    (
        R.DELIVERY_REPORT,
        {
            "report_id": "SM1f0e-callback-1",
            "contact_id": "c1",
            "channel": "SMS",
            "provider": "twilio",
            "status": "undelivered",
            "error_code": "21610",
            "message_id": "m1",
            "campaign_id": "spring-sale",
            "message_type": "promotion",
            "category": None,
            "preference": None,
            "occurred_at_ms": 1_700_000_000_000,
            "description": "Attempt to send to unsubscribed recipient",
            "raw_payload": '{"ErrorCode": "21610"}',
        },
    ),
    (R.HELD_OFFSETS, {"runs": [3, 2, 7, 1, 1_000_000_000_000, 40_000]}),
    (
        R.LAST_CAMPAIGN,
        {
            "message_id": "msg-1",
            "campaign_id": "spring-sale",
            "message_type": None,
            "sent_at_ms": 1_700_000_000_000,
        },
    ),
    (
        R.STATS_DELTA,
        {
            "source_partition": 3,
            "closed_through_ms": None,
            "rows": [
                {
                    "window": "DAY",
                    "window_start_ms": 1_699_920_000_000,
                    "campaign_id": None,
                    "channel": "WHATSAPP",
                    "message_type": "promotion",
                    "forwarded": 0,
                    "suppressed": 2,
                    "opt_outs": 1,
                    "opt_ins": 0,
                    "reasons": [{"reason": "too many", "count": 1}],
                }
            ],
        },
    ),
    (
        R.REVIEW_DECISION,
        {
            "event_id": "ev-1",
            "contact_id": "c1",
            "channel": "SMS",
            "decision": "ACCEPTED",
            "reviewer": "cli:alice",
            "decided_at_ms": 1_700_000_000_000,
            "command_id": "cmd-1",
            "note": "ça suffit",
        },
    ),
    (
        R.REPLAY_MARK,
        {
            "deadletter_topic": "consent.deadletter",
            "deadletter_partition": 1,
            "deadletter_offset": 42,
            "error_code": "UNKNOWN_CHANNEL",
            "target_topic": "consent.commands",
            "replayed_at_ms": 1_700_000_000_000,
        },
    ),
]
SAMPLE_IDS = [f"{record.value}-{i}" for i, (record, _) in enumerate(SAMPLES)]

_CONTRACT = Contract()
_APACHE = {record: apache_schema(record) for record in RecordName}


def sample_of(record: RecordName) -> dict[str, Any]:
    return dict(next(value for r, value in SAMPLES if r is record))


def test_samples_cover_every_record() -> None:
    assert {record for record, _ in SAMPLES} == set(RecordName)


# --- Fingerprints ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ('"null"', 7195948357588979594),
        ('"boolean"', -6970731678124411036),
        ('"int"', 8247732601305521295),
        (
            '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"}]}',
            7843277075252814651,
        ),
    ],
)
def test_reference_fingerprint_matches_the_avro_test_vectors(schema: str, expected: int) -> None:
    # share/test/data/schema-tests.txt publishes the fingerprints as signed Java longs
    assert fingerprint64(schema.encode()) == expected & (2**64 - 1)


@pytest.mark.parametrize("record", list(RecordName))
def test_header_fingerprint_is_the_specs_crc64_avro_and_apache_avros(
    record: RecordName, contract: Contract
) -> None:
    schema = _APACHE[record]
    ours = contract.current(record).fingerprint
    assert ours == spec_fingerprint(schema)
    assert ours == schema.fingerprint()  # Apache avro returns the little-endian bytes
    encoded = contract.encode(record, sample_of(record))
    assert encoded[:HEADER_LEN] == MAGIC + ours
    assert parse_header(encoded) == ours


def test_every_record_has_a_distinct_fingerprint(contract: Contract) -> None:
    fingerprints = {contract.current(record).fingerprint for record in RecordName}
    assert len(fingerprints) == len(RecordName)


# --- Cross-check with Apache avro -----------------------------------------------------------------


@pytest.mark.parametrize(("record", "value"), SAMPLES, ids=SAMPLE_IDS)
def test_apache_avro_reads_what_the_contract_writes(
    record: RecordName, value: dict[str, Any], contract: Contract
) -> None:
    assert avro_read(contract.encode(record, value), _APACHE[record]) == value


@pytest.mark.parametrize(("record", "value"), SAMPLES, ids=SAMPLE_IDS)
def test_contract_reads_what_apache_avro_writes(
    record: RecordName, value: dict[str, Any], contract: Contract
) -> None:
    data = avro_write(value, _APACHE[record])
    assert contract.decode(record, data) == value
    assert data == contract.encode(record, value)  # both encoders produce the same bytes


optional_text = st.none() | st.text()
longs = st.integers(-(2**63), 2**63 - 1)

inbound_replies = st.fixed_dictionaries(
    {
        "event_id": st.text(),
        "contact_id": st.text(),
        "channel": st.text(),
        "text": st.text(),
        "received_at_ms": longs,
        "in_reply_to_message_id": optional_text,
        "campaign_id": optional_text,
        "message_type": optional_text,
    }
)
outbound_messages = st.fixed_dictionaries(
    {
        "message_id": st.text(),
        "contact_id": st.text(),
        "channel": st.text(),
        "origin": st.sampled_from(["CAMPAIGN", "INBOX"]),
        "campaign_id": optional_text,
        "message_type": optional_text,
        "recipient": optional_text,
        "template_id": optional_text,
        "body": optional_text,
        "requested_at_ms": longs,
        "attributes": st.dictionaries(st.text(), st.text(), max_size=5),
    }
)
arbitrary_records = st.one_of(
    st.tuples(st.just(R.INBOUND_REPLY), inbound_replies),
    st.tuples(st.just(R.OUTBOUND_MESSAGE), outbound_messages),
)


@PROPERTY
@given(arbitrary_records)
def test_any_reply_or_outbound_message_round_trips_through_apache_avro(
    sample: tuple[RecordName, dict[str, Any]],
) -> None:
    record, value = sample
    schema = _APACHE[record]
    encoded = _CONTRACT.encode(record, value)
    assert avro_read(encoded, schema) == value
    assert _CONTRACT.decode(record, avro_write(value, schema)) == value
    assert _CONTRACT.decode(record, encoded) == value


# --- Schema evolution -----------------------------------------------------------------------------

# (record, a field of the current version that has a default, the default)
EVOLVED_FIELDS: list[tuple[RecordName, str, Any]] = [
    (R.INBOUND_REPLY, "message_type", None),
    (R.LINK_CLICK, "prefetch", False),
    (R.OUTBOUND_MESSAGE, "attributes", {}),
    (R.CONSENT_STATE, "changes", 0),
]


def older_schema(record: RecordName, without: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_text(record))
    schema["fields"] = [f for f in schema["fields"] if f["name"] != without]
    return schema


def write_schema(path: Path, schema: dict[str, Any]) -> None:
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")


def schema_dirs(tmp_path: Path, record: RecordName, without: str) -> tuple[Path, Path]:
    """An old contract (v1 lacks ``without``) and the new one (v1 = old, v2 = the real current)."""
    old_dir = shutil.copytree(DEFAULT_SCHEMA_DIR, tmp_path / "old")
    write_schema(old_dir / record.value / "v1.avsc", older_schema(record, without))
    new_dir = shutil.copytree(old_dir, tmp_path / "new")
    shutil.copy(DEFAULT_SCHEMA_DIR / record.value / "v1.avsc", new_dir / record.value / "v2.avsc")
    return old_dir, new_dir


@pytest.mark.parametrize(("record", "field", "default"), EVOLVED_FIELDS)
def test_value_written_with_an_older_version_decodes_with_the_default(
    record: RecordName, field: str, default: Any, tmp_path: Path
) -> None:
    old_dir, new_dir = schema_dirs(tmp_path, record, field)
    old, new = Contract(old_dir), Contract(new_dir)
    assert [v.version for v in new.versions(record)] == [1, 2]
    assert new.current(record).fingerprint == _CONTRACT.current(record).fingerprint

    value = sample_of(record)
    old_value = {k: v for k, v in value.items() if k != field}
    old_bytes = old.encode(record, old_value)
    assert (
        parse_header(old_bytes)
        == old.current(record).fingerprint
        != parse_header(new.encode(record, value))
    )

    assert new.decode(record, old_bytes) == {**old_value, field: default}
    assert new.decode(record, new.encode(record, value)) == value


@pytest.mark.parametrize(("record", "field", "default"), EVOLVED_FIELDS)
def test_apache_avro_old_writer_resolves_like_the_contract(
    record: RecordName, field: str, default: Any, tmp_path: Path
) -> None:
    _, new_dir = schema_dirs(tmp_path, record, field)
    new = Contract(new_dir)
    old_schema = avro.schema.parse(schema_text(record, 1, new_dir))
    old_value = {k: v for k, v in sample_of(record).items() if k != field}

    data = avro_write(old_value, old_schema)
    decoded = new.decode(record, data)
    assert decoded == {**old_value, field: default}
    assert avro_read(data, old_schema, _APACHE[record]) == decoded


def test_value_from_a_newer_writer_is_refused_not_misread(tmp_path: Path) -> None:
    # Forward compatibility is not promised: an unknown (newer) version is UNKNOWN_SCHEMA.
    newer_dir = shutil.copytree(DEFAULT_SCHEMA_DIR, tmp_path / "newer")
    schema = json.loads(schema_text(R.INBOUND_REPLY))
    schema["fields"].append({"name": "locale", "type": ["null", "string"], "default": None})
    write_schema(newer_dir / "inbound_reply" / "v2.avsc", schema)
    data = Contract(newer_dir).encode(
        R.INBOUND_REPLY, {**sample_of(R.INBOUND_REPLY), "locale": "fr"}
    )

    with pytest.raises(DecodeError) as err:
        _CONTRACT.decode(R.INBOUND_REPLY, data)
    assert err.value.code == "UNKNOWN_SCHEMA"


def test_versions_are_ordered_numerically(tmp_path: Path) -> None:
    schema_dir = shutil.copytree(DEFAULT_SCHEMA_DIR, tmp_path / "many")
    old = older_schema(R.INBOUND_REPLY, "message_type")
    write_schema(schema_dir / "inbound_reply" / "v1.avsc", old)
    write_schema(schema_dir / "inbound_reply" / "v2.avsc", old)  # identical: a republished version
    shutil.copy(
        DEFAULT_SCHEMA_DIR / "inbound_reply" / "v1.avsc", schema_dir / "inbound_reply" / "v10.avsc"
    )
    contract = Contract(schema_dir)
    assert contract.current(R.INBOUND_REPLY).version == 10
    assert (
        contract.current(R.INBOUND_REPLY).fingerprint
        == _CONTRACT.current(R.INBOUND_REPLY).fingerprint
    )


# --- Errors ---------------------------------------------------------------------------------------


def decode_error(record: RecordName, data: bytes) -> DecodeError:
    with pytest.raises(DecodeError) as err:
        _CONTRACT.decode(record, data)
    return err.value


REPLY = _CONTRACT.encode(R.INBOUND_REPLY, sample_of(R.INBOUND_REPLY))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"STOP",
        json.dumps(sample_of(R.INBOUND_REPLY)).encode(),
        b"\x00\x01" + REPLY[2:],  # Confluent-style/other framing
        b"\xc3\x02" + REPLY[2:],
        REPLY[2:],  # body without the marker
    ],
    ids=["empty", "text", "json", "wrong-magic", "wrong-version", "no-marker"],
)
def test_bytes_without_the_single_object_marker_are_not_avro(data: bytes) -> None:
    assert decode_error(R.INBOUND_REPLY, data).code == "NOT_AVRO"


@pytest.mark.parametrize("length", range(HEADER_LEN))
def test_bytes_shorter_than_the_header_are_not_avro(length: int) -> None:
    assert decode_error(R.INBOUND_REPLY, REPLY[:length]).code == "NOT_AVRO"
    assert parse_header(REPLY[:length]) is None


def test_unknown_fingerprint_is_unknown_schema() -> None:
    data = MAGIC + b"\x00" * 8 + REPLY[HEADER_LEN:]
    error = decode_error(R.INBOUND_REPLY, data)
    assert error.code == "UNKNOWN_SCHEMA"
    assert "0000000000000000" in str(error)
    assert "InboundReply" in str(error)


def test_value_of_another_record_is_unknown_schema_naming_that_record() -> None:
    click = _CONTRACT.encode(R.LINK_CLICK, sample_of(R.LINK_CLICK))
    error = decode_error(R.INBOUND_REPLY, click)
    assert error.code == "UNKNOWN_SCHEMA"
    assert "consentgate.LinkClick" in str(error)
    assert "consentgate.InboundReply" in str(error)


@pytest.mark.parametrize("cut", [1, 2, 5, len(REPLY) - HEADER_LEN])
def test_truncated_body_is_undecodable(cut: int) -> None:
    assert decode_error(R.INBOUND_REPLY, REPLY[:-cut]).code == "UNDECODABLE"


@pytest.mark.parametrize("extra", [b"\x00", b"trailing bytes"])
def test_trailing_bytes_are_undecodable(extra: bytes) -> None:
    error = decode_error(R.INBOUND_REPLY, REPLY + extra)
    assert error.code == "UNDECODABLE"
    assert str(len(extra)) in str(error)


def test_invalid_utf8_and_bad_enum_index_are_undecodable() -> None:
    fp = _CONTRACT.current(R.OUTBOUND_MESSAGE).fingerprint
    bad_utf8 = MAGIC + fp + b"\x04\xff\xfe"
    assert decode_error(R.OUTBOUND_MESSAGE, bad_utf8).code == "UNDECODABLE"
    # message_id, contact_id, channel = "", then origin = enum index 7 (only 2 symbols)
    bad_enum = MAGIC + fp + b"\x00\x00\x00\x0e" + b"\x00" * 6 + b"\x02" + b"\x00"
    assert decode_error(R.OUTBOUND_MESSAGE, bad_enum).code == "UNDECODABLE"


DECODE_CODES = {"NOT_AVRO", "UNKNOWN_SCHEMA", "UNDECODABLE"}


@PROPERTY
@given(st.sampled_from(list(RecordName)), st.binary(max_size=200))
def test_arbitrary_bytes_raise_only_decode_error(record: RecordName, data: bytes) -> None:
    try:
        _CONTRACT.decode(record, data)
    except DecodeError as exc:
        assert exc.code in DECODE_CODES


@PROPERTY
@given(st.sampled_from(list(RecordName)), st.binary(max_size=200))
def test_valid_header_with_random_body_raises_only_decode_error(
    record: RecordName, body: bytes
) -> None:
    data = MAGIC + _CONTRACT.current(record).fingerprint + body
    try:
        _CONTRACT.decode(record, data)
    except DecodeError as exc:
        assert exc.code == "UNDECODABLE"


@PROPERTY
@given(
    st.sampled_from(list(range(len(SAMPLES)))),
    st.data(),
)
def test_corrupted_sample_raises_only_decode_error(index: int, data: st.DataObject) -> None:
    record, value = SAMPLES[index]
    encoded = bytearray(_CONTRACT.encode(record, value))
    position = data.draw(st.integers(HEADER_LEN, len(encoded) - 1))
    encoded[position] = data.draw(st.integers(0, 255))
    try:
        _CONTRACT.decode(record, bytes(encoded))
    except DecodeError as exc:
        assert exc.code == "UNDECODABLE"


# --- The trusted decoder of the table's own values -----------------------------------------------


@pytest.mark.parametrize(("record", "value"), SAMPLES, ids=SAMPLE_IDS)
def test_own_values_read_back_as_the_strict_decoder_reads_them(
    record: RecordName, value: dict[str, Any]
) -> None:
    data = _CONTRACT.encode(record, value)
    assert _CONTRACT.decode_own(record, data) == _CONTRACT.decode(record, data) == value


@pytest.mark.parametrize(("record", "field", "default"), EVOLVED_FIELDS)
def test_own_value_of_an_older_version_is_resolved_as_strictly(
    record: RecordName, field: str, default: Any, tmp_path: Path
) -> None:
    old_dir, new_dir = schema_dirs(tmp_path, record, field)
    old, new = Contract(old_dir), Contract(new_dir)
    old_value = {k: v for k, v in sample_of(record).items() if k != field}
    assert new.decode_own(record, old.encode(record, old_value)) == {**old_value, field: default}


@PROPERTY
@given(
    st.sampled_from(list(range(len(SAMPLES)))),
    st.data(),
)
def test_a_corrupt_own_value_is_refused_as_the_strict_decoder_refuses_it(
    index: int, data: st.DataObject
) -> None:
    """Cut short, with bytes after it, or another record's: the same DecodeError either way."""
    record, value = SAMPLES[index]
    encoded = _CONTRACT.encode(record, value)
    how = data.draw(st.sampled_from(["cut", "trailing", "other record"]))
    if how == "cut":
        damaged = encoded[: data.draw(st.integers(0, len(encoded) - 1))]
    elif how == "trailing":
        damaged = encoded + data.draw(st.binary(min_size=1, max_size=8))
    else:
        other = [s for s in SAMPLES if s[0] != record]
        damaged = _CONTRACT.encode(*other[data.draw(st.integers(0, len(other) - 1))])
    with pytest.raises(DecodeError) as strict:
        _CONTRACT.decode(record, damaged)
    with pytest.raises(DecodeError) as own:
        _CONTRACT.decode_own(record, damaged)
    assert (own.value.code, str(own.value)) == (strict.value.code, str(strict.value))

"""The bulk tools without a broker: reading rows and times, the command encoder (against Apache
avro), and which dead letters a replay skips."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.models.avro_write import record_encoder
from streams.models.contract import Contract, RecordName
from streams.processing.records import InputKind, Rejected
from streams.settings import Settings
from streams.tools.common import parse_time
from streams.tools.importer import ChunkEncoder, RowBuilder, command_id
from streams.tools.replay import (
    SKIP_INTERNAL,
    SKIP_NO_VALUE,
    SKIP_REPLAYED,
    SKIP_TRUNCATED,
    SKIP_UNKNOWN_TOPIC,
    _skip,
)
from tests.harness_common import AvroCodec

NOW = 1_750_000_000_000
APACHE = AvroCodec()


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("1709294400000", 1_709_294_400_000),
        ("2024-03-01T12:00:00Z", 1_709_294_400_000),
        ("2024-03-01T13:00:00+01:00", 1_709_294_400_000),
        (" 2024-03-01T12:00:00.250+00:00 ", 1_709_294_400_250),
    ],
)
def test_times_iso_or_epoch_ms(text: str, ms: int) -> None:
    assert parse_time(text, now_ms=NOW) == ms


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "empty"),
        ("yesterday", "neither ISO-8601 nor epoch milliseconds"),
        ("2024-03-01T12:00:00", "no time zone"),
        ("1709294400", "before 1990"),
        ("2099-01-01T00:00:00Z", "in the future"),
        ("-5", "neither"),
    ],
)
def test_bad_times_say_why(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_time(text, now_ms=NOW)


def builder(contract: Contract) -> RowBuilder:
    return RowBuilder(Settings(_env_file=None), contract, "list.csv")  # type: ignore[call-arg]


def row(**fields: str) -> dict[str, str]:
    return {"contact": "c1", "channel": "sms", "when": "2024-03-01T12:00:00Z", **fields}


def test_a_row_is_an_import_opt_out_with_its_proof(contract: Contract) -> None:
    record = builder(contract).command(row(source="sms-stop", reason="too many"), 7)
    assert (record["action"], record["source"], record["channel"]) == ("OPT_OUT", "IMPORT", "SMS")
    assert record["command_id"] == command_id("c1", "SMS", 1_709_294_400_000)
    assert record["issued_at_ms"] == 1_709_294_400_000
    assert record["proof"] == {
        "captured_at_ms": 1_709_294_400_000,
        "method": "sms-stop",
        "evidence": "list.csv:7",
        "ip_address": None,
    }
    assert record["reason"] == "too many"
    # the same row (whatever its line, case or spacing) gives the same command
    again = builder(contract).command(row(contact=" c1 ", channel="SMS", when="1709294400000"), 9)
    assert again["command_id"] == record["command_id"]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"contact": " "}, "INVALID_FIELD"),
        ({"contact": "x" * 300}, "INVALID_FIELD"),
        ({"channel": "FAX"}, "UNKNOWN_CHANNEL"),
        ({"when": "soon"}, "BAD_TIME"),
        ({"reason": "r" * 5000}, "INVALID_FIELD"),
    ],
)
def test_bad_rows_are_rejected_with_the_gates_rules(
    contract: Contract, fields: dict[str, str], code: str
) -> None:
    with pytest.raises(Rejected) as err:
        builder(contract).command(row(**fields), 2)
    assert err.value.code == code


def test_a_chunk_keeps_good_rows_and_rejects_bad_ones(contract: Contract) -> None:
    header = ["contact", "channel", "when"]
    encoder = ChunkEncoder(Settings(_env_file=None), contract, "f.csv", header)  # type: ignore[call-arg]
    good, bad = encoder.encode(
        [
            (2, ["c1", "SMS", "1709294400000"], "c1,SMS,1709294400000"),
            (3, ["c2", "SMS"], "c2,SMS"),
            (4, ["c3", "FAX", "1709294400000"], "c3,FAX,1709294400000"),
        ]
    )
    assert [k for k, _ in good] == [b"c1"]
    assert [(line, text) for line, _, text in bad] == [(3, "c2,SMS"), (4, "c3,FAX,1709294400000")]
    assert bad[0][1].startswith("FIELD_COUNT") and bad[1][1].startswith("UNKNOWN_CHANNEL")


text = st.text(max_size=80)
optional = st.none() | text


@settings(max_examples=300, deadline=None)
@given(
    contact=text,
    when=st.integers(-(2**62), 2**62),
    captured=st.integers(-(2**62), 2**62),
    proof=st.booleans(),
    ip=optional,
    reason=optional,
    campaign=optional,
    evidence=text,
)
def test_the_fast_encoder_writes_what_the_contract_writes(
    contact: str,
    when: int,
    captured: int,
    proof: bool,
    ip: str | None,
    reason: str | None,
    campaign: str | None,
    evidence: str,
) -> None:
    contract = _CONTRACT
    record: dict[str, Any] = {
        "command_id": command_id(contact, "SMS", when),
        "contact_id": contact,
        "channel": "SMS",
        "action": "OPT_OUT",
        "source": "IMPORT",
        "issued_at_ms": when,
        "proof": {
            "captured_at_ms": captured,
            "method": "import",
            "evidence": evidence,
            "ip_address": ip,
        }
        if proof
        else None,
        "reason": reason,
        "campaign_id": campaign,
        "actor": "consent-gate import x.csv",
    }
    encoded = _ENCODER(record)
    assert encoded == contract.encode(RecordName.CONSENT_COMMAND, record)
    assert APACHE.decode(encoded, "consent_command") == record


_CONTRACT = Contract()
_ENCODER = record_encoder(_CONTRACT, RecordName.CONSENT_COMMAND, fields="mapping")


def test_import_rows_pass_the_gates_command_validation(contract: Contract) -> None:
    from streams.processing.validate import Validator

    record = builder(contract).command(row(), 2)
    valid = Validator(contract, ("SMS",), 100).check(
        InputKind.COMMAND, contract.encode(RecordName.CONSENT_COMMAND, record)
    )
    assert (valid.contact_id, valid.channel) == ("c1", "SMS")


def dead_letter(**fields: Any) -> dict[str, Any]:
    return {
        "error": "channel 'X' is not one of the configured channels",
        "value_truncated": False,
        "value": b"\xc3\x01...",
        "source_topic": "consent.commands",
        **fields,
    }


INTERNAL = {"cg-by-contact", "cg-consent-changelog"}
INPUTS = {"consent.commands", "messaging.inbound.replies"}


@pytest.mark.parametrize(
    ("fields", "replayed", "why"),
    [
        ({}, False, None),
        ({}, True, SKIP_REPLAYED),
        ({"value_truncated": True}, False, SKIP_TRUNCATED),
        (
            {"error": "x (left out of this dead letter to fit: its key (9 bytes))"},
            False,
            SKIP_TRUNCATED,
        ),
        ({"value": None}, False, SKIP_NO_VALUE),
        ({"source_topic": "cg-by-contact"}, False, SKIP_INTERNAL),
        ({"source_topic": "elsewhere"}, False, SKIP_UNKNOWN_TOPIC),
    ],
)
def test_what_a_replay_skips(fields: dict[str, Any], replayed: bool, why: str | None) -> None:
    assert _skip(dead_letter(**fields), replayed, INTERNAL, INPUTS) == why


def test_rows_already_in_the_table_are_known_before_publishing(contract: Contract) -> None:
    """The summary says how many rows were there already: imported before (even by a contact
    who opted in since, on new proof: a re-import must not undo that), or opted out already."""
    from streams.models.contract import RecordName as R
    from streams.state.history import history_key, history_owner
    from streams.tools.importer import IMPORTED_BEFORE, OPTED_OUT_BEFORE, recorded_from
    from tests.harness import InMemoryGate
    from tests.processing.test_stats_in_memory import T0
    from tests.processing.test_stats_in_memory import settings as gate_settings

    h = InMemoryGate(gate_settings(), contract, event_times=True)
    rows = {
        c: RowBuilder(h.s, contract, "list.csv").command(
            {"contact": c, "channel": "SMS", "when": "2025-03-01T10:00:00Z"}, 2
        )
        for c in ("c1", "c2", "c4", "c5")
    }
    for c in ("c1", "c2", "c4"):
        h.record(h.s.commands_topic, R.CONSENT_COMMAND, rows[c], T0)
    h.reply("c2", "SMS", "START", ts=T0 + 10)  # opted in since, on new proof
    h.reply("c3", "SMS", "STOP", ts=T0 + 20)
    table = list(h.table.items())
    erased = [(k, None) for k, _ in table if k.endswith(b"c4") or b"c4SMS" in k]
    records: list[tuple[bytes | None, bytes | None]] = [*table, *erased]
    wanted = {"SMS/c1", "SMS/c2", "SMS/c3", "SMS/c4", "SMS/c5"}
    known = recorded_from(records, wanted, contract)
    ids = {c: r["command_id"] for c, r in rows.items()}
    assert known.verdict("SMS/c1", ids["c1"]) == IMPORTED_BEFORE
    assert known.verdict("SMS/c2", ids["c2"]) == IMPORTED_BEFORE
    assert known.verdict("SMS/c3", "import-x") == OPTED_OUT_BEFORE
    assert known.verdict("SMS/c4", ids["c4"]) is None  # erased: as never seen
    assert known.verdict("SMS/c5", ids["c5"]) is None
    assert recorded_from(records, {"SMS/c5"}, contract).opted_out == {}
    assert history_owner(history_key("ü/1", "WHATSAPP", -5, 3)) == ("ü/1", "WHATSAPP")
    assert history_owner(b"SMS/c1") is None and history_owner(b"\x03\x00") is None


def test_the_summary_says_how_many_rows_were_there_already() -> None:
    from streams.tools.importer import ImportReport

    done = ImportReport(read=5, published=2, imported_before=2, opted_out_before=1)
    done.table_read = True
    assert "3 rows already there, not published (2 imported before, 1 contacts opted out" in (
        done.summary()
    )
    assert "read 5 rows, published 2 opt-out commands, rejected 0" in done.summary()

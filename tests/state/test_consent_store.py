"""The consent table: a dict stands in for RocksDB."""

from __future__ import annotations

import pytest

from streams.core.consent import NOT_SUBSCRIBED, SUBSCRIBED, ConsentState
from streams.models.contract import HEADER_LEN, MAGIC, Contract, RecordName, parse_header
from streams.state.consent_store import ConsentStore, DictTable, state_key

STOPPED = ConsentState(
    subscribed=False,
    changed_at_ms=1_700_000_000_123,
    source="ONE_CLICK",
    event_id="click-1",
    raw_text="Stop ✋ ça suffit",
    campaign_id="camp-1",
    reason="too many mails",
    changes=3,
)


@pytest.mark.parametrize(
    ("default_subscribed", "expected"), [(True, SUBSCRIBED), (False, NOT_SUBSCRIBED)]
)
def test_missing_key_reads_as_the_regimes_default(
    default_subscribed: bool, expected: ConsentState, contract: Contract
) -> None:
    table = DictTable()
    store = ConsentStore(table, contract, default_subscribed)
    assert store.get("never-seen", "SMS") == expected
    assert table == {}  # reading does not write


@pytest.mark.parametrize("default_subscribed", [True, False])
def test_put_then_get_preserves_every_proof_field(
    default_subscribed: bool, contract: Contract
) -> None:
    store = ConsentStore(DictTable(), contract, default_subscribed)
    store.put("c1", "SMS", STOPPED)
    assert store.get("c1", "SMS") == STOPPED


def test_state_is_kept_per_channel(contract: Contract) -> None:
    table = DictTable()
    store = ConsentStore(table, contract, default_subscribed=True)
    store.put("c1", "SMS", STOPPED)
    assert set(table) == {b"SMS/c1"} == {state_key("c1", "SMS")}
    assert store.get("c1", "SMS") == STOPPED
    assert store.get("c1", "WHATSAPP") == SUBSCRIBED
    assert store.get("c2", "SMS") == SUBSCRIBED

    store.put("c1", "WHATSAPP", SUBSCRIBED)
    assert set(table) == {b"SMS/c1", b"WHATSAPP/c1"}
    assert store.get("c1", "SMS") == STOPPED


def test_later_put_replaces_the_state(contract: Contract) -> None:
    store = ConsentStore(DictTable(), contract, default_subscribed=False)
    store.put("c1", "EMAIL", STOPPED)
    store.put("c1", "EMAIL", SUBSCRIBED)
    assert store.get("c1", "EMAIL") == SUBSCRIBED


def test_stored_bytes_are_single_object_encoded_consent_state(contract: Contract) -> None:
    table = DictTable()
    ConsentStore(table, contract, default_subscribed=True).put("c1", "SMS", STOPPED)
    raw = table[b"SMS/c1"]
    assert isinstance(raw, bytes)
    assert raw[:2] == MAGIC
    assert raw[2:HEADER_LEN] == contract.current(RecordName.CONSENT_STATE).fingerprint
    assert parse_header(raw) == contract.current(RecordName.CONSENT_STATE).fingerprint
    assert contract.decode(RecordName.CONSENT_STATE, raw)["reason"] == "too many mails"

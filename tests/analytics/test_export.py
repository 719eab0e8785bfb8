"""Exports: flat, typed tables that pyarrow and DuckDB read back; pseudonymised contact ids."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pydantic import SecretStr

from streams.analytics import export as ex
from streams.analytics.pseudonym import pseudonym, pseudonymiser
from streams.settings import Settings, SettingsError, load_settings
from tests.analytics_data import T0, consent_event, hand_checkable_stats

KEY = "k" * 32
PROOF = {
    "captured_at_ms": T0 - 1000,
    "method": "web_form",
    "evidence": "form-1",
    "ip_address": "192.0.2.7",
}


def events() -> list[dict[str, object]]:
    return [
        consent_event("+15550100001", "SMS", campaign="spring", message_type="promo"),
        consent_event("+15550100001", "SMS", campaign="spring", message_type="promo"),  # again
        consent_event("eli@example.com", "EMAIL", "OPTED_IN", at=T0 + 1, proof=PROOF),
        consent_event("+15550100002", "SMS", at=T0 - 1),
    ]


def test_the_pseudonym_is_hmac_sha256_of_the_contact_id() -> None:
    expected = hmac.new(KEY.encode(), b"+15550100001", hashlib.sha256).hexdigest()
    assert pseudonym(KEY.encode(), "+15550100001") == expected
    settings = Settings(_env_file=None, pseudonymise_key=SecretStr(KEY))  # type: ignore[call-arg]
    p = pseudonymiser(settings)
    assert p is not None and p("+15550100001") == expected
    assert pseudonymiser(Settings(_env_file=None)) is None  # type: ignore[call-arg]


def test_a_short_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENT_GATE_PSEUDONYMISE_KEY", "secret")
    with pytest.raises(SettingsError, match="CONSENT_GATE_PSEUDONYMISE_KEY: must be empty"):
        load_settings(_env_file=None)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_events_table_has_flat_typed_columns(tmp_path: Path, fmt: ex.Format) -> None:
    path = tmp_path / f"events.{fmt}"
    rows = ex.event_rows(events(), since_ms=T0)
    assert len(rows) == 2  # each event id once, none before --since
    ex.write(rows, ex.EVENT_COLUMNS, fmt, path)
    con = duckdb.connect()
    rel = con.sql(f"SELECT * FROM '{path}' ORDER BY occurred_at")
    types = dict(zip(rel.columns, [str(t) for t in rel.types], strict=True))
    assert types["occurred_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["proof_captured_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["subscribed"] == "BOOLEAN"
    first, second = rel.fetchall()
    assert first[rel.columns.index("occurred_at")] == datetime(2026, 5, 4, tzinfo=UTC)
    assert second[rel.columns.index("proof_method")] == "web_form"
    assert [c for c, _ in ex.EVENT_COLUMNS] == rel.columns


def test_parquet_types_as_pyarrow_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "e.parquet"
    ex.write(ex.event_rows(events()), ex.EVENT_COLUMNS, "parquet", path)
    table = pq.read_table(path)
    assert table.schema.field("recorded_at").type == pa.timestamp("ms", tz="UTC")
    assert table.num_rows == 3


def test_pseudonymised_export_has_no_contact_id_or_ip_address(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, pseudonymise_key=SecretStr(KEY))  # type: ignore[call-arg]
    path = tmp_path / "e.csv"
    ex.write(ex.event_rows(events(), None, pseudonymiser(settings)), ex.EVENT_COLUMNS, "csv", path)
    text = path.read_text()
    for secret in ("+15550100001", "eli@example.com", "192.0.2.7"):
        assert secret not in text
    assert pseudonym(KEY.encode(), "eli@example.com") in text
    assert pseudonym(KEY.encode(), "192.0.2.7") in text


def test_stats_table_keeps_the_standing_rows(tmp_path: Path) -> None:
    path = tmp_path / "s.parquet"
    ex.write(ex.stats_rows(hand_checkable_stats()), ex.STATS_COLUMNS, "parquet", path)
    rows = (
        duckdb.connect()
        .execute(
            f"SELECT window_size, forwarded, opt_outs, final FROM '{path}' "
            "WHERE campaign_id = 'spring-sale' AND message_type = 'promotion' ORDER BY window_size"
        )
        .fetchall()
    )
    assert rows == [("DAY", 1000, 12, True), ("HOUR", 1000, 12, True)]

"""`consent-gate report` and `consent-gate export` on the real broker: consent.stats rows and
consent events produced here (transactions, one aborted; a record that is no Avro) with figures
checkable by hand; the report's text, its HTML page in a real headless chromium (Playwright), and
the exports read back with pyarrow and DuckDB."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from confluent_kafka import Producer

from streams.analytics.pseudonym import pseudonym
from streams.kafka.runner import settings_env
from streams.models.contract import Contract, RecordName
from streams.settings import Settings
from tests.analytics_data import T0, consent_event, hand_checkable_stats, stats_key, stats_row
from tests.fault.harness import create_topics
from tests.harness_common import AvroCodec
from tests.integration.conftest import gate_settings

CHROMIUM = "/usr/bin/chromium"
KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def analyst(kafka_bootstrap: str, tmp_path: Path) -> Settings:
    """Settings with their own consent.events (3 partitions) and consent.stats (2) topics."""
    settings = gate_settings(kafka_bootstrap, tmp_path)
    create_topics(kafka_bootstrap, {settings.events_topic: 3, settings.stats_topic: 2})
    return settings


def produce(
    settings: Settings, topic: str, records: Iterable[tuple[bytes, bytes]], commit: bool = True
) -> None:
    """Produce (key, value) pairs in one Kafka transaction, committed or aborted."""
    producer = Producer(
        {
            "bootstrap.servers": settings.bootstrap_servers,
            "transactional.id": f"report-test-{uuid.uuid4().hex[:8]}",
            "log_level": 0,
        }
    )
    producer.init_transactions(30)
    producer.begin_transaction()
    for key, value in records:
        producer.produce(topic, value=value, key=key)
    if commit:
        producer.commit_transaction(30)
    else:
        producer.flush(30)
        producer.abort_transaction(30)


def encoded(contract: Contract, record: RecordName, datum: dict[str, Any]) -> bytes:
    """The project's encoding, checked to read back the same with Apache avro."""
    value = contract.encode(record, datum)
    assert AvroCodec().decode(value, record.value) == datum
    return value


def cli(
    settings: Settings, tmp_path: Path, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "streams.cli", *args],
        env={**os.environ, **settings_env(settings), "COLUMNS": "200", **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result


def cells(text: str, first: str) -> list[str]:
    line = next(x for x in text.splitlines() if x.startswith(f"│ {first}"))
    return [c.strip() for c in line.strip("│").split("│")]


def test_report_from_stats_prints_the_figures_and_draws_the_charts(
    analyst: Settings, contract: Contract, tmp_path: Path
) -> None:
    s = analyst
    rows = hand_checkable_stats()
    produce(
        s,
        s.stats_topic,
        [(stats_key(r), encoded(contract, RecordName.CONSENT_STATS, r)) for r in rows],
    )
    # An aborted transaction's row is never read, even a final one coming last.
    bogus = stats_row("spring-sale", "SMS", "promotion", forwarded=999_999, opt_outs=1)
    produce(
        s,
        s.stats_topic,
        [(stats_key(bogus), contract.encode(RecordName.CONSENT_STATS, bogus))],
        commit=False,
    )
    produce(s, s.stats_topic, [(b"junk", b"not avro at all")])

    result = cli(s, tmp_path, "report", "--html", "report.html")
    out = result.stdout
    assert "RUNNING figures: 1 of 3 windows are not final yet" in out
    assert cells(out, "spring-sale │ promotion") == [
        "spring-sale",
        "promotion",
        "1,000",
        "40",
        "12",
        "1",
        "1.2 %",
        "too many messages (5), not relevant (3)",
        "2.00 USD",
    ]
    assert cells(out, "weekly-news")[2:7] == ["400", "4", "2", "0", "0.5 %"]
    assert cells(out, "total")[2:7] == ["1,600", "54", "15", "1", "0.9 %"]
    assert "1 record(s) of" in result.stderr and "could not be read" in result.stderr

    hourly = cli(s, tmp_path, "report", "--window", "hour", "--campaign", "spring-sale").stdout
    assert "Hourly windows for campaign spring-sale" in hourly and "final figures" in hourly
    assert cells(hourly, "spring-sale")[2:7] == ["1,000", "0", "12", "0", "1.2 %"]

    page = tmp_path / "report.html"
    assert page.stat().st_size < 300_000
    drawn = open_in_chromium(page)
    assert drawn["rate"] >= 2 and drawn["reasons"] >= 2 and drawn["channels"] >= 3
    html = page.read_text()
    assert "spring-sale" in html and "too many messages" in html and "WHATSAPP" in html


def open_in_chromium(page: Path) -> dict[str, int]:
    """Open ``page`` in headless chromium; check it fetches nothing and logs no error, and count
    the drawn marks (bars and lines with a non-empty box on screen) of each chart."""
    from playwright.sync_api import sync_playwright

    assert os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is missing: run scripts/setup"
    url = page.resolve().as_uri()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            tab = browser.new_page(viewport={"width": 1200, "height": 900})
            errors: list[str] = []
            requests: list[str] = []
            tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            tab.on("pageerror", lambda e: errors.append(str(e)))
            tab.on("request", lambda r: requests.append(r.url))
            tab.goto(url, wait_until="load")
            drawn = {}
            for chart in ("rate", "reasons", "channels"):
                section = tab.locator(f"#chart-{chart}")
                assert section.locator("svg").count() == 1, chart
                marks = section.locator('[id^="mark-"]')
                boxes = [marks.nth(i).bounding_box() for i in range(marks.count())]
                drawn[chart] = sum(1 for b in boxes if b and b["width"] > 0 and b["height"] > 0)
            assert tab.locator("#figures table tbody tr").count() >= 3
        finally:
            browser.close()
    assert errors == []
    assert requests == [url]  # the page itself, nothing else
    return drawn


def test_report_from_events_alone_and_the_exports(
    analyst: Settings, contract: Contract, tmp_path: Path
) -> None:
    """No consent.stats rows yet: the report counts opt-outs from the events (12 STOPs attributed
    to spring-sale, one redelivered); the exports are typed tables with pseudonymised ids."""
    s = analyst
    events = [
        consent_event(f"+1555010{i:04d}", "SMS", at=T0 + i, campaign="spring-sale",
                      message_type="promotion", reason="too many messages" if i < 5 else None)
        for i in range(12)
    ]  # fmt: skip
    events.append(consent_event("+15550100003", "SMS", "OPTED_IN", at=T0 + 100))
    records = [
        (e["contact_id"].encode(), encoded(contract, RecordName.CONSENT_EVENT, e)) for e in events
    ]
    produce(s, s.events_topic, [*records, records[0]])  # the first one redelivered

    out = cli(s, tmp_path, "report").stdout
    assert "No consent.stats rows: opt-outs, opt-ins and reasons from consent.events only" in out
    assert cells(out, "spring-sale")[2:8] == [
        "n/a",
        "n/a",
        "12",
        "0",
        "n/a",
        "too many messages (5)",
    ]

    env = {"CONSENT_GATE_PSEUDONYMISE_KEY": KEY}
    done = cli(s, tmp_path, "export", "events", "--format", "parquet", **env)
    assert "wrote 13 row(s) to consent-events.parquet (contact ids pseudonymised)" in done.stderr
    table = pq.read_table(tmp_path / "consent-events.parquet")
    assert table.num_rows == 13
    assert table.schema.field("occurred_at").type == pa.timestamp("ms", tz="UTC")
    ids = set(table.column("contact_id").to_pylist())
    assert pseudonym(KEY.encode(), "+15550100003") in ids and "+15550100003" not in ids

    cli(s, tmp_path, "export", "events", "--format", "csv", "--output", "e.csv", "--since",
        "2026-05-04T00:00:00.010Z")  # fmt: skip
    rate = (
        duckdb.connect()
        .execute(
            f"SELECT type, count(*) FROM read_csv('{tmp_path / 'e.csv'}') GROUP BY 1 ORDER BY 1"
        )
        .fetchall()
    )
    assert rate == [("OPTED_IN", 1), ("OPTED_OUT", 2)]  # since T0 + 10 ms

"""`consent-gate report` and `consent-gate export` on the real broker: consent.stats rows and
consent events produced here (transactions, one aborted; a record that is no Avro) with figures
checkable by hand; the report's text, its HTML page in a real headless chromium (Playwright), and
the exports read back with pyarrow and DuckDB."""

from __future__ import annotations

import csv
import io
import json
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

from devtools.runner import settings_env
from streams.analytics.pseudonym import pseudonym
from streams.models.contract import Contract, RecordName
from streams.settings import Settings
from tests.analytics_data import DAY, T0, consent_event, hand_checkable_stats, stats_key, stats_row
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
    # 40 opt-outs imported from an old list (dated 2025) and one STOP with no campaign: apart,
    # outside the rates and the total, the imports at their own time.
    imported = [
        {**consent_event(f"+1555020{i:04d}", "SMS", at=T0 - 400 * DAY + i, reason="old list"),
         "source": "IMPORT"}
        for i in range(40)
    ]  # fmt: skip
    stray = consent_event("+15550300000", "SMS", at=T0 + 5, reason="rude")
    produce(
        s,
        s.events_topic,
        [(e["contact_id"].encode(), encoded(contract, RecordName.CONSENT_EVENT, e))
         for e in [*imported, stray]],
    )  # fmt: skip

    result = cli(s, tmp_path, "report", "--html", "report.html", COLUMNS="")
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
    assert cells(out, "(imported)")[4:7] == ["40", "0", "-"]
    assert "Imported opt-outs (40, dated 2025-03-30 00:00 to 2025-03-30 00:00 UTC)" in out
    assert cells(out, "promotion   ")[:5] == ["promotion", "1,000", "40", "12", "1.2 %"]
    assert cells(out, "newsletter  ")[:5] == ["newsletter", "600", "14", "3", "0.5 %"]
    assert "…" not in out  # piped, not a terminal: full width without COLUMNS
    assert "1 record(s) of" in result.stderr and "could not be read" in result.stderr

    as_json = json.loads(cli(s, tmp_path, "report", "--format", "json").stdout)
    assert as_json["total"]["unsubscribe_rate"] == pytest.approx(15 / 1600)
    assert as_json["imported"]["opt_outs"] == 40
    as_csv = list(csv.DictReader(io.StringIO(cli(s, tmp_path, "report", "--format", "csv").stdout)))
    by_type = {r["message_type"]: r for r in as_csv if r["section"] == "message_type"}
    assert (by_type["newsletter"]["forwarded"], by_type["newsletter"]["opt_outs"]) == ("600", "3")

    hourly = cli(s, tmp_path, "report", "--window", "hour", "--campaign", "spring-sale").stdout
    assert "Hourly windows for campaign spring-sale" in hourly and "final figures" in hourly
    assert cells(hourly, "spring-sale")[2:7] == ["1,000", "0", "12", "0", "1.2 %"]

    page = tmp_path / "report.html"
    assert page.stat().st_size < 300_000
    drawn = open_in_chromium(page)
    assert drawn["rate"] >= 2 and drawn["reasons"] >= 2 and drawn["time"] >= 3
    # Which message types make people leave: promotion 12 / 1,000 = 1.2 %, newsletter
    # (1 + 2) / (200 + 400) = 0.5 %, bars as long as their rates.
    types = drawn["type"]
    assert set(types) == {"promotion", "newsletter"}
    assert types["promotion"]["text"] == "1.2 %  (12 / 1,000)"
    assert types["newsletter"]["text"] == "0.5 %  (3 / 600)"
    ratio = types["promotion"]["width"] / types["newsletter"]["width"]
    assert ratio == pytest.approx(1.2 / 0.5, rel=0.02)
    assert drawn["imported-reasons"] == 1  # the 40 imported "old list" apart
    html = page.read_text()
    assert "spring-sale" in html and "too many messages" in html and "WHATSAPP" in html

    # A page or a table that cannot be written: one sentence, exit code 2, before any reading.
    (tmp_path / "a-file").write_text("")
    for args in (["report", "--html", "a-file/r.html"], ["export", "stats", "--output",
                                                         "a-file/s.parquet"]):  # fmt: skip
        bad = subprocess.run(
            [sys.executable, "-m", "streams.cli", *args],
            env={**os.environ, **settings_env(s)},
            cwd=tmp_path, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert bad.returncode == 2 and bad.stderr.count("\n") == 1, bad.stderr
        assert "a-file is a file, not a folder" in bad.stderr and bad.stdout == ""


def open_in_chromium(page: Path) -> dict[str, Any]:
    """Open ``page`` in headless chromium; check it fetches nothing and logs no error, and count
    the drawn marks (bars and lines with a non-empty box on screen) of each chart; for the chart
    per message type, each bar's width on screen and the label drawn at its end, by type."""
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
            drawn: dict[str, Any] = {}
            for chart in ("rate", "channel", "reasons", "imported-reasons", "time"):
                section = tab.locator(f"#chart-{chart}")
                assert section.locator("svg").count() == 1, chart
                marks = section.locator('[id^="mark-"]')
                boxes = [marks.nth(i).bounding_box() for i in range(marks.count())]
                drawn[chart] = sum(1 for b in boxes if b and b["width"] > 0 and b["height"] > 0)
            drawn["type"] = type_bars(tab)
            assert tab.locator("#figures table tbody tr").count() >= 3
        finally:
            browser.close()
    assert errors == []
    assert requests == [url]  # the page itself, nothing else
    return drawn


def type_bars(tab: Any) -> dict[str, dict[str, Any]]:
    """The bars of the chart per message type as the browser lays them out: for each bar, the
    y-axis label level with it and the value label at its end (texts of the SVG, in page
    coordinates)."""
    section = tab.locator("#chart-type")
    bars = section.locator('[id^="mark-type-"]')
    texts = section.locator("text")
    labels = []
    for i in range(texts.count()):
        box = texts.nth(i).bounding_box()
        if box:
            labels.append((texts.nth(i).text_content() or "", box))
    out = {}
    for i in range(bars.count()):
        bar = bars.nth(i).bounding_box()
        assert bar and bar["width"] > 0 and bar["height"] > 0
        middle = bar["y"] + bar["height"] / 2
        level = [(t, b) for t, b in labels if b["y"] <= middle <= b["y"] + b["height"]]
        name = next(t for t, b in level if b["x"] + b["width"] <= bar["x"] + 1)
        value = next(t for t, b in level if b["x"] >= bar["x"] + bar["width"] - 1)
        out[name.strip()] = {"width": bar["width"], "text": value.strip()}
    return out


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

"""The report's arithmetic and text, from consent.stats rows and from consent events alone."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from rich.console import Console

from streams.analytics.report import (
    latest_stats,
    parse_since,
    render,
    report_from_events,
    report_from_stats,
    status_line,
)
from tests.analytics_data import DAY, T0, consent_event, hand_checkable_stats, stats_row


def text_of(report: object) -> str:
    buf = io.StringIO()
    render(report, Console(file=buf, width=200))  # type: ignore[arg-type]
    return buf.getvalue()


def cells(text: str, first: str) -> list[str]:
    line = next(x for x in text.splitlines() if x.startswith(f"│ {first}"))
    return [c.strip() for c in line.strip("│").split("│")]


def test_a_final_row_replaces_the_running_one_and_is_never_replaced_by_one() -> None:
    running = stats_row("c", "SMS", "promo", forwarded=5, final=False)
    final = stats_row("c", "SMS", "promo", forwarded=10)
    late_running = stats_row("c", "SMS", "promo", forwarded=7, final=False)
    assert latest_stats([running, final, late_running]) == [final]
    assert latest_stats([running, late_running]) == [late_running]


def test_figures_per_campaign_and_message_type_can_be_checked_by_hand() -> None:
    report = report_from_stats(hand_checkable_stats(), "day")
    by = {(x.campaign, x.message_type): x for x in report.lines}
    promo = by["spring-sale", "promotion"]
    assert (promo.forwarded, promo.suppressed, promo.opt_outs, promo.opt_ins) == (1000, 40, 12, 1)
    assert promo.rate == pytest.approx(0.012)
    assert promo.cost_saved == {"USD": pytest.approx(2.0)}
    news = by["spring-sale", "newsletter"]
    assert news.rate == pytest.approx(0.005) and news.cost_saved == {"USD": pytest.approx(0.1)}
    total = report.total
    assert (total.forwarded, total.opt_outs) == (1600, 15)
    assert total.rate == pytest.approx(15 / 1600)
    assert total.reasons["not relevant"] == 4
    assert report.windows == 3 and report.not_final == 1 and not report.final
    assert report.over_time["SMS"] == {T0: 12}  # opt-outs per window and channel
    assert report.over_time["WHATSAPP"] == {T0 + DAY: 2}

    text = text_of(report)
    assert "RUNNING figures: 1 of 3 windows are not final yet" in text
    assert cells(text, "spring-sale │ promotion") == [
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
    assert cells(text, "  ")[1:3] == ["all types", "1,200"]  # the campaign's subtotal
    assert cells(text, "total")[2:7] == ["1,600", "54", "15", "1", "0.9 %"]


def test_hourly_windows_campaign_and_since_select_rows() -> None:
    rows = hand_checkable_stats()
    hourly = report_from_stats(rows, "hour")
    assert [(x.forwarded, x.opt_outs) for x in hourly.lines] == [(1000, 12)]
    weekly = report_from_stats(rows, "day", campaign="weekly-news")
    assert [x.campaign for x in weekly.lines] == ["weekly-news"]
    later = report_from_stats(rows, "day", since_ms=T0 + DAY)  # windows ending after it
    assert [x.campaign for x in later.lines] == ["weekly-news"]


def test_final_figures_are_said_to_be_final() -> None:
    report = report_from_stats(hand_checkable_stats()[:3], "day")
    assert report.final
    assert status_line(report) == (
        "Daily windows, 2026-05-04 00:00 to 2026-05-05 00:00 UTC: final figures."
    )


def test_nothing_forwarded_has_no_rate_and_no_rows_say_so() -> None:
    report = report_from_stats([stats_row(None, "SMS", None, opt_outs=2)], "day")
    assert report.lines[0].rate is None
    assert cells(text_of(report), "(no campaign)")[6] == "-"
    assert "No consent.stats rows of daily windows" in status_line(report_from_stats([], "day"))


def test_from_events_alone_counts_each_event_once() -> None:
    events = [
        consent_event("a", "SMS", campaign="spring", message_type="promo", reason="too many"),
        consent_event("a", "SMS", campaign="spring", message_type="promo", reason="too many"),
        consent_event("b", "EMAIL", campaign="spring", message_type="promo", at=T0 + 5),
        consent_event("b", "EMAIL", "OPTED_IN", campaign="spring", message_type="promo", at=T0 + 9),
        consent_event("c", "SMS", "POSSIBLE_OPT_OUT"),
        consent_event("d", "SMS", at=T0 - DAY),
    ]
    report = report_from_events(events, "day", since_ms=T0)
    [line] = report.lines
    assert (line.opt_outs, line.opt_ins, dict(line.reasons)) == (2, 1, {"too many": 1})
    assert report.over_time == {"EMAIL": {T0: 1}, "SMS": {T0: 1}}
    text = text_of(report)
    assert "No consent.stats rows: opt-outs, opt-ins and reasons from consent.events only" in text
    assert cells(text, "spring")[2:7] == ["n/a", "n/a", "2", "1", "n/a"]


def test_since_takes_iso_times_and_spans() -> None:
    assert parse_since("2026-05-04") == T0
    assert parse_since("2026-05-04T02:00+02:00") == T0
    now = datetime(2026, 5, 11, tzinfo=UTC)
    assert parse_since("7d", now) == T0
    assert parse_since("24h", now) == T0 + 6 * DAY
    with pytest.raises(ValueError, match="is not a time"):
        parse_since("last tuesday")


def imported(contact: str, at: int, reason: str | None = None) -> dict[str, object]:
    """An opt-out imported from a suppression list: source IMPORT, at the row's own time."""
    return {**consent_event(contact, "SMS", at=at, reason=reason), "source": "IMPORT"}


def test_the_total_rate_is_of_the_campaigns_and_imports_and_no_campaign_are_apart() -> None:
    """The total read 10,000,600.0 %: every opt-out (200k imported ones, no campaign) divided by
    the campaign messages forwarded."""
    rows = [
        stats_row("spring", "SMS", "promotion", forwarded=1000, opt_outs=10),
        stats_row(None, "SMS", None, opt_outs=7, reasons={"rude": 7}),  # a STOP, no campaign
    ]
    events = [imported(f"old-{i}", T0 - 400 * DAY + i, "old list") for i in range(200)]
    events.append(events[0])  # re-imported: counted once
    report = report_from_stats(rows, "day", events=events)
    assert (report.total.opt_outs, report.total.forwarded) == (10, 1000)
    assert report.total.rate == pytest.approx(0.01)
    assert report.no_campaign.opt_outs == 7
    assert report.imported is not None and report.imported.opt_outs == 200
    assert report.reasons() == {"rude": 7} and report.imported_reasons() == {"old list": 200}
    text = text_of(report)
    assert cells(text, "total")[2:7] == ["1,000", "0", "10", "0", "1.0 %"]
    assert cells(text, "(no campaign)")[4:7] == ["7", "0", "-"]
    assert cells(text, "(imported)")[4:7] == ["200", "0", "-"]
    assert "outside the rates" in text and "counted at their own time" in text


def test_imports_count_at_their_own_time_not_the_import_s() -> None:
    """Imported opt-outs dated 2025 were counted as today's (the import's Kafka time)."""
    events = [
        imported("a", T0 - 400 * DAY),
        imported("b", T0 + 3),
        consent_event("c", "SMS", at=T0 + 5, campaign="spring", message_type="promo"),
    ]
    today = report_from_events(events, "day", since_ms=T0)
    assert today.imported is not None and today.imported.opt_outs == 1
    assert (today.imported_first_ms, today.imported_last_ms) == (T0 + 3, T0 + 3)
    assert today.over_time == {"SMS": {T0: 1}}  # the STOP only: imports are not in the time table
    assert [x.opt_outs for x in today.lines] == [1]
    ever = report_from_events(events, "day")
    assert ever.imported is not None and ever.imported.opt_outs == 2


def test_rates_per_message_type_and_per_channel_can_be_checked_by_hand() -> None:
    report = report_from_stats(hand_checkable_stats(), "day")
    types = {x.message_type: (x.forwarded, x.opt_outs) for x in report.message_types()}
    assert types == {"promotion": (1000, 12), "newsletter": (600, 3)}
    channels = {x.channel: (x.forwarded, x.opt_outs) for x in report.channels()}
    assert channels == {"EMAIL": (200, 1), "SMS": (1000, 12), "WHATSAPP": (400, 2)}
    assert [x.rate for x in report.channels()] == pytest.approx([0.005, 0.012, 0.005])
    text = text_of(report)
    assert cells(text, "newsletter   │")[:5] == ["newsletter", "600", "14", "3", "0.5 %"]
    assert cells(text, "WHATSAPP")[:5] == ["WHATSAPP", "400", "4", "2", "0.5 %"]


def test_json_and_csv_carry_the_same_figures() -> None:
    import csv
    import io as _io
    import json

    from streams.analytics.report import CSV_COLUMNS, report_data, report_rows

    events = [imported("a", T0 - DAY, "old list")]
    report = report_from_stats(hand_checkable_stats(), "day", events=events)
    data = json.loads(json.dumps(report_data(report)))
    assert data["total"]["unsubscribe_rate"] == pytest.approx(15 / 1600)
    assert data["imported"] == {
        "opt_outs": 1,
        "reasons": {"old list": 1},
        "first_at": "2026-05-03T00:00:00Z",
        "last_at": "2026-05-03T00:00:00Z",
    }
    promo = next(x for x in data["message_types"] if x["message_type"] == "promotion")
    assert (promo["forwarded"], promo["opt_outs"]) == (1000, 12)
    assert data["no_campaign"]["unsubscribe_rate"] is None
    assert {"window_start": "2026-05-05T00:00:00Z", "channel": "WHATSAPP", "opt_outs": 2} in data[
        "opt_outs_over_time"
    ]

    buf = _io.StringIO()
    writer = csv.DictWriter(buf, CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(report_rows(report))
    back = list(csv.DictReader(_io.StringIO(buf.getvalue())))
    total = next(r for r in back if r["section"] == "total")
    assert (total["forwarded"], total["opt_outs"]) == ("1600", "15")
    assert float(total["unsubscribe_rate"]) == pytest.approx(15 / 1600)
    kinds = {r["section"] for r in back}
    assert {"campaign", "message_type", "channel", "imported", "over_time", "reason"} <= kinds
    assert next(r for r in back if r["section"] == "imported_reason")["reason"] == "old list"


def test_the_text_report_is_not_cut_when_it_does_not_go_to_a_terminal() -> None:
    """Piped to a file, the text was cut to 80 columns ("200,0…")."""
    import subprocess
    import sys

    code = (
        "from streams.analytics.run import stdout_console\n"
        "from streams.analytics.report import render, report_from_stats\n"
        "from tests.analytics_data import hand_checkable_stats\n"
        "render(report_from_stats(hand_checkable_stats(), 'day'), stdout_console())\n"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "COLUMNS"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert "…" not in out
    assert "too many messages (5), not relevant (3)" in out
    assert max(len(line) for line in out.splitlines()) > 80

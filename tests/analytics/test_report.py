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
    assert report.by_channel["SMS"] == {T0: 40}
    assert report.by_channel["WHATSAPP"] == {T0 + DAY: 4}

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
    assert report.by_channel == {"EMAIL": {T0: 1}, "SMS": {T0: 1}}
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

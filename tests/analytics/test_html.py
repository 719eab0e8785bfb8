"""The HTML page is self-contained (drawn in a real browser by
tests/integration/test_reports_on_broker.py)."""

from __future__ import annotations

import re

from streams.analytics.html import render_html
from streams.analytics.report import report_from_events, report_from_stats
from tests.analytics_data import DAY, T0, consent_event, hand_checkable_stats, stats_row


def test_the_page_inlines_its_charts_and_fetches_nothing() -> None:
    page = render_html(report_from_stats(hand_checkable_stats(), "day"), T0)
    assert page.count("<svg") == 5 and "<script" not in page
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page)
    assert "default-src 'none'" in page  # the browser refuses any fetch
    assert len(re.findall(r'id="mark-rate-\d+"', page)) == 2  # spring-sale, weekly-news
    assert "1.1 %  (13 / 1,200)" in page  # spring-sale: both message types
    assert "RUNNING figures" in page


def test_pages_without_stats_or_without_anything_still_render() -> None:
    events = [consent_event("a", "SMS", campaign="spring", reason="too many")]
    page = render_html(report_from_events(events, "day"), T0)
    assert "Opt-outs per campaign (no consent.stats yet: no rate)" in page
    assert 'id="mark-type-0"' in page and 'id="mark-rsn-0"' in page
    assert 'id="mark-rate-0"' in page
    empty = render_html(report_from_stats([], "hour"), T0)
    assert "nothing forwarded in this period" in empty and 'id="mark-' not in empty


def chart(page: str, name: str) -> str:
    """The SVG of one chart section of the page."""
    start = page.index(f'<section class="chart" id="chart-{name}">')
    return page[start : page.index("</section>", start)]


def test_the_rate_per_message_type_is_drawn_from_the_campaigns() -> None:
    """promotion: 12 opt-outs of 1,000 forwarded; newsletter: 1 + 2 of 200 + 400."""
    page = render_html(report_from_stats(hand_checkable_stats(), "day"), T0)
    types = chart(page, "type")
    assert "Unsubscribe rate per message type" in types
    assert len(re.findall(r'id="mark-type-\d+"', types)) == 2
    assert "1.2 %  (12 / 1,000)" in types and "0.5 %  (3 / 600)" in types
    channels = chart(page, "channel")
    assert "0.5 %  (2 / 400)" in channels and len(re.findall(r'id="mark-chan-\d+"', channels)) == 3


def test_one_day_is_one_bar_with_its_count_on_whole_number_steps() -> None:
    """The daily chart drew one day as a bar from 00:00 to 19:15 on an hourly axis, with steps
    of 0.2 for whole counts and no value labels."""
    rows = [stats_row("c", "SMS", "promo", forwarded=100, opt_outs=3)]
    times = chart(render_html(report_from_stats(rows, "day"), T0), "time")
    assert len(re.findall(r'id="mark-time-\d+-\d+"', times)) == 1
    assert "2026-05-04" in times and ":00<" not in times  # a day label, no hours
    ticks = re.findall(r">(-?\d+(?:\.\d+)?)</text>", times)
    assert ticks and all("." not in t for t in ticks)  # whole numbers only
    assert ">3</text>" in times  # the bar's own count


def test_imported_reasons_are_charted_apart() -> None:
    events = [consent_event("c1", "SMS", at=T0 + 1, campaign="c", reason="rude")]
    for i in range(50):
        imported = consent_event(f"i{i}", "SMS", at=T0 - 400 * DAY, reason="old list")
        events.append({**imported, "source": "IMPORT"})
    page = render_html(report_from_events(events, "day"), T0)
    assert "old list" not in chart(page, "reasons") and "rude" in chart(page, "reasons")
    assert "old list" in chart(page, "imported-reasons")
    assert len(re.findall(r'id="mark-time-\d+-\d+"', chart(page, "time"))) == 1  # not 2025

"""The HTML page is self-contained (drawn in a real browser by
tests/integration/test_reports_on_broker.py)."""

from __future__ import annotations

import re

from streams.analytics.html import render_html
from streams.analytics.report import report_from_events, report_from_stats
from tests.analytics_data import T0, consent_event, hand_checkable_stats


def test_the_page_inlines_its_charts_and_fetches_nothing() -> None:
    page = render_html(report_from_stats(hand_checkable_stats(), "day"), T0)
    assert page.count("<svg") == 3 and "<script" not in page
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page)
    assert "default-src 'none'" in page  # the browser refuses any fetch
    assert len(re.findall(r'id="mark-rate-\d+"', page)) == 2  # spring-sale, weekly-news
    assert "1.1 %  (13 / 1,200)" in page  # spring-sale: both message types
    assert "RUNNING figures" in page


def test_pages_without_stats_or_without_anything_still_render() -> None:
    events = [consent_event("a", "SMS", campaign="spring", reason="too many")]
    page = render_html(report_from_events(events, "day"), T0)
    assert "Opt-outs per campaign (no consent.stats yet: no rate)" in page
    assert 'id="mark-rate-0"' in page and 'id="mark-rsn-0"' in page
    empty = render_html(report_from_stats([], "hour"), T0)
    assert "nothing forwarded in this period" in empty and 'id="mark-' not in empty

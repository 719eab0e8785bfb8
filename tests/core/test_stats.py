"""Windows, closing, and the figures of a statistics row."""

from __future__ import annotations

from collections import Counter

from streams.core.stats import (
    DAY_MS,
    HOUR_MS,
    Counts,
    StatsKey,
    Window,
    closed_through,
    from_record,
    keys_for,
    stats_record,
)

T = 1_700_000_000_000  # 2023-11-14T22:13:20Z


def test_an_input_counts_in_its_hour_and_its_day() -> None:
    hour, day = keys_for(T, "spring", "SMS", "promotion")
    assert (hour.window, hour.start_ms, hour.end_ms) == (
        Window.HOUR,
        T - T % HOUR_MS,
        T - T % HOUR_MS + HOUR_MS,
    )
    assert (day.window, day.start_ms % DAY_MS, day.end_ms - day.start_ms) == (Window.DAY, 0, DAY_MS)
    assert hour.text() == f"HOUR|{hour.start_ms}|spring|SMS|promotion"
    assert StatsKey(Window.DAY, 0, None, "SMS", None).text() == "DAY|0||SMS|"


def test_a_window_closes_once_the_low_watermark_passes_its_end_plus_grace() -> None:
    end = 10 * HOUR_MS
    assert closed_through(end + 300_000, 300_000) == end
    assert closed_through(end + 299_999, 300_000) == end - HOUR_MS
    assert closed_through(end, 0) == end


def test_rate_and_cost_saved_by_hand() -> None:
    key = keys_for(T, "spring", "SMS", "promotion")[0]
    counts = Counts(
        forwarded=1000, suppressed=5, opt_outs=12, reasons=Counter({"b": 1, "a": 2, "c": 2})
    )
    row = stats_record(key, counts, unit_price=0.0079, currency="USD", final=True, emitted_at_ms=1)
    assert row["unsubscribe_rate"] == 0.012
    assert row["cost_saved"] == 0.0395
    assert row["reasons"] == [
        {"reason": "a", "count": 2},
        {"reason": "c", "count": 2},
        {"reason": "b", "count": 1},
    ]
    assert from_record(row) == (key, counts)
    empty = stats_record(
        key, Counts(opt_outs=1), unit_price=0, currency="USD", final=False, emitted_at_ms=1
    )
    assert empty["unsubscribe_rate"] is None

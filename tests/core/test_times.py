"""Times as people and scripts write them (streams.core.times)."""

from __future__ import annotations

import pytest

from streams.core.times import parse_instant


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("1795651200000", 1_795_651_200_000),
        (" -5 ", -5),
        ("2026-11-26T00:00:00Z", 1_795_651_200_000),
        ("2026-11-26", 1_795_651_200_000),  # a date: its midnight, UTC
        ("2026-11-26T01:00:00+01:00", 1_795_651_200_000),
        ("2026-11-26T00:00:00.250", 1_795_651_200_250),
    ],
)
def test_epoch_ms_and_iso_8601_utc_unless_an_offset_is_given(text: str, ms: int) -> None:
    assert parse_instant(text) == ms


def test_anything_else_says_what_is_accepted() -> None:
    with pytest.raises(ValueError, match="neither epoch milliseconds nor an ISO 8601 time"):
        parse_instant("yesterday")

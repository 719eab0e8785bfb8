"""Times as people and scripts write them. Pure."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_instant(text: str) -> int:
    """Epoch milliseconds from epoch milliseconds or an ISO 8601 date or time (UTC unless it
    gives an offset; ``Z`` accepted); ValueError saying what is accepted otherwise."""
    value = text.strip()
    if value.lstrip("-").isdigit():
        return int(value)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"{text!r} is neither epoch milliseconds nor an ISO 8601 time "
            "(e.g. 2026-05-01T10:00:00Z; UTC unless an offset is given)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)

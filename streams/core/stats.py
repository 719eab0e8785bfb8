"""Live statistics: tumbling event-time windows per campaign x channel x message type. Pure.

What is counted (by the event time of the input, its Kafka timestamp):

* a CAMPAIGN message forwarded or suppressed: in the windows of its send request, under its own
  campaign id and message type;
* a change to opted out or to opted in (a repeated STOP is no change and is not counted): in the
  windows of the reply, click or command, under the campaign it is attributed to
  (``streams.core.attribution``; no campaign when attribution is NONE), with its feedback reason;
  an imported opt-out is not counted (:func:`counted`).

The unsubscribe rate is opt-outs / forwarded campaign messages of the same key and window; the cost
saved is suppressed x the channel's unit price.

When is a window final? Once event time has passed ``window end + grace`` on every input, i.e. the
gate's low watermark (``streams.core.ordering``) is there and everything up to it is decided:
:func:`closed_through` gives the latest window end that is closed for a given low watermark.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS


class Window(StrEnum):
    HOUR = "HOUR"
    DAY = "DAY"


WINDOW_MS = {Window.HOUR: HOUR_MS, Window.DAY: DAY_MS}


@dataclass(frozen=True, slots=True)
class StatsKey:
    """One row of the statistics: a window (kind and start, UTC) and campaign x channel x type."""

    window: Window
    start_ms: int
    campaign_id: str | None
    channel: str
    message_type: str | None

    @property
    def end_ms(self) -> int:
        return self.start_ms + WINDOW_MS[self.window]

    def text(self) -> str:
        """The record key on the stats topic: ``window|start|campaign|channel|message_type``
        (an absent campaign or message type is empty)."""
        return "|".join(
            (
                self.window.value,
                str(self.start_ms),
                self.campaign_id or "",
                self.channel,
                self.message_type or "",
            )
        )


def window_start(window: Window, timestamp_ms: int) -> int:
    """The start of the ``window`` (UTC) that ``timestamp_ms`` falls in."""
    return timestamp_ms - timestamp_ms % WINDOW_MS[window]


def hour_of(timestamp_ms: int) -> int:
    """The start of the hour of ``timestamp_ms`` (every day is whole hours: an hour's day is the
    day of its start)."""
    return timestamp_ms - timestamp_ms % HOUR_MS


def counted(source: str) -> bool:
    """Whether a change of consent from ``source`` (a ``ConsentEvent.source``) is counted in the
    windows: an imported opt-out (``IMPORT``) is not. It happened at the time the imported row
    gives (often years ago), not at the import's Kafka time, and the window of that time is long
    closed; counted at the import's time it would land in today's windows and swamp the campaign
    figures. The report counts imports apart, at their own time, from consent.events."""
    return source != "IMPORT"


def keys_for(
    timestamp_ms: int, campaign_id: str | None, channel: str, message_type: str | None
) -> tuple[StatsKey, ...]:
    """The keys (one per window kind) an input of ``timestamp_ms`` counts under."""
    return tuple(
        StatsKey(w, window_start(w, timestamp_ms), campaign_id, channel, message_type)
        for w in WINDOW_MS
    )


def closed_through(low_mark_ms: int, grace_ms: int) -> int:
    """The latest window end ``E`` (a whole hour; days end on hours too) with ``E + grace`` at or
    below ``low_mark_ms``: every window ending at or before ``E`` is final."""
    t = low_mark_ms - grace_ms
    return t - t % HOUR_MS


@dataclass(slots=True)
class Counts:
    forwarded: int = 0
    suppressed: int = 0
    opt_outs: int = 0
    opt_ins: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def inputs(self) -> int:
        return self.forwarded + self.suppressed + self.opt_outs + self.opt_ins

    def add(self, other: Counts) -> None:
        self.forwarded += other.forwarded
        self.suppressed += other.suppressed
        self.opt_outs += other.opt_outs
        self.opt_ins += other.opt_ins
        self.reasons.update(other.reasons)


def unsubscribe_rate(counts: Counts) -> float | None:
    """Opt-outs / forwarded; None when nothing was forwarded."""
    return counts.opt_outs / counts.forwarded if counts.forwarded else None


def cost_saved(counts: Counts, unit_price: float) -> float:
    return round(counts.suppressed * unit_price, 10)


def counts_record(key: StatsKey, counts: Counts) -> dict[str, Any]:
    """A ``StatsCounts`` row (schemas/stats_delta)."""
    return {
        "window": key.window.value,
        "window_start_ms": key.start_ms,
        "campaign_id": key.campaign_id,
        "channel": key.channel,
        "message_type": key.message_type,
        "forwarded": counts.forwarded,
        "suppressed": counts.suppressed,
        "opt_outs": counts.opt_outs,
        "opt_ins": counts.opt_ins,
        "reasons": [
            {"reason": r, "count": n}
            for r, n in sorted(counts.reasons.items(), key=lambda rn: (-rn[1], rn[0]))
        ],
    }


def from_record(row: Mapping[str, Any]) -> tuple[StatsKey, Counts]:
    """Key and counts of a ``StatsCounts`` or ``ConsentStats`` record."""
    key = StatsKey(
        Window(row["window"]),
        row["window_start_ms"],
        row["campaign_id"],
        row["channel"],
        row["message_type"],
    )
    counts = Counts(
        row["forwarded"],
        row["suppressed"],
        row["opt_outs"],
        row["opt_ins"],
        Counter({r["reason"]: r["count"] for r in row["reasons"]}),
    )
    return key, counts


def stats_record(
    key: StatsKey,
    counts: Counts,
    *,
    unit_price: float,
    currency: str,
    final: bool,
    emitted_at_ms: int,
) -> dict[str, Any]:
    """The ``ConsentStats`` record (schemas/consent_stats) of one key."""
    return {
        **counts_record(key, counts),
        "window_end_ms": key.end_ms,
        "unsubscribe_rate": unsubscribe_rate(counts),
        "cost_saved": cost_saved(counts, unit_price),
        "currency": currency,
        "final": final,
        "emitted_at_ms": emitted_at_ms,
    }

"""The analyst's report: figures per campaign and message type, from consent.stats rows (or, while
there are none, from consent events alone). Pure: decoded records in, a :class:`Report` out;
:func:`render` prints it. No Kafka here (``streams/analytics/reader.py`` reads the topics).

consent.stats (schemas/consent_stats/v1.avsc) holds one row per window, campaign, channel and
message type; a row with ``final=false`` is a running figure, replaced by any later row of the
same key, and the row with ``final=true`` is the window's last word. The report sums the latest
row of every key of one window size (hourly and daily windows count the same events twice over),
and recomputes the unsubscribe rate from the sums (opt-outs / forwarded), never by averaging rates.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from rich.console import Console
from rich.table import Table

Window = Literal["hour", "day"]
WINDOW_MS: dict[str, int] = {"hour": 3_600_000, "day": 86_400_000}
_ADJECTIVE = {"hour": "hourly", "day": "daily"}
#: How a campaign id of null (nothing attributed) is shown.
UNATTRIBUTED = "(no campaign)"
NO_TYPE = "(no type)"
TOP_REASONS = 3

Row = Mapping[str, Any]


# --- time --------------------------------------------------------------------------------------
_RELATIVE = re.compile(r"^(\d+)\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str, now: datetime | None = None) -> int:
    """``--since``: an ISO 8601 date or time (UTC unless it names an offset), or a span back from
    now (``90m``, ``24h``, ``7d``, ``2w``), as epoch milliseconds. ValueError says what is
    accepted."""
    value = text.strip()
    match = _RELATIVE.match(value.lower())
    if match:
        now = now or datetime.now(UTC)
        span = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
        return int((now - span).timestamp() * 1000)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"{text!r} is not a time: give an ISO 8601 date or time (2026-05-01, "
            "2026-05-01T12:00, 2026-05-01T12:00+02:00; UTC unless an offset is given) "
            "or a span back from now (90m, 24h, 7d, 2w)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def utc(ms: int) -> str:
    """Epoch milliseconds as ``2026-05-01 12:00`` (UTC)."""
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M")


# --- consent.stats: the latest row of each key --------------------------------------------------
def stats_key(row: Row) -> str:
    """The key of a consent.stats row: window|start|campaign|channel|message_type."""
    return "|".join(
        str(v if v is not None else "")
        for v in (
            row["window"],
            row["window_start_ms"],
            row["campaign_id"],
            row["channel"],
            row["message_type"],
        )
    )


def latest_stats(rows: Iterable[Row]) -> list[Row]:
    """The row standing for each key: the last one read (rows of one key share a partition, so
    they are read in the order they were written), except that a final row is never replaced by
    a running one."""
    latest: dict[str, Row] = {}
    for row in rows:
        key = stats_key(row)
        held = latest.get(key)
        if held is None or not held["final"] or row["final"]:
            latest[key] = row
    return list(latest.values())


# --- the report --------------------------------------------------------------------------------
@dataclass
class Line:
    """The figures of one campaign and message type (or a subtotal of several)."""

    campaign: str | None
    message_type: str | None
    forwarded: int = 0
    suppressed: int = 0
    opt_outs: int = 0
    opt_ins: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    cost_saved: dict[str, float] = field(default_factory=dict)  # by currency

    @property
    def rate(self) -> float | None:
        """Unsubscribe rate: opt-outs / forwarded campaign messages (None: nothing forwarded)."""
        return self.opt_outs / self.forwarded if self.forwarded else None

    def add(self, other: Line) -> None:
        self.forwarded += other.forwarded
        self.suppressed += other.suppressed
        self.opt_outs += other.opt_outs
        self.opt_ins += other.opt_ins
        self.reasons.update(other.reasons)
        for currency, amount in other.cost_saved.items():
            self.cost_saved[currency] = self.cost_saved.get(currency, 0.0) + amount


@dataclass
class Report:
    """What ``consent-gate report`` shows and charts."""

    source: Literal["stats", "events"]
    window: Window
    since_ms: int | None
    campaign: str | None
    lines: list[Line]  # per campaign and message type, sorted
    windows: int = 0  # stats rows summed (stats) / events counted (events)
    not_final: int = 0  # of them, running figures that may still change
    first_ms: int | None = None
    last_ms: int | None = None
    #: channel -> window start -> suppressed (stats) or opt-outs (events), for the time chart
    by_channel: dict[str, dict[int, int]] = field(default_factory=dict)

    @property
    def final(self) -> bool:
        return self.source == "stats" and self.not_final == 0

    @property
    def total(self) -> Line:
        total = Line(None, None)
        for line in self.lines:
            total.add(line)
        return total

    def campaigns(self) -> list[Line]:
        """One line per campaign (its message types summed)."""
        per: dict[str | None, Line] = {}
        for line in self.lines:
            per.setdefault(line.campaign, Line(line.campaign, None)).add(line)
        return list(per.values())

    @property
    def series_label(self) -> str:
        return "suppressed" if self.source == "stats" else "opt-outs"


def _sort_key(line: Line) -> tuple[bool, str, bool, str]:
    return (line.campaign is None, line.campaign or "", line.message_type is None,
            line.message_type or "")  # fmt: skip


def report_from_stats(
    rows: Iterable[Row], window: Window, since_ms: int | None = None, campaign: str | None = None
) -> Report:
    """The report over the latest consent.stats rows of ``window`` size that end after
    ``since_ms`` (and of ``campaign``, when given)."""
    wanted = window.upper()
    lines: dict[tuple[str | None, str | None], Line] = {}
    report = Report("stats", window, since_ms, campaign, [])
    by_channel: dict[str, Counter[int]] = defaultdict(Counter)
    for row in latest_stats(rows):
        if row["window"] != wanted:
            continue
        if since_ms is not None and row["window_end_ms"] <= since_ms:
            continue
        if campaign is not None and row["campaign_id"] != campaign:
            continue
        key = (row["campaign_id"], row["message_type"])
        line = lines.setdefault(key, Line(*key))
        line.forwarded += row["forwarded"]
        line.suppressed += row["suppressed"]
        line.opt_outs += row["opt_outs"]
        line.opt_ins += row["opt_ins"]
        for reason in row["reasons"]:
            line.reasons[reason["reason"]] += reason["count"]
        line.cost_saved[row["currency"]] = (
            line.cost_saved.get(row["currency"], 0.0) + row["cost_saved"]
        )
        by_channel[row["channel"]][row["window_start_ms"]] += row["suppressed"]
        report.windows += 1
        report.not_final += not row["final"]
        start, end = row["window_start_ms"], row["window_end_ms"]
        report.first_ms = start if report.first_ms is None else min(report.first_ms, start)
        report.last_ms = end if report.last_ms is None else max(report.last_ms, end)
    report.lines = sorted(lines.values(), key=_sort_key)
    report.by_channel = {ch: dict(sorted(c.items())) for ch, c in sorted(by_channel.items())}
    return report


def report_from_events(
    events: Iterable[Row], window: Window, since_ms: int | None = None, campaign: str | None = None
) -> Report:
    """The report from consent events alone (no consent.stats yet): opt-outs, opt-ins and
    feedback reasons per attributed campaign and message type; forwarded and suppressed are
    unknown. Events are counted once per event id (a redelivered input repeats its event)."""
    lines: dict[tuple[str | None, str | None], Line] = {}
    report = Report("events", window, since_ms, campaign, [])
    by_channel: dict[str, Counter[int]] = defaultdict(Counter)
    size = WINDOW_MS[window]
    seen: set[str] = set()
    for ev in events:
        if ev["type"] not in ("OPTED_OUT", "OPTED_IN") or ev["event_id"] in seen:
            continue
        seen.add(ev["event_id"])
        at = ev["occurred_at_ms"]
        if since_ms is not None and at < since_ms:
            continue
        if campaign is not None and ev["campaign_id"] != campaign:
            continue
        key = (ev["campaign_id"], ev["message_type"])
        line = lines.setdefault(key, Line(*key))
        if ev["type"] == "OPTED_OUT":
            line.opt_outs += 1
            if ev["reason"]:
                line.reasons[ev["reason"]] += 1
            by_channel[ev["channel"]][at - at % size] += 1
        else:
            line.opt_ins += 1
        report.windows += 1
        report.first_ms = at if report.first_ms is None else min(report.first_ms, at)
        report.last_ms = at if report.last_ms is None else max(report.last_ms, at)
    report.lines = sorted(lines.values(), key=_sort_key)
    report.by_channel = {ch: dict(sorted(c.items())) for ch, c in sorted(by_channel.items())}
    return report


# --- formatting --------------------------------------------------------------------------------
def fmt_rate(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.1f} %"


def fmt_money(cost: Mapping[str, float]) -> str:
    amounts = [f"{amount:,.2f} {currency}" for currency, amount in sorted(cost.items())]
    return " + ".join(amounts) if amounts else "0.00"


def fmt_reasons(reasons: Counter[str], top: int = TOP_REASONS) -> str:
    return ", ".join(f"{reason} ({n})" for reason, n in reasons.most_common(top)) or "-"


def label(campaign: str | None) -> str:
    return UNATTRIBUTED if campaign is None else campaign


def status_line(report: Report) -> str:
    """Where the figures come from and whether they are final, in one sentence."""
    scope = f" for campaign {report.campaign}" if report.campaign else ""
    if report.source == "events":
        return (
            f"No consent.stats rows{scope}: opt-outs, opt-ins and reasons from consent.events "
            f"only ({report.windows} events); forwarded, suppressed, rate and cost saved need "
            "consent.stats."
        )
    if not report.windows:
        return (
            f"No consent.stats rows of {_ADJECTIVE[report.window]} windows{scope} in this period."
        )
    assert report.first_ms is not None and report.last_ms is not None
    span = f"{utc(report.first_ms)} to {utc(report.last_ms)} UTC"
    if report.final:
        state = "final figures"
    else:
        state = (
            f"RUNNING figures: {report.not_final} of {report.windows} windows are not final "
            "yet and may still change"
        )
    return f"{_ADJECTIVE[report.window].capitalize()} windows{scope}, {span}: {state}."


def line_cells(line: Line, events_only: bool) -> tuple[str, ...]:
    """A line's figures as shown (terminal and page): forwarded, suppressed, opt-outs, opt-ins,
    rate, top reasons, cost saved; ``n/a`` for what the events alone cannot tell."""
    return (
        "n/a" if events_only else f"{line.forwarded:,}",
        "n/a" if events_only else f"{line.suppressed:,}",
        f"{line.opt_outs:,}",
        f"{line.opt_ins:,}",
        "n/a" if events_only else fmt_rate(line.rate),
        fmt_reasons(line.reasons),
        "n/a" if events_only else fmt_money(line.cost_saved),
    )


def render(report: Report, console: Console) -> None:
    """Print the report: a status line, then one table per campaign and message type."""
    events_only = report.source == "events"
    console.print(status_line(report))
    table = Table(title="Per campaign and message type", title_justify="left")
    table.add_column("campaign")
    table.add_column("message type")
    for title in ("forwarded", "suppressed", "opt-outs", "opt-ins", "unsub. rate"):
        table.add_column(title, justify="right")
    table.add_column("top reasons")
    table.add_column("cost saved", justify="right")

    def add(line: Line, campaign: str, mtype: str, style: str | None = None) -> None:
        table.add_row(campaign, mtype, *line_cells(line, events_only), style=style)

    per_campaign = {c.campaign: c for c in report.campaigns()}
    for i, line in enumerate(report.lines):
        add(line, label(line.campaign), line.message_type or NO_TYPE)
        last_of_campaign = (
            i + 1 == len(report.lines) or report.lines[i + 1].campaign != line.campaign
        )
        first = next(x for x in report.lines if x.campaign == line.campaign)
        if last_of_campaign and first is not line:  # more than one message type: a subtotal
            add(per_campaign[line.campaign], "", "all types", style="italic")
    if len(report.lines) > 1:
        table.add_section()
        add(report.total, "total", "", style="bold")
    console.print(table)

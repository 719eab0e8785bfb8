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
from collections.abc import Callable, Iterable, Iterator, Mapping
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
#: How the row of imported opt-outs is labelled.
IMPORTED = "(imported)"


@dataclass
class Line:
    """The figures of one campaign, message type and channel (or a sum of several)."""

    campaign: str | None
    message_type: str | None
    channel: str | None = None
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


def _sum(lines: Iterable[Line], campaign: str | None = None, mtype: str | None = None) -> Line:
    total = Line(campaign, mtype)
    for line in lines:
        total.add(line)
    return total


def _grouped(lines: Iterable[Line], key: Callable[[Line], str | None]) -> list[Line]:
    """``lines`` summed per ``key`` (a name; None last), in name order; each sum keeps the
    campaign, message type and channel its lines share."""
    per: dict[str | None, list[Line]] = defaultdict(list)
    for line in lines:
        per[key(line)].append(line)
    out = []
    for name in sorted(per, key=lambda k: (k is None, k or "")):
        total = _sum(per[name])
        total.campaign = _shared(per[name], lambda x: x.campaign)
        total.message_type = _shared(per[name], lambda x: x.message_type)
        total.channel = _shared(per[name], lambda x: x.channel)
        out.append(total)
    return out


def _shared(lines: list[Line], attr: Callable[[Line], str | None]) -> str | None:
    values = {attr(x) for x in lines}
    return values.pop() if len(values) == 1 else None


@dataclass
class Report:
    """What ``consent-gate report`` shows, charts and exports.

    ``cells`` are the figures per campaign x message type x channel, without imported opt-outs;
    rates are only ever computed for campaigns (a campaign id), whose opt-outs are attributed to
    the campaign messages forwarded. Opt-outs with no campaign and imported opt-outs (``imported``,
    from consent.events, counted at the time of the opt-out itself) are apart: no rate, outside
    the total."""

    source: Literal["stats", "events"]
    window: Window
    since_ms: int | None
    campaign: str | None
    cells: list[Line] = field(default_factory=list)
    windows: int = 0  # stats rows summed (stats) / events counted (events)
    not_final: int = 0  # of them, running figures that may still change
    first_ms: int | None = None
    last_ms: int | None = None
    #: channel -> window start -> opt-outs (not imported ones), for the time chart
    over_time: dict[str, dict[int, int]] = field(default_factory=dict)
    #: imported opt-outs (source IMPORT), counted at their own time; None: consent.events unread
    imported: Line | None = None
    imported_first_ms: int | None = None
    imported_last_ms: int | None = None

    @property
    def final(self) -> bool:
        return self.source == "stats" and self.not_final == 0

    @property
    def events_only(self) -> bool:
        return self.source == "events"

    @property
    def lines(self) -> list[Line]:
        """Per campaign and message type (channels summed), campaigns first, in name order."""
        per: dict[tuple[str | None, str | None], Line] = {}
        for cell in self.cells:
            key = (cell.campaign, cell.message_type)
            per.setdefault(key, Line(*key)).add(cell)
        return sorted(per.values(), key=_sort_key)

    @property
    def campaign_cells(self) -> list[Line]:
        return [c for c in self.cells if c.campaign is not None]

    @property
    def total(self) -> Line:
        """Every campaign summed: the rate is the campaigns' opt-outs / their forwarded messages
        (opt-outs with no campaign and imported ones are not in it)."""
        return _sum(self.campaign_cells)

    @property
    def no_campaign(self) -> Line:
        """What no campaign is attributed to (opt-outs whose input named no campaign, and
        campaign messages without a campaign id): outside the rates and the total."""
        return _sum((c for c in self.cells if c.campaign is None), None, None)

    def campaigns(self) -> list[Line]:
        """One line per campaign (message types and channels summed)."""
        return _grouped(self.campaign_cells, lambda x: x.campaign)

    def message_types(self) -> list[Line]:
        """One line per message type of the campaigns (campaigns and channels summed)."""
        return _grouped(self.campaign_cells, lambda x: x.message_type)

    def channels(self) -> list[Line]:
        """One line per channel of the campaigns (campaigns and message types summed)."""
        return _grouped(self.campaign_cells, lambda x: x.channel)

    def reasons(self) -> Counter[str]:
        """Feedback reasons given with opt-outs that are not imported."""
        return _sum(self.cells).reasons

    def imported_reasons(self) -> Counter[str]:
        return Counter() if self.imported is None else self.imported.reasons

    @property
    def series_label(self) -> str:
        return "opt-outs"


def _sort_key(line: Line) -> tuple[bool, str, bool, str]:
    return (line.campaign is None, line.campaign or "", line.message_type is None,
            line.message_type or "")  # fmt: skip


def _cell(
    cells: dict[tuple[str | None, str | None, str], Line],
    campaign: str | None,
    mtype: str | None,
    channel: str,
) -> Line:
    key = (campaign, mtype, channel)
    line = cells.get(key)
    if line is None:
        line = cells[key] = Line(campaign, mtype, channel)
    return line


def _changes(
    events: Iterable[Row], since_ms: int | None, campaign: str | None, *, imported: bool
) -> Iterator[Row]:
    """The opt-outs and opt-ins among ``events``, each event id once (a redelivered input
    repeats its event), imported ones (source IMPORT) or the others, that occurred at or after
    ``since_ms``, of ``campaign`` when given."""
    seen: set[str] = set()
    for ev in events:
        if ev["type"] not in ("OPTED_OUT", "OPTED_IN") or ev["event_id"] in seen:
            continue
        if (ev["source"] == "IMPORT") is not imported:
            continue
        seen.add(ev["event_id"])
        if since_ms is not None and ev["occurred_at_ms"] < since_ms:
            continue
        if campaign is not None and ev["campaign_id"] != campaign:
            continue
        yield ev


def _count_imports(
    report: Report, events: Iterable[Row], since_ms: int | None, campaign: str | None
) -> None:
    """Imported opt-outs (source IMPORT) at their own time (``occurred_at_ms``, the ``when`` of
    the imported row), each event id once, into ``report.imported``."""
    imported = Line(IMPORTED, None)
    for ev in _changes(events, since_ms, campaign, imported=True):
        if ev["type"] != "OPTED_OUT":
            continue
        at = ev["occurred_at_ms"]
        imported.opt_outs += 1
        if ev["reason"]:
            imported.reasons[ev["reason"]] += 1
        first, last = report.imported_first_ms, report.imported_last_ms
        report.imported_first_ms = at if first is None else min(first, at)
        report.imported_last_ms = at if last is None else max(last, at)
    report.imported = imported


def report_from_stats(
    rows: Iterable[Row],
    window: Window,
    since_ms: int | None = None,
    campaign: str | None = None,
    events: Iterable[Row] | None = None,
) -> Report:
    """The report over the latest consent.stats rows of ``window`` size that end after
    ``since_ms`` (and of ``campaign``, when given); imported opt-outs from ``events`` (None: not
    read)."""
    wanted = window.upper()
    cells: dict[tuple[str | None, str | None, str], Line] = {}
    report = Report("stats", window, since_ms, campaign)
    over_time: dict[str, Counter[int]] = defaultdict(Counter)
    for row in latest_stats(rows):
        if row["window"] != wanted:
            continue
        if since_ms is not None and row["window_end_ms"] <= since_ms:
            continue
        if campaign is not None and row["campaign_id"] != campaign:
            continue
        line = _cell(cells, row["campaign_id"], row["message_type"], row["channel"])
        line.forwarded += row["forwarded"]
        line.suppressed += row["suppressed"]
        line.opt_outs += row["opt_outs"]
        line.opt_ins += row["opt_ins"]
        for reason in row["reasons"]:
            line.reasons[reason["reason"]] += reason["count"]
        line.cost_saved[row["currency"]] = (
            line.cost_saved.get(row["currency"], 0.0) + row["cost_saved"]
        )
        over_time[row["channel"]][row["window_start_ms"]] += row["opt_outs"]
        report.windows += 1
        report.not_final += not row["final"]
        start, end = row["window_start_ms"], row["window_end_ms"]
        report.first_ms = start if report.first_ms is None else min(report.first_ms, start)
        report.last_ms = end if report.last_ms is None else max(report.last_ms, end)
    report.cells = sorted(cells.values(), key=lambda x: (*_sort_key(x), x.channel or ""))
    report.over_time = {ch: dict(sorted(c.items())) for ch, c in sorted(over_time.items())}
    if events is not None:
        _count_imports(report, events, since_ms, campaign)
    return report


def report_from_events(
    events: Iterable[Row], window: Window, since_ms: int | None = None, campaign: str | None = None
) -> Report:
    """The report from consent events alone (no consent.stats yet): opt-outs, opt-ins and
    feedback reasons per attributed campaign, message type and channel; forwarded and suppressed
    are unknown. Events are counted once per event id (a redelivered input repeats its event),
    at the time of the opt-out; imported ones apart."""
    events = list(events)
    cells: dict[tuple[str | None, str | None, str], Line] = {}
    report = Report("events", window, since_ms, campaign)
    over_time: dict[str, Counter[int]] = defaultdict(Counter)
    size = WINDOW_MS[window]
    for ev in _changes(events, since_ms, campaign, imported=False):
        at = ev["occurred_at_ms"]
        line = _cell(cells, ev["campaign_id"], ev["message_type"], ev["channel"])
        if ev["type"] == "OPTED_OUT":
            line.opt_outs += 1
            if ev["reason"]:
                line.reasons[ev["reason"]] += 1
            over_time[ev["channel"]][at - at % size] += 1
        else:
            line.opt_ins += 1
        report.windows += 1
        report.first_ms = at if report.first_ms is None else min(report.first_ms, at)
        report.last_ms = at if report.last_ms is None else max(report.last_ms, at)
    report.cells = sorted(cells.values(), key=lambda x: (*_sort_key(x), x.channel or ""))
    report.over_time = {ch: dict(sorted(c.items())) for ch, c in sorted(over_time.items())}
    _count_imports(report, events, since_ms, campaign)
    return report


def time_table(report: Report) -> list[tuple[int, dict[str, int]]]:
    """Opt-outs per window (start) and channel, every window from the first to the last with
    opt-outs (a window without any counts 0, so a chart shows the gap)."""
    starts = sorted({t for points in report.over_time.values() for t, n in points.items() if n})
    if not starts:
        return []
    step = WINDOW_MS[report.window]
    return [
        (t, {ch: points.get(t, 0) for ch, points in report.over_time.items()})
        for t in range(starts[0], starts[-1] + step, step)
    ]


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


def notes(report: Report) -> list[str]:
    """What the figures mean: which opt-outs the rates count, and where the imported ones are."""
    apart = f"opt-outs with no campaign ({report.no_campaign.opt_outs:,})"
    out = [
        "Rates are a campaign's opt-outs / its messages forwarded; the total is of the "
        f"campaigns only, and {apart} and imported opt-outs are listed apart, outside the rates."
    ]
    imported = report.imported
    if imported is None:
        out.append("consent.events was not read: imported opt-outs are not shown.")
    elif imported.opt_outs:
        assert report.imported_first_ms is not None and report.imported_last_ms is not None
        out.append(
            f"Imported opt-outs ({imported.opt_outs:,}, dated {utc(report.imported_first_ms)} to "
            f"{utc(report.imported_last_ms)} UTC) are counted at their own time, from "
            "consent.events; consent.stats and the time table leave them out."
        )
    else:
        out.append("No imported opt-outs in this period (they are counted at their own time).")
    return out


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


def apart_cells(line: Line) -> tuple[str, ...]:
    """The figures of a row outside the rates: opt-outs, opt-ins and reasons only."""
    return ("", "", f"{line.opt_outs:,}", f"{line.opt_ins:,}", "-", fmt_reasons(line.reasons), "")


#: The columns of the main table (terminal and page).
MAIN_HEAD = (
    "campaign",
    "message type",
    "forwarded",
    "suppressed",
    "opt-outs",
    "opt-ins",
    "unsub. rate",
    "top reasons",
    "cost saved",
)
#: The columns of the tables per message type and per channel.
GROUP_HEAD = ("forwarded", "suppressed", "opt-outs", "unsub. rate", "top reasons")


def main_rows(report: Report) -> list[tuple[str, tuple[str, ...]]]:
    """The rows of the main table, each with its kind (``line``, ``subtotal``, ``total``,
    ``apart``): campaign x message type with a subtotal per campaign of several types, the
    total of the campaigns, then the rows outside the rates."""
    na = report.events_only
    rows: list[tuple[str, tuple[str, ...]]] = []
    lines = [x for x in report.lines if x.campaign is not None]
    per_campaign = {c.campaign: c for c in report.campaigns()}
    for i, line in enumerate(lines):
        rows.append(
            ("line", (label(line.campaign), line.message_type or NO_TYPE, *line_cells(line, na)))
        )
        last = i + 1 == len(lines) or lines[i + 1].campaign != line.campaign
        first = next(x for x in lines if x.campaign == line.campaign)
        if last and first is not line:  # more than one message type: a subtotal
            rows.append(
                ("subtotal", ("", "all types", *line_cells(per_campaign[line.campaign], na)))
            )
    apart: list[tuple[str, tuple[str, ...]]] = []
    unattributed = report.no_campaign
    if any((unattributed.opt_outs, unattributed.opt_ins, unattributed.forwarded,
            unattributed.suppressed)):  # fmt: skip
        cells = line_cells(unattributed, na)
        apart.append(("apart", (UNATTRIBUTED, "outside the rates", *cells[:4], "-", *cells[5:])))
    if report.imported is not None and report.imported.opt_outs:
        apart.append(("apart", (IMPORTED, "outside the rates", *apart_cells(report.imported))))
    if len(lines) > 1 or (lines and apart):
        rows.append(("total", ("total", "campaigns", *line_cells(report.total, na))))
    return rows + apart


def group_rows(
    report: Report, lines: list[Line], name: Callable[[Line], str]
) -> list[tuple[str, ...]]:
    na = report.events_only
    out: list[tuple[str, ...]] = []
    for x in lines:
        c = line_cells(x, na)
        out.append((name(x), c[0], c[1], c[2], c[4], c[5]))
    return out


def group_tables(report: Report) -> list[tuple[str, str, list[tuple[str, ...]]]]:
    """The tables per message type and per channel of the campaigns (title, first column,
    rows), those that have rows."""
    tables = (
        ("Per message type (campaigns)", "message type", report.message_types(),
         lambda x: x.message_type or NO_TYPE),
        ("Per channel (campaigns)", "channel", report.channels(), lambda x: x.channel or "-"),
    )  # fmt: skip
    return [
        (title, first, group_rows(report, lines, name))
        for title, first, lines, name in tables
        if lines
    ]


def render(report: Report, console: Console) -> None:
    """Print the report: status, notes, the table per campaign and message type, per message
    type, per channel, opt-outs over time and the reasons."""
    console.print(status_line(report))
    for note in notes(report):
        console.print(note)
    table = Table(title="Per campaign and message type", title_justify="left")
    for i, title in enumerate(MAIN_HEAD):
        table.add_column(title, justify="left" if i in (0, 1, 7) else "right")
    kind_before = "line"
    for kind, cells in main_rows(report):
        if kind in ("total", "apart") and kind_before not in ("total", "apart"):
            table.add_section()
        style = {"subtotal": "italic", "total": "bold"}.get(kind)
        table.add_row(*cells, style=style)
        kind_before = kind
    console.print(table)
    for title, first, rows in group_tables(report):
        group = Table(title=title, title_justify="left")
        group.add_column(first)
        for i, head in enumerate(GROUP_HEAD):
            group.add_column(head, justify="left" if i == 4 else "right")
        for row in rows:
            group.add_row(*row)
        console.print(group)
    times = time_table(report)
    if times:
        channels = list(report.over_time)
        over = Table(
            title=f"Opt-outs per {report.window} (UTC, not imported ones)", title_justify="left"
        )
        over.add_column(report.window)
        for ch in channels:
            over.add_column(ch, justify="right")
        over.add_column("all", justify="right")
        for start, counts in times:
            shown = utc(start)[:10] if report.window == "day" else utc(start)
            over.add_row(
                shown, *(f"{counts[ch]:,}" for ch in channels), f"{sum(counts.values()):,}"
            )
        console.print(over)
    reasons, imported = report.reasons(), report.imported_reasons()
    if reasons or imported:
        table = Table(title="Feedback reasons (imported ones apart)", title_justify="left")
        table.add_column("reason")
        table.add_column("opt-outs", justify="right")
        table.add_column("imported", justify="right")
        for reason in sorted(
            set(reasons) | set(imported), key=lambda r: (-reasons[r], -imported[r], r)
        ):
            table.add_row(reason, f"{reasons[reason]:,}", f"{imported[reason]:,}")
        console.print(table)


# --- as data: --format json and csv ------------------------------------------------------------
def _iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    return (
        datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    )


def figures(line: Line, events_only: bool, *, rate: bool = True) -> dict[str, Any]:
    """A line's figures as numbers (None for what is unknown: forwarded, suppressed, rate and
    cost saved from the events alone; the rate of a row outside the rates)."""
    known = not events_only
    return {
        "forwarded": line.forwarded if known else None,
        "suppressed": line.suppressed if known else None,
        "opt_outs": line.opt_outs,
        "opt_ins": line.opt_ins,
        "unsubscribe_rate": line.rate if (known and rate) else None,
        "reasons": dict(line.reasons.most_common()),
        "cost_saved": dict(sorted(line.cost_saved.items())) if known else None,
    }


def report_data(report: Report) -> dict[str, Any]:
    """The whole report as JSON-ready data (``--format json``): rates as fractions, times as
    ISO 8601 UTC."""
    na = report.events_only
    imported = report.imported
    return {
        "source": "consent.stats" if report.source == "stats" else "consent.events",
        "window": report.window,
        "since": _iso(report.since_ms),
        "campaign": report.campaign,
        "status": status_line(report),
        "final": report.final,
        "notes": notes(report),
        "first_window_start": _iso(report.first_ms),
        "last_window_end": _iso(report.last_ms),
        "campaigns": [
            {"campaign": x.campaign, "message_type": x.message_type, **figures(x, na)}
            for x in report.lines
            if x.campaign is not None
        ],
        "message_types": [
            {"message_type": x.message_type, **figures(x, na)} for x in report.message_types()
        ],
        "channels": [{"channel": x.channel, **figures(x, na)} for x in report.channels()],
        "total": figures(report.total, na),
        "no_campaign": figures(report.no_campaign, na, rate=False),
        "imported": None
        if imported is None
        else {
            "opt_outs": imported.opt_outs,
            "reasons": dict(imported.reasons.most_common()),
            "first_at": _iso(report.imported_first_ms),
            "last_at": _iso(report.imported_last_ms),
        },
        "opt_outs_over_time": [
            {"window_start": _iso(start), "channel": ch, "opt_outs": n}
            for start, counts in time_table(report)
            for ch, n in counts.items()
        ],
    }


#: The columns of ``--format csv``: one table, its ``section`` says what each row is.
CSV_COLUMNS = (
    "section",
    "campaign",
    "message_type",
    "channel",
    "window_start",
    "reason",
    "forwarded",
    "suppressed",
    "opt_outs",
    "opt_ins",
    "unsubscribe_rate",
    "cost_saved",
    "currency",
)


def report_rows(report: Report) -> list[dict[str, Any]]:
    """The report as one flat table (``--format csv``): sections ``campaign`` (per campaign and
    message type), ``message_type``, ``channel``, ``total`` (the campaigns), ``no_campaign`` and
    ``imported`` (outside the rates), ``over_time`` (opt-outs per window and channel),
    ``reason`` and ``imported_reason``. Empty cells: not known, or not meant (no rate outside
    the rates)."""
    na = report.events_only

    def row(
        section: str, line: Line | None = None, rate: bool = True, **keys: Any
    ) -> dict[str, Any]:
        out: dict[str, Any] = dict.fromkeys(CSV_COLUMNS)
        out.update(section=section, **keys)
        if line is not None:
            f = figures(line, na, rate=rate)
            cost = f["cost_saved"] or {}
            out.update(
                forwarded=f["forwarded"],
                suppressed=f["suppressed"],
                opt_outs=f["opt_outs"],
                opt_ins=f["opt_ins"],
                unsubscribe_rate=f["unsubscribe_rate"],
                cost_saved=next(iter(cost.values())) if len(cost) == 1 else None,
                currency=next(iter(cost)) if len(cost) == 1 else None,
            )
        return out

    rows = [
        row("campaign", x, campaign=x.campaign, message_type=x.message_type)
        for x in report.lines
        if x.campaign is not None
    ]
    rows += [row("message_type", x, message_type=x.message_type) for x in report.message_types()]
    rows += [row("channel", x, channel=x.channel) for x in report.channels()]
    rows.append(row("total", report.total))
    rows.append(row("no_campaign", report.no_campaign, rate=False))
    if report.imported is not None:
        imported = row("imported", None)
        imported.update(opt_outs=report.imported.opt_outs, opt_ins=0)
        rows.append(imported)
    for start, counts in time_table(report):
        for ch, n in counts.items():
            rows.append(row("over_time", channel=ch, window_start=_iso(start), opt_outs=n))
    rows += [row("reason", reason=r, opt_outs=n) for r, n in report.reasons().most_common()]
    rows += [
        row("imported_reason", reason=r, opt_outs=n)
        for r, n in report.imported_reasons().most_common()
    ]
    return rows

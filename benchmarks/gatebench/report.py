"""The comparison's tables."""

from __future__ import annotations

import math
import statistics

from rich.console import Console
from rich.table import Table

from .common import Latency
from .live import STAGES, LiveResult
from .perftools import PerfResult
from .restore import RestoreResult
from .runner import Result
from .systems import LABELS

BASE = "consent-gate"


def _n(x: float, fmt: str = ",.0f") -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, fmt)


def _ratio(base: float, other: float) -> str:
    if not base or not other or math.isnan(base) or math.isnan(other):
        return "-"
    return f"{base / other:.2f}x"


MAIN_COLUMNS = (
    "system",
    "records/s",
    "cg ÷ this rec/s",
    "CPU µs/rec",
    "broker µs/rec",
    "cg ÷ this CPU",
    "peak RSS MiB",
    "rec/batch",
    "lat. p50/p99 ms",
    "start→1st out s",
    "fwd / sup / ev",
    "check",
)


def main_rows(
    results: list[Result], live: dict[str, LiveResult], perf: list[PerfResult]
) -> list[list[str]]:
    rows = []
    base = next((r for r in results if r.name == BASE and r.completed), None)
    for r in results:
        lv = live.get(r.name)
        lat = "-"
        if lv is not None and lv.send_latency.values:
            s = lv.send_latency.summary()
            lat = f"{s['p50']:,.0f} / {s['p99']:,.0f}"
        counts, check = "-", r.error or "-"
        if r.check is not None:
            c = r.check
            counts = (
                f"{c.forwarded:,} / {c.suppressed:,} / {c.events:,}"
                if c.suppressed or c.events
                else f"{c.forwarded:,} copies"
            )
            check = f"OK #{c.digest[:6]}" if c.ok else c.summary()
        batch = "-"
        if r.batches is not None and r.batches.batches:
            batch = f"{r.batches.per_batch:,.1f}"
        rows.append(
            [
                LABELS.get(r.name, r.name),
                _n(r.records_per_s) if r.completed else "incomplete",
                _ratio(base.records_per_s, r.records_per_s) if base else "-",
                _n(r.cpu_us_per_record, ",.1f"),
                _n(r.broker_us_per_record, ",.1f"),
                _ratio(base.cpu_us_per_record, r.cpu_us_per_record) if base else "-",
                _n(r.peak_rss / 2**20) if r.hwm_bytes else "-",
                batch,
                lat,
                _n(r.start_to_first_output_s, ",.1f"),
                counts,
                check,
            ]
        )
    for p in perf:
        rows.append(
            [
                p.label,
                _n(p.records_per_s),
                _ratio(base.records_per_s, p.records_per_s) if base else "-",
                _n(p.cpu_us_per_record, ",.1f"),
                "-",
                _ratio(base.cpu_us_per_record, p.cpu_us_per_record) if base else "-",
                _n(p.hwm_bytes / 2**20) if p.hwm_bytes else "-",
                "-",
                p.latency,
                "-",
                "-",
                p.note,
            ]
        )
    return rows


def main_table(
    results: list[Result], live: dict[str, LiveResult], perf: list[PerfResult], title: str
) -> Table:
    t = Table(title=title)
    for col in MAIN_COLUMNS:
        t.add_column(col, justify="left" if col in ("system", "check") else "right")
    failed = [r.check is None or not r.check.ok for r in results] + [False] * len(perf)
    for row, bad in zip(main_rows(results, live, perf), failed, strict=True):
        t.add_row(*row, style="bold red" if bad else None)
    return t


def markdown(results: list[Result], live: dict[str, LiveResult], perf: list[PerfResult]) -> str:
    """The main table as Markdown (for benchmarks/README.md)."""
    lines = ["| " + " | ".join(MAIN_COLUMNS) + " |"]
    lines.append(
        "|" + "|".join("---" if c in ("system", "check") else "--:" for c in MAIN_COLUMNS) + "|"
    )
    for row in main_rows(results, live, perf):
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def _figures(records_per_s: float, cpu_us: float, broker_us: float) -> str:
    """records/s (worker CPU µs per record, broker CPU µs per record)."""
    return f"{_n(records_per_s)} ({_n(cpu_us, ',.1f')}, {_n(broker_us, ',.1f')})"


def rounds_rows(rounds: list[tuple[int, Result]]) -> tuple[list[str], list[list[str]]]:
    """Each round's records/s with the CPU µs per record of the system's processes and of the
    broker, and consent-gate's ratio to each peer within the round; then each system's median
    figures and the median ratio over the rounds, with the lowest and highest."""
    names = list(dict.fromkeys(r.name for _, r in rounds))
    peers = [n for n in names if n != BASE]
    by_round: dict[int, dict[str, Result]] = {}
    for n, r in rounds:
        by_round.setdefault(n, {})[r.name] = r
    head = ["round"] + [f"{LABELS[n]} rec/s (µs/rec, broker µs/rec)" for n in names]
    head += [f"cg ÷ {LABELS[p]}" for p in peers]
    rows: list[list[str]] = []
    ratios: dict[str, list[float]] = {p: [] for p in peers}
    usable: dict[str, list[Result]] = {n: [] for n in names}
    for n, got in sorted(by_round.items()):
        row = [str(n)]
        for name in names:
            one = _usable(got.get(name))
            if one is not None:
                usable[name].append(one)
            row.append(
                "-"
                if one is None
                else _figures(one.records_per_s, one.cpu_us_per_record, one.broker_us_per_record)
            )
        base = _usable(got.get(BASE))
        for p in peers:
            other = _usable(got.get(p))
            if base is None or other is None:
                row.append("-")
                continue
            ratio = base.records_per_s / other.records_per_s if other.records_per_s else math.nan
            if not math.isnan(ratio):
                ratios[p].append(ratio)
            row.append(_ratio(base.records_per_s, other.records_per_s))
        rows.append(row)
    summary = ["median (lowest to highest)"]
    for name in names:
        done = usable[name]
        summary.append(
            _figures(*(_median([getattr(r, a) for r in done]) for a in _FIGURES)) if done else "-"
        )
    for p in peers:
        rs = sorted(ratios[p])
        summary.append(f"{statistics.median(rs):.2f}x ({rs[0]:.2f} to {rs[-1]:.2f})" if rs else "-")
    rows.append(summary)
    return head, rows


_FIGURES = ("records_per_s", "cpu_us_per_record", "broker_us_per_record")


def _median(values: list[float]) -> float:
    known = [v for v in values if not math.isnan(v)]
    return statistics.median(known) if known else math.nan


def _usable(r: Result | None) -> Result | None:
    """``r`` if it completed with the right outputs (a wrong or unfinished run has no figure)."""
    ok = r is not None and r.completed and r.check is not None and r.check.ok
    return r if ok else None


def rounds_table(rounds: list[tuple[int, Result]]) -> Table:
    head, rows = rounds_rows(rounds)
    t = Table(title="Rounds: the same input, the systems in turn; ratios within each round")
    for i, col in enumerate(head):
        t.add_column(col, justify="left" if i == 0 else "right")
    for row in rows:
        t.add_row(*row)
    return t


def rounds_markdown(rounds: list[tuple[int, Result]]) -> str:
    head, rows = rounds_rows(rounds)
    lines = ["| " + " | ".join(head) + " |", "|---|" + "--:|" * (len(head) - 1)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _pct(lat: Latency, with_max: bool = False) -> str:
    if not lat.values:
        return "-"
    s = lat.summary()
    text = f"{_n(s['p50'])} / {_n(s['p99'])}"
    return text + f" / {_n(s['max'])}" if with_max else text


def live_table(live: dict[str, LiveResult], title: str) -> Table:
    t = Table(title=title)
    for col in (
        "system",
        "sends out",
        "publish→out p50 / p99 / max ms",
        "→forwarded p50 / p99",
        "→suppressed p50 / p99",
        "opt-out→effective p50 / p99",
        "CPU % of a core",
        "late forwards",
        "note",
    ):
        t.add_column(col, justify="left" if col in ("system", "note") else "right")
    for name, lv in live.items():
        t.add_row(
            lv.label or LABELS.get(name, name),
            f"{lv.sends_out:,}/{lv.sends:,}",
            _pct(lv.send_latency, with_max=True),
            _pct(lv.forward_latency),
            _pct(lv.suppress_latency),
            _pct(lv.optout_latency),
            _n(lv.cpu_percent, ".0f"),
            f"{lv.violations:,}",
            lv.note,
        )
    return t


def _timeline_rows(live: dict[str, LiveResult]) -> list[list[str]]:
    rows = []
    for name, lv in live.items():
        row = [lv.label or LABELS.get(name, name), f"{len(lv.visible_latency.values):,}"]
        row += [_pct(lv.stages[stage]) for stage in STAGES]
        rows.append(row)
    return rows


_TIMELINE_HEAD = ["run", "sends", *(f"→ {stage} p50 / p99 ms" for stage in STAGES)]
_TIMELINE_TITLE = (
    "Where a send's time goes (consent-gate; each from its publication: every input "
    "acknowledged to the harness's producer; the sends of one by-contact partition (a sample): "
    "the routed copy visible on that topic, the decision appended and visible; "
    "visible = returned by a read_committed poll, 20 polls a second)"
)


def timeline_table(live: dict[str, LiveResult]) -> Table:
    t = Table(title=_TIMELINE_TITLE)
    for col in _TIMELINE_HEAD:
        t.add_column(col, justify="left" if col == "run" else "right")
    for row in _timeline_rows(live):
        t.add_row(*row)
    return t


def timeline_markdown(live: dict[str, LiveResult]) -> str:
    lines = [_TIMELINE_TITLE + ":", "", "| " + " | ".join(_TIMELINE_HEAD) + " |"]
    lines.append("|" + "---|" * len(_TIMELINE_HEAD))
    lines += ["| " + " | ".join(row) + " |" for row in _timeline_rows(live)]
    return "\n".join(lines)


def restore_table(r: RestoreResult) -> Table:
    t = Table(title=f"Restore: {r.entries:,} consent entries from the changelog, empty state dir")
    t.add_column("figure")
    t.add_column("value", justify="right")
    t.add_row("changelog produced (records, s, records/s)",
              f"{r.entries:,} in {r.produce_s:,.1f} s = {r.entries / r.produce_s:,.0f}/s"
              if r.produce_s else "-")  # fmt: skip
    t.add_row("records restored (worker log)", f"{r.restored:,}")
    t.add_row("restore time (worker log, restore_s)", _n(r.restore_s, ",.1f") + " s")
    t.add_row(
        "restore rate",
        f"{r.restored / r.restore_s:,.0f} entries/s" if r.restore_s else "-",
    )
    t.add_row("worker start → partitions assigned", _n(r.start_to_ready_s, ",.1f") + " s")
    t.add_row("worker CPU during start + restore", _n(r.cpu_s, ",.1f") + " s")
    t.add_row("worker peak RSS (VmHWM) / RSS after restore",
              f"{_n(r.hwm_bytes / 2**20)} / {_n(r.rss_bytes / 2**20)} MiB")  # fmt: skip
    t.add_row("state dir on disk after restore", f"{r.state_bytes / 2**20:,.0f} MiB")
    t.add_row("exit code (SIGTERM)", f"{r.exit_code}")
    if r.note:
        t.add_row("note", r.note)
    return t


def print_skips(console: Console, skipped: dict[str, str]) -> None:
    for name, why in skipped.items():
        console.print(f"[yellow]SKIPPED {LABELS.get(name, name)}: {why}[/]")

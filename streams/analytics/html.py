"""``consent-gate report --html FILE``: one self-contained page with the report's charts.

The charts are drawn by matplotlib (the ``analytics`` extra) as SVG and inlined in the page, so
it renders offline, without JavaScript, in any browser or mail client, and its
Content-Security-Policy forbids any fetch. Why not plotly or vega-lite: their JavaScript
(3.5-4.5 MB inlined) would buy hover and zoom, but a page of three charts then weighs megabytes
and needs a script to show anything; these charts label their own values instead, and the page
weighs tens of kilobytes.

Every drawn mark (a bar, a line) carries an ``id`` starting with ``mark-`` so a test can check
in a real browser that the charts are drawn.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from typing import Any

from streams.analytics.export import MissingExtra
from streams.analytics.report import (
    GROUP_HEAD,
    MAIN_HEAD,
    NO_TYPE,
    Line,
    Report,
    fmt_rate,
    group_tables,
    label,
    main_rows,
    notes,
    status_line,
    time_table,
    utc,
)

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 1100px; color: #1f2933; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
p.status { color: #52606d; margin-top: 0; }
p.status.running { color: #b44d12; font-weight: 600; }
section.chart { margin: 1.5rem 0; }
section.chart svg { width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { padding: .3rem .6rem; border-bottom: 1px solid #d9e2ec; text-align: right; }
table.left-2 th:nth-child(-n+2), table.left-2 td:nth-child(-n+2),
table.left-2 th:nth-child(8), table.left-2 td:nth-child(8),
table.left-1 th:first-child, table.left-1 td:first-child,
table.left-1 th:nth-child(6), table.left-1 td:nth-child(6) { text-align: left; }
tr.total td { font-weight: 600; }
tr.subtotal td { font-style: italic; }
tr.apart td { color: #52606d; }
p.note { color: #52606d; margin: .2rem 0; font-size: .9rem; }
"""
_COLORS = ["#2f6fb3", "#d9822b", "#2e8b57", "#a23b72", "#5c6ac4", "#8a6d3b", "#0f9d9a"]


def _matplotlib() -> Any:
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingExtra(
            "--html needs matplotlib: pip install 'consent-gate[analytics]'."
        ) from None
    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",  # text stays text: small, searchable, the browser's font
            "font.family": "sans-serif",
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return Figure


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg") :]  # drop the XML prolog and DOCTYPE: inline in HTML


def _empty(ax: Any, why: str) -> None:
    ax.text(0.5, 0.5, why, ha="center", va="center", transform=ax.transAxes, color="#7b8794")
    ax.set_xticks([])
    ax.set_yticks([])


def _hbars(ax: Any, names: list[str], values: list[float], texts: list[str], gid: str) -> None:
    """Horizontal bars, largest on top, each labelled with its text."""
    ys = list(range(len(names)))[::-1]
    bars = ax.barh(ys, values, color=_COLORS[0], height=0.6)
    for i, bar in enumerate(bars):
        bar.set_gid(f"mark-{gid}-{i}")
    ax.set_yticks(ys, names)
    ax.bar_label(bars, texts, padding=4, fontsize=9)
    ax.margins(x=0.25)


def _rate_chart(
    report: Report, lines: list[Line], name: Callable[[Line], str], gid: str, per: str
) -> str:
    """Horizontal bars of ``lines``: the unsubscribe rate (opt-outs / forwarded) from
    consent.stats, the opt-outs from the events alone; each bar labelled with its figures."""
    Figure = _matplotlib()
    fig = Figure(figsize=(9, 0.5 * max(len(lines), 3) + 1.2))
    ax = fig.add_subplot()
    if report.source == "stats":
        ax.set_title(f"Unsubscribe rate per {per} (opt-outs ÷ forwarded)", loc="left")
        shown = sorted((x for x in lines if x.rate is not None), key=lambda x: -(x.rate or 0.0))
        if shown:
            _hbars(
                ax,
                [name(x) for x in shown],
                [100 * (x.rate or 0.0) for x in shown],
                [f"{fmt_rate(x.rate)}  ({x.opt_outs:,} / {x.forwarded:,})" for x in shown],
                gid,
            )
            ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:g} %")
        else:
            _empty(ax, "nothing forwarded in this period")
    else:
        ax.set_title(f"Opt-outs per {per} (no consent.stats yet: no rate)", loc="left")
        shown = sorted((x for x in lines if x.opt_outs), key=lambda x: -x.opt_outs)
        if shown:
            _hbars(
                ax,
                [name(x) for x in shown],
                [x.opt_outs for x in shown],
                [f"{x.opt_outs:,}" for x in shown],
                gid,
            )
            _whole_numbers(ax.xaxis)
        else:
            _empty(ax, "no opt-outs in this period")
    return _svg(fig)


def rate_chart(report: Report) -> str:
    return _rate_chart(report, report.campaigns(), lambda x: label(x.campaign), "rate", "campaign")


def type_chart(report: Report) -> str:
    """Which message types make people leave: the campaigns' rate per message type."""
    return _rate_chart(
        report, report.message_types(), lambda x: x.message_type or NO_TYPE, "type", "message type"
    )


def channel_rate_chart(report: Report) -> str:
    return _rate_chart(report, report.channels(), lambda x: x.channel or "-", "chan", "channel")


def _whole_numbers(axis: Any) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def reasons_chart(report: Report, top: int = 10, *, imported: bool = False) -> str:
    """The feedback reasons given with opt-outs; the imported opt-outs' reasons in a chart of
    their own (``imported``), so one imported reason does not flatten the others."""
    Figure = _matplotlib()
    reasons = report.imported_reasons() if imported else report.reasons()
    common = reasons.most_common(top)
    fig = Figure(figsize=(9, 0.5 * max(len(common), 3) + 1.2))
    ax = fig.add_subplot()
    if imported:
        ax.set_title("Feedback reasons of imported opt-outs (at their own time)", loc="left")
    else:
        ax.set_title("Feedback reasons given with opt-outs (imported ones apart)", loc="left")
    if common:
        gid = "irsn" if imported else "rsn"
        _hbars(
            ax, [r for r, _ in common], [n for _, n in common], [f"{n:,}" for _, n in common], gid
        )
        _whole_numbers(ax.xaxis)
    else:
        _empty(ax, "no feedback reasons in this period")
    return _svg(fig)


def time_chart(report: Report, most_labels: int = 16) -> str:
    """Opt-outs (not imported ones) per window, stacked by channel: one bar per window from the
    first to the last with opt-outs (windows as categories, so one day is one bar, not a bar
    across an hourly axis), whole-number steps, each bar labelled with its total."""
    Figure = _matplotlib()
    fig = Figure(figsize=(9, 3.8))
    ax = fig.add_subplot()
    ax.set_title(f"Opt-outs per channel, per {report.window} (UTC; not imported ones)", loc="left")
    rows = time_table(report)
    if rows:
        xs = list(range(len(rows)))
        bottom = [0] * len(rows)
        channels = [ch for ch in report.over_time if any(c[ch] for _, c in rows)]
        for i, channel in enumerate(channels):
            heights = [counts[channel] for _, counts in rows]
            bars = ax.bar(
                xs, heights, 0.7, bottom=bottom, label=channel, color=_COLORS[i % len(_COLORS)]
            )
            for j, bar in enumerate(bars):
                bar.set_gid(f"mark-time-{i}-{j}")
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        totals = ax.bar(xs, [0] * len(xs), 0.7, bottom=bottom, color="none")
        ax.bar_label(totals, [f"{t:,}" if t else "" for t in bottom], padding=2, fontsize=9)
        step = max(1, -(-len(rows) // most_labels))
        names = [utc(start)[:10] if report.window == "day" else utc(start)[5:] for start, _ in rows]
        ax.set_xticks(
            xs[::step],
            names[::step],
            rotation=30 if len(rows) > 6 else 0,
            ha="right" if len(rows) > 6 else "center",
        )
        ax.set_xlim(-0.6, len(rows) - 0.4)
        ax.set_ylim(0, max(bottom) * 1.15 + 0.5)
        _whole_numbers(ax.yaxis)
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    else:
        _empty(ax, "no opt-outs in this period")
    return _svg(fig)


def _table(head: tuple[str, ...], rows: list[tuple[str, tuple[str, ...]]], left: int) -> str:
    """An HTML table; each row is (its class, its cells); the first ``left`` columns and the
    reasons are left-aligned by the page's style."""
    body = []
    for cls, cells in rows:
        tds = "".join(f"<td>{html.escape(c)}</td>" for c in cells)
        body.append(f'<tr class="{cls}">{tds}</tr>')
    ths = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    return (
        f'<table class="left-{left}"><thead><tr>{ths}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def render_html(report: Report, now_ms: int) -> str:
    """The whole page: status and notes, the charts, and the report's tables."""
    charts = [
        ("rate", rate_chart(report)),
        ("type", type_chart(report)),
        ("channel", channel_rate_chart(report)),
        ("time", time_chart(report)),
        ("reasons", reasons_chart(report)),
    ]
    if report.imported_reasons():
        charts.append(("imported-reasons", reasons_chart(report, imported=True)))
    status_class = "status" if report.final else "status running"
    sections = "\n".join(
        f'<section class="chart" id="chart-{name}">{svg}</section>' for name, svg in charts
    )
    notes_html = "".join(f'<p class="note">{html.escape(n)}</p>' for n in notes(report))
    main = _table(MAIN_HEAD, main_rows(report), 2)
    groups = ""
    for title, first, rows in group_tables(report):
        table = _table((first, *GROUP_HEAD), [("line", r) for r in rows], 1)
        groups += f"<h3>{html.escape(title)}</h3>{table}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>consent-gate report</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>consent-gate report</h1>
<p class="{status_class}">{html.escape(status_line(report))}</p>
{notes_html}
<p class="status">Made {utc(now_ms)} UTC.</p>
{sections}
<section id="figures"><h2>Figures</h2>{main}{groups}</section>
</body>
</html>
"""

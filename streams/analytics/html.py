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
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from streams.analytics.export import MissingExtra
from streams.analytics.report import (
    NO_TYPE,
    WINDOW_MS,
    Report,
    fmt_rate,
    label,
    line_cells,
    status_line,
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
th:nth-child(-n+2), td:nth-child(-n+2), th:nth-child(8), td:nth-child(8) { text-align: left; }
tr.total td { font-weight: 600; }
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


def rate_chart(report: Report) -> str:
    Figure = _matplotlib()
    campaigns = report.campaigns()
    fig = Figure(figsize=(9, 0.5 * max(len(campaigns), 3) + 1.2))
    ax = fig.add_subplot()
    if report.source == "stats":
        ax.set_title("Unsubscribe rate per campaign (opt-outs ÷ forwarded)", loc="left")
        shown = sorted(
            (c for c in campaigns if c.rate is not None), key=lambda c: c.rate or 0.0, reverse=True
        )
        if shown:
            _hbars(
                ax,
                [label(c.campaign) for c in shown],
                [100 * (c.rate or 0.0) for c in shown],
                [f"{fmt_rate(c.rate)}  ({c.opt_outs:,} / {c.forwarded:,})" for c in shown],
                "rate",
            )
            ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:g} %")
        else:
            _empty(ax, "nothing forwarded in this period")
    else:
        ax.set_title("Opt-outs per campaign (no consent.stats yet: no rate)", loc="left")
        shown = sorted((c for c in campaigns if c.opt_outs), key=lambda c: c.opt_outs, reverse=True)
        if shown:
            _hbars(
                ax,
                [label(c.campaign) for c in shown],
                [c.opt_outs for c in shown],
                [f"{c.opt_outs:,}" for c in shown],
                "rate",
            )
        else:
            _empty(ax, "no opt-outs in this period")
    return _svg(fig)


def reasons_chart(report: Report, top: int = 10) -> str:
    Figure = _matplotlib()
    reasons: Counter[str] = Counter()
    for line in report.lines:
        reasons.update(line.reasons)
    common = reasons.most_common(top)
    fig = Figure(figsize=(9, 0.5 * max(len(common), 3) + 1.2))
    ax = fig.add_subplot()
    ax.set_title("Feedback reasons given with opt-outs", loc="left")
    if common:
        _hbars(
            ax, [r for r, _ in common], [n for _, n in common], [f"{n:,}" for _, n in common], "rsn"
        )
    else:
        _empty(ax, "no feedback reasons in this period")
    return _svg(fig)


def channel_chart(report: Report) -> str:
    """Stacked bars: one bar per window, one colour per channel (a window without a row counts
    0, so no line is drawn across a gap)."""
    import matplotlib.dates as mdates

    Figure = _matplotlib()
    fig = Figure(figsize=(9, 3.8))
    ax = fig.add_subplot()
    what = "Suppressed campaign messages" if report.source == "stats" else "Opt-outs"
    ax.set_title(f"{what} per channel, per {report.window} (UTC)", loc="left")
    series = {ch: points for ch, points in report.by_channel.items() if any(points.values())}
    starts = sorted({start for points in series.values() for start in points})
    if series:
        xs = [datetime.fromtimestamp(ms / 1000, UTC) for ms in starts]
        width = 0.8 * WINDOW_MS[report.window] / 86_400_000  # in days, matplotlib's date unit
        bottom = [0] * len(starts)
        for i, (channel, points) in enumerate(series.items()):
            heights = [points.get(start, 0) for start in starts]
            bars = ax.bar(
                xs, heights, width, bottom=bottom, label=channel,
                color=_COLORS[i % len(_COLORS)], align="edge",
            )  # fmt: skip
            for j, bar in enumerate(bars):
                bar.set_gid(f"mark-time-{i}-{j}")
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        locator = mdates.AutoDateLocator()  # type: ignore[no-untyped-call]
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    else:
        _empty(ax, f"no {what.lower()} in this period")
    return _svg(fig)


def _table(report: Report) -> str:
    na = report.source == "events"
    head = (
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
    rows = []
    lines = [(label(x.campaign), x.message_type or NO_TYPE, x, "") for x in report.lines]
    if len(report.lines) > 1:
        lines.append(("total", "", report.total, "total"))
    for campaign, mtype, x, cls in lines:
        cells = (campaign, mtype, *line_cells(x, na))
        tds = "".join(f"<td>{html.escape(c)}</td>" for c in cells)
        rows.append(f'<tr class="{cls}">{tds}</tr>')
    ths = "".join(f"<th>{h}</th>" for h in head)
    return f"<table><thead><tr>{ths}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def render_html(report: Report, now_ms: int) -> str:
    """The whole page: status, the three charts, and the report's table."""
    charts = [
        ("rate", rate_chart(report)),
        ("reasons", reasons_chart(report)),
        ("channels", channel_chart(report)),
    ]
    status_class = "status" if report.final else "status running"
    sections = "\n".join(
        f'<section class="chart" id="chart-{name}">{svg}</section>' for name, svg in charts
    )
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
<p class="status">Made {utc(now_ms)} UTC.</p>
{sections}
<section id="figures"><h2>Figures</h2>{_table(report)}</section>
</body>
</html>
"""

"""``consent-gate export``: consent events (or the consent.stats figures) as one flat table that
DuckDB, pandas or a warehouse loads directly: one column per field (the proof record flattened to
``proof_*``), times as UTC timestamps (``*_at``, ``window_start``/``window_end``), enums as text.

:func:`event_rows` and :func:`stats_rows` are pure; :func:`write` writes Parquet or CSV with
pyarrow (the ``analytics`` extra), from the same typed table, so both formats carry the same
columns and types.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from streams.analytics.report import latest_stats

Format = Literal["parquet", "csv"]
Kind = Literal["string", "bool", "long", "double", "timestamp"]
Row = Mapping[str, Any]

#: The columns of the events table, in order, and their types.
EVENT_COLUMNS: tuple[tuple[str, Kind], ...] = (
    ("event_id", "string"),
    ("contact_id", "string"),
    ("channel", "string"),
    ("type", "string"),
    ("subscribed", "bool"),
    ("previous_subscribed", "bool"),
    ("source", "string"),
    ("trigger_event_id", "string"),
    ("occurred_at", "timestamp"),
    ("recorded_at", "timestamp"),
    ("raw_text", "string"),
    ("keyword", "string"),
    ("language", "string"),
    ("campaign_id", "string"),
    ("message_type", "string"),
    ("reason", "string"),
    ("attribution", "string"),
    ("attributed_message_id", "string"),
    ("attributed_sent_at", "timestamp"),
    ("provider_code", "string"),
    ("proof_captured_at", "timestamp"),
    ("proof_method", "string"),
    ("proof_evidence", "string"),
    ("proof_ip_address", "string"),
)

#: The columns of the stats table (``window`` is a reserved word in SQL: ``window_size``).
STATS_COLUMNS: tuple[tuple[str, Kind], ...] = (
    ("window_size", "string"),
    ("window_start", "timestamp"),
    ("window_end", "timestamp"),
    ("campaign_id", "string"),
    ("channel", "string"),
    ("message_type", "string"),
    ("forwarded", "long"),
    ("suppressed", "long"),
    ("opt_outs", "long"),
    ("opt_ins", "long"),
    ("unsubscribe_rate", "double"),
    ("cost_saved", "double"),
    ("currency", "string"),
    ("final", "bool"),
    ("emitted_at", "timestamp"),
)


def event_rows(
    events: Iterable[Row],
    since_ms: int | None = None,
    pseudonymise: Callable[[str], str] | None = None,
) -> list[dict[str, Any]]:
    """One flat row per consent event that occurred at or after ``since_ms``, each event id once
    (an upstream duplicate repeats its event with the same id). With ``pseudonymise``, the
    contact id (and the proof's IP address, also personal data) are replaced by their pseudonyms.
    """
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for ev in events:
        if ev["event_id"] in seen or (since_ms is not None and ev["occurred_at_ms"] < since_ms):
            continue
        seen.add(ev["event_id"])
        proof = ev.get("proof") or {}
        ip = proof.get("ip_address")
        rows.append(
            {
                "event_id": ev["event_id"],
                "contact_id": pseudonymise(ev["contact_id"]) if pseudonymise else ev["contact_id"],
                "channel": ev["channel"],
                "type": ev["type"],
                "subscribed": ev["subscribed"],
                "previous_subscribed": ev["previous_subscribed"],
                "source": ev["source"],
                "trigger_event_id": ev["trigger_event_id"],
                "occurred_at": ev["occurred_at_ms"],
                "recorded_at": ev["recorded_at_ms"],
                "raw_text": ev.get("raw_text"),
                "keyword": ev.get("keyword"),
                "language": ev.get("language"),
                "campaign_id": ev.get("campaign_id"),
                "message_type": ev.get("message_type"),
                "reason": ev.get("reason"),
                "attribution": ev.get("attribution", "NONE"),
                "attributed_message_id": ev.get("attributed_message_id"),
                "attributed_sent_at": ev.get("attributed_sent_at_ms"),
                "provider_code": ev.get("provider_code"),
                "proof_captured_at": proof.get("captured_at_ms"),
                "proof_method": proof.get("method"),
                "proof_evidence": proof.get("evidence"),
                "proof_ip_address": pseudonymise(ip) if (pseudonymise and ip) else ip,
            }
        )
    return rows


def stats_rows(rows: Iterable[Row], since_ms: int | None = None) -> list[dict[str, Any]]:
    """The standing consent.stats row of every key (see :func:`latest_stats`) whose window ends
    after ``since_ms``, flat."""
    out: list[dict[str, Any]] = []
    for row in latest_stats(rows):
        if since_ms is not None and row["window_end_ms"] <= since_ms:
            continue
        out.append(
            {
                "window_size": row["window"],
                "window_start": row["window_start_ms"],
                "window_end": row["window_end_ms"],
                "campaign_id": row["campaign_id"],
                "channel": row["channel"],
                "message_type": row["message_type"],
                "forwarded": row["forwarded"],
                "suppressed": row["suppressed"],
                "opt_outs": row["opt_outs"],
                "opt_ins": row["opt_ins"],
                "unsubscribe_rate": row["unsubscribe_rate"],
                "cost_saved": row["cost_saved"],
                "currency": row["currency"],
                "final": row["final"],
                "emitted_at": row["emitted_at_ms"],
            }
        )
    return out


def write(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[tuple[str, Kind]],
    fmt: Format,
    path: Path,
) -> None:
    """Write ``rows`` as a Parquet or CSV file with ``columns`` (times in epoch ms become UTC
    timestamps)."""
    pa, csv, parquet = _pyarrow()
    types: dict[Kind, Any] = {
        "string": pa.string(),
        "bool": pa.bool_(),
        "long": pa.int64(),
        "double": pa.float64(),
        "timestamp": pa.timestamp("ms", tz="UTC"),
    }
    schema = pa.schema([pa.field(name, types[kind]) for name, kind in columns])
    table = pa.Table.from_pylist(list(rows), schema=schema)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "parquet":
            parquet.write_table(table, path)
        else:
            csv.write_csv(table, path)
    except OSError as exc:  # pyarrow's I/O errors are OSErrors too
        raise ExportError(cannot_write(path, exc)) from None


def cannot_write(path: Path, exc: OSError) -> str:
    """One sentence for a file that cannot be written."""
    why = exc.strerror or str(exc).split("\n")[0] or type(exc).__name__
    return f"Cannot write {path} ({why}): choose a path in a folder you can write to."


class ExportError(RuntimeError):
    """An export or report that cannot be made, said in one sentence."""


class MissingExtra(ExportError):
    """An optional dependency (the ``analytics`` extra) is not installed."""


def _pyarrow() -> tuple[Any, Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.csv as csv
        import pyarrow.parquet as parquet
    except ImportError:
        raise MissingExtra(
            "Exports need pyarrow (a dependency of consent-gate): pip install pyarrow."
        ) from None
    return pa, csv, parquet

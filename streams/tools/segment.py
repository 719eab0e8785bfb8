"""``consent-gate export segment``: the contacts of one channel in one consent state, read from the
consent table's changelog topic (the truth every worker restores from), not from a worker.

Every partition of ``<app_id>-consent-changelog`` is read to its end as it was when the export
started (``read_committed``, so a crashed worker's aborted writes never count); per key the last
value wins and a tombstone deletes. Consent entries are keyed ``CHANNEL/contact_id``; the
changelog also holds the engine's own records (watermarks under ``\\x00marks``, records held
for event-time order under ``\\x01`` + offset, see ``streams.processing.partition``), which are
skipped, as is any other key that is not a consent entry. Only the entries of the wanted channel
are kept, and each is decoded once, at the end.

**The segment lists the contacts the gate knows**: a contact never seen on the channel has the
default state (CONSENT_GATE_DEFAULT_SUBSCRIBED) and is not in the table. With the default
(subscribed), ``--status unsubscribed`` is complete, and ``--status subscribed`` lists only the
contacts whose subscription was recorded (an opt-in after an opt-out); in strict opt-in mode it is
the other way round.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from rich.console import Console

from streams.core.consent import ConsentState, state_from_record
from streams.models.contract import Contract, DecodeError, RecordName
from streams.settings import Settings
from streams.state.consent_store import is_consent_key
from streams.tools.common import ToolError, iso, progress, read_to_end, require_topics

Status = Literal["subscribed", "unsubscribed"]
Format = Literal["csv", "parquet"]

COLUMNS = (
    "contact_id",
    "channel",
    "status",
    "changed_at_ms",
    "changed_at",
    "source",
    "event_id",
    "campaign_id",
    "reason",
    "changes",
)


@dataclass
class Segment:
    channel: str
    status: Status
    rows: list[tuple[str, ConsentState]] = field(default_factory=list)
    records_read: int = 0
    entries: int = 0  # consent entries of the channel in the table (any state)
    other_channels: int = 0  # records of consent entries of other channels
    internal: int = 0  # records of the engine's own keys (watermarks, held records), or no key
    unreadable: int = 0  # values of the channel that are not a ConsentState

    def summary(self) -> str:
        unreadable = f", {self.unreadable} unreadable entries skipped" if self.unreadable else ""
        return (
            f"{len(self.rows)} {self.status} contacts on {self.channel} "
            f"(of {self.entries} {self.channel} entries in the table; read {self.records_read} "
            f"changelog records, {self.internal} internal ones skipped{unreadable})"
        )


async def read_segment(
    settings: Settings,
    channel: str,
    status: Status,
    *,
    console: Console,
    contract: Contract | None = None,
) -> Segment:
    contract = contract or Contract()
    channel = channel.strip().upper()
    if channel not in settings.channels:
        raise ToolError(
            f"Unknown channel {channel!r}: use one of {', '.join(settings.channels)} "
            "(CONSENT_GATE_CHANNELS)."
        )
    topic = settings.changelog_topic
    await require_topics(
        settings,
        [topic],
        f"no worker of CONSENT_GATE_APP_ID={settings.app_id} has run yet (or the app id is wrong)",
    )
    segment = Segment(channel, status)
    prefix = f"{channel}/".encode()
    latest: dict[bytes, bytes | None] = {}
    with progress(console) as bar:
        task = bar.add_task(f"read {topic}", total=None)
        async for m in read_to_end(
            settings,
            topic,
            on_total=lambda n: bar.update(task, total=n),
            client_id=f"{settings.app_id}-export",
        ):
            segment.records_read += 1
            key = m.key
            if not is_consent_key(key):
                segment.internal += 1
            elif key.startswith(prefix):
                latest[key] = m.value
            else:
                segment.other_channels += 1
            if segment.records_read % 5_000 == 0:
                bar.update(task, completed=segment.records_read)
        bar.update(task, completed=segment.records_read)
    want = status == "subscribed"
    for key, value in latest.items():
        if value is None:  # deleted (an erasure)
            continue
        segment.entries += 1
        try:
            contact_id = key[len(prefix) :].decode()
            state = state_from_record(contract.decode(RecordName.CONSENT_STATE, value))
        except (DecodeError, UnicodeDecodeError, TypeError):
            segment.unreadable += 1
            continue
        if state.subscribed is want:
            segment.rows.append((contact_id, state))
    segment.rows.sort(key=lambda row: row[0])
    return segment


def _rows(segment: Segment) -> Iterator[tuple[Any, ...]]:
    for contact_id, s in segment.rows:
        yield (
            contact_id,
            segment.channel,
            segment.status,
            s.changed_at_ms,
            iso(s.changed_at_ms),
            s.source,
            s.event_id,
            s.campaign_id,
            s.reason,
            s.changes,
        )


def write_segment(segment: Segment, fmt: Format, output: Path | None) -> None:
    """CSV (to ``output`` or standard output) or Parquet (to ``output``)."""
    if fmt == "parquet":
        if output is None:
            raise ToolError("--format parquet needs --output FILE")
        import pyarrow as pa
        import pyarrow.parquet as pq

        columns = list(zip(*_rows(segment), strict=True)) or [()] * len(COLUMNS)
        types = [
            pa.string(),
            pa.string(),
            pa.string(),
            pa.int64(),
            pa.string(),
            pa.string(),
            pa.string(),
            pa.string(),
            pa.string(),
            pa.int32(),
        ]
        table = pa.table(
            [pa.array(list(c), type=t) for c, t in zip(columns, types, strict=True)],
            names=list(COLUMNS),
        )
        pq.write_table(table, output)
        return
    if output is None:
        _write_csv(segment, sys.stdout)
    else:
        with output.open("w", encoding="utf-8", newline="") as f:
            _write_csv(segment, f)


def _write_csv(segment: Segment, f: Any) -> None:
    writer = csv.writer(f)
    writer.writerow(COLUMNS)
    for row in _rows(segment):
        writer.writerow(["" if v is None else v for v in row])

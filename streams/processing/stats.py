"""What the gate keeps for analysts, beside the consent table: attribution, history, statistics.

Everything here lives in the partition's table (``KeyValue``: RocksDB plus the open transaction's
writes, backed by the changelog) or goes out as records the gate returns, so it is exactly once
like the rest: it commits in the engine's transaction or not at all.

Table keys (a consent key ``CHANNEL/contact_id`` starts with a letter; ``\\x00`` and ``\\x01`` are
the engine's watermarks and held records):

* ``\\x02`` CHANNEL/contact_id: the last CAMPAIGN message forwarded to the contact on the channel
  (``LastCampaign``), for attribution (``streams.core.attribution``). One small put per forwarded
  campaign message: the cost of attribution on the hot path.
* ``\\x03`` ...: the consent history (``streams.state.history``), one entry per change.
* ``\\x04c``: how far this partition has closed its statistics windows; ``\\x04m``: the
  aggregator's view of every partition's; ``\\x04a`` + key: a running aggregate.

Statistics, across partitions (the gate is partitioned by contact, the figures are keyed by
campaign): each gate partition counts what it decides into per-key *deltas* in memory; at each
commit it sends them, as a ``StatsDelta`` record on the by-contact topic, to the partition that
owns the key (``partition_for(key, partitions)``), in the same transaction as the decisions they
count (an aborted transaction takes its deltas with it, and the records are decided again). With
them goes ``closed_through_ms``: every window ending at or before it is counted in full by this
partition (its event time, the low watermark of every input, has passed window end + grace, and
everything up to it is decided). When that moves, a delta record goes to every partition. The
owner (:class:`StatsAggregator`) adds the deltas to its aggregates (table entries), emits running
rows (``final=false``), and once every partition has closed a window, its final row
(``final=true``), deleting the aggregate in the same transaction: nothing of that key follows.
"""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from streams.core.attribution import Attribution, LastCampaign, attribute
from streams.core.consent import ConsentState, Trigger
from streams.core.partitioner import partition_for
from streams.core.stats import (
    Counts,
    StatsKey,
    Window,
    closed_through,
    counted,
    counts_record,
    from_record,
    hour_of,
    stats_record,
    window_start,
)
from streams.logs import log_event
from streams.models.avro_write import record_encoder
from streams.models.contract import Contract, DecodeError, RecordName
from streams.processing.records import KIND_HEADER, Output, SourceRecord
from streams.settings import Settings
from streams.state.consent_store import KeyValue
from streams.state.history import contact_prefix, history_key
from streams.state.store import PartitionState

logger = logging.getLogger("consent_gate.analytics")

ATTRIBUTION_PREFIX = b"\x02"
STATS_PREFIX = b"\x04"
STATS_CLOSED_KEY = b"\x04c"
STATS_MARKS_KEY = b"\x04m"
STATS_AGG_PREFIX = b"\x04a"

#: The kind header of a statistics delta on the by-contact topic (not an input).
STATS_KIND = b"stats"
#: Most rows in one StatsDelta record (keeps every record far below the size limit).
MAX_ROWS = 500
_NO_MARK = -(2**63)


def attribution_key(contact_id: str, channel: str) -> bytes:
    return ATTRIBUTION_PREFIX + f"{channel}/{contact_id}".encode()


def is_stats(src: SourceRecord) -> bool:
    hs = src.headers
    return len(hs) == 1 and hs[0][0] == KIND_HEADER and hs[0][1] == STATS_KIND


def _closed_record(marks: Mapping[int, int]) -> dict[str, Any]:
    """Closed-through marks per partition, kept as a ``Watermark`` record (topic "stats")."""
    return {
        "worker": "",
        "published_at_ms": 0,
        "marks": [
            {"topic": "stats", "partition": p, "timestamp_ms": t} for p, t in sorted(marks.items())
        ],
    }


class Analytics:
    """Attribution, history and statistics deltas of one gate partition (``partition``)."""

    def __init__(
        self,
        settings: Settings,
        contract: Contract,
        table: KeyValue,
        *,
        partition: int = 0,
        counters: Counter[str] | None = None,
    ) -> None:
        self.contract = contract
        self.table = table
        self.partition = partition
        self.partitions = settings.partitions
        self.window_ms = settings.attribution_window_ms
        self.grace_ms = settings.stats_grace_ms
        self.by_contact = settings.by_contact_topic
        self.counters: Counter[str] = Counter() if counters is None else counters
        # This transaction's counts per (hour start, campaign, channel, message type).
        self.hours: dict[tuple[int, str | None, str, str | None], Counts] = {}
        # A LastCampaign for every forwarded campaign (the hot path): the checked fast encoder.
        self._last_campaign = record_encoder(contract, RecordName.LAST_CAMPAIGN, fields="tuple")
        self.closed: int | None = None  # every window ending at or before it went out in full
        raw = table.get(STATS_CLOSED_KEY)
        if raw is not None:
            marks = contract.decode(RecordName.WATERMARK, raw)["marks"]
            self.closed = marks[0]["timestamp_ms"] if marks else None

    # --- on the hot path -------------------------------------------------------------------
    def sent(self, msg: Mapping[str, Any], channel: str, forwarded: bool, ts: int) -> None:
        """A CAMPAIGN message was decided: count it; remember it for attribution if forwarded.
        Its whole cost on the hot path: one small encode and one put, one dictionary update."""
        campaign_id = msg.get("campaign_id")
        message_type = msg.get("message_type")
        if forwarded:
            self.table.put(
                attribution_key(msg["contact_id"], channel),
                self._last_campaign(
                    msg["message_id"], campaign_id, message_type, msg["requested_at_ms"]
                ),
            )
        counts = self._hour(ts, campaign_id, channel, message_type)
        if forwarded:
            counts.forwarded += 1
        else:
            counts.suppressed += 1

    def _hour(
        self, ts: int, campaign_id: str | None, channel: str, message_type: str | None
    ) -> Counts:
        """The counts of this transaction for the hour of ``ts`` (days are summed at the
        commit, from the hours)."""
        key = (hour_of(ts), campaign_id, channel, message_type)
        counts = self.hours.get(key)
        if counts is None:
            counts = self.hours[key] = Counts()
        return counts

    # --- on erasure --------------------------------------------------------------------------
    def erase(self, contact_id: str, channel: str) -> None:
        """GDPR Art. 17: the contact's attribution entry and consent history on ``channel`` go
        with its consent entry (tombstones on the changelog)."""
        self.table.put(attribution_key(contact_id, channel), None)
        for key in _keys_with_prefix(self.table, contact_prefix(contact_id, channel)):
            self.table.put(key, None)

    # --- on consent changes ----------------------------------------------------------------
    def attribution(self, trigger: Trigger, contact_id: str, channel: str) -> Attribution:
        raw = self.table.get(attribution_key(contact_id, channel))
        last = None
        if raw is not None:
            rec = self.contract.decode(RecordName.LAST_CAMPAIGN, raw)
            last = LastCampaign(
                rec["message_id"], rec["campaign_id"], rec["message_type"], rec["sent_at_ms"]
            )
        return attribute(trigger, last, self.window_ms)

    def recorded_event(
        self, contact_id: str, channel: str, state: ConsentState
    ) -> tuple[bytes, dict[str, Any]] | None:
        """The consent event the history holds for ``state``'s change (encoded and decoded),
        None when it has none (or it cannot be read)."""
        if state.changed_at_ms is None:
            return None
        raw = self.table.get(history_key(contact_id, channel, state.changed_at_ms, state.changes))
        if raw is None:
            return None
        try:
            return raw, self.contract.decode(RecordName.CONSENT_EVENT, raw)
        except DecodeError:  # an unreadable entry: the event is rebuilt
            return None

    def recorded_inputs(self, contact_id: str, channel: str) -> frozenset[str]:
        """The input ids (``trigger_event_id``) of every change of the contact's consent on
        ``channel`` the history holds."""
        ids = set()
        for key in _keys_with_prefix(self.table, contact_prefix(contact_id, channel)):
            raw = self.table.get(key)
            if raw is None:
                continue
            try:
                ids.add(self.contract.decode(RecordName.CONSENT_EVENT, raw)["trigger_event_id"])
            except DecodeError:
                continue
        return frozenset(ids)

    def changed(
        self,
        contact_id: str,
        channel: str,
        state: ConsentState,
        event: Mapping[str, Any],
        encoded_event: bytes,
        *,
        count: bool,
        ts: int,
    ) -> None:
        """A change of consent (``state`` after it, announced by ``event``): into the history,
        and (``count``: not a redelivery) into the statistics."""
        assert state.changed_at_ms is not None
        self.table.put(
            history_key(contact_id, channel, state.changed_at_ms, state.changes), encoded_event
        )
        if not count or not counted(event["source"]):
            return
        counts = self._hour(ts, event["campaign_id"], channel, event["message_type"])
        if state.subscribed:
            counts.opt_ins += 1
        else:
            counts.opt_outs += 1
            if event["reason"]:
                counts.reasons[event["reason"]] += 1

    def _deltas(self) -> dict[StatsKey, Counts]:
        """This transaction's counts per window: each hour, and each day summed from its
        hours; a window this partition has closed already is left out (counted as late)."""
        deltas: dict[StatsKey, Counts] = {}
        for (start, campaign_id, channel, message_type), counts in self.hours.items():
            for window in (Window.HOUR, Window.DAY):
                key = StatsKey(
                    window, window_start(window, start), campaign_id, channel, message_type
                )
                if self.closed is not None and key.end_ms <= self.closed:
                    # its final row may be out already: not counted
                    self.counters["stats_late"] += counts.inputs
                    continue
                total = deltas.get(key)
                if total is None:
                    total = deltas[key] = Counts()
                total.add(counts)
        self.hours.clear()
        return deltas

    # --- at each commit --------------------------------------------------------------------
    def flush(self, decided_through_ms: int | None) -> list[Output]:
        """The delta records of this transaction; ``decided_through_ms``: every input of this
        partition with an event time up to it is decided (None: nothing is known)."""
        rows: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for key, counts in self._deltas().items():
            rows[partition_for(key.text(), self.partitions)].append(counts_record(key, counts))
        before = self.closed
        if decided_through_ms is not None and decided_through_ms > _NO_MARK:
            closed = closed_through(decided_through_ms, self.grace_ms)
            if self.closed is None or closed > self.closed:
                self.closed = closed
                self.table.put(
                    STATS_CLOSED_KEY,
                    self.contract.encode(
                        RecordName.WATERMARK, _closed_record({self.partition: closed})
                    ),
                )
        targets: Iterable[int] = range(self.partitions) if self.closed != before else sorted(rows)
        out = []
        for q in targets:
            chunks = [rows[q][i : i + MAX_ROWS] for i in range(0, len(rows[q]), MAX_ROWS)] or [[]]
            for i, chunk in enumerate(chunks):
                # Only the last chunk closes windows: the aggregator applies rows, then the mark.
                mark = self.closed if i == len(chunks) - 1 else before
                value = self.contract.encode(
                    RecordName.STATS_DELTA,
                    {"source_partition": self.partition, "closed_through_ms": mark, "rows": chunk},
                )
                out.append(
                    Output(self.by_contact, None, value, [(KIND_HEADER, STATS_KIND)], partition=q)
                )
        return out


class StatsAggregator:
    """The statistics of the keys one by-contact partition owns: deltas in, rows out."""

    def __init__(
        self,
        settings: Settings,
        contract: Contract,
        table: KeyValue,
        committed: Iterable[tuple[bytes, bytes]],
        *,
        counters: Counter[str] | None = None,
    ) -> None:
        """``committed``: the partition's committed aggregates (``\\x04a`` entries)."""
        self.contract = contract
        self.table = table
        self.partitions = settings.partitions
        self.topic = settings.stats_topic
        self.prices = settings.unit_price_map
        self.currency = settings.currency
        self.interval_ms = settings.stats_update_interval_ms
        self.counters: Counter[str] = Counter() if counters is None else counters
        self.aggregates: dict[StatsKey, Counts] = {}
        self.dirty: set[StatsKey] = set()
        self._running_ms = 0
        for _, value in committed:
            key, counts = from_record(contract.decode(RecordName.CONSENT_STATS, value))
            self.aggregates[key] = counts
        self.marks: dict[int, int] = {}
        raw = table.get(STATS_MARKS_KEY)
        if raw is not None:
            for m in contract.decode(RecordName.WATERMARK, raw)["marks"]:
                self.marks[m["partition"]] = m["timestamp_ms"]

    def final_through(self) -> int | None:
        """Every window ending at or before it is final (every partition closed it)."""
        if len(self.marks) < self.partitions:
            return None
        return min(self.marks.values())

    def receive(self, delta: Mapping[str, Any], now_ms: int) -> list[Output]:
        """Take one ``StatsDelta``; the final rows it completes."""
        final = self.final_through()
        for row in delta["rows"]:
            key, counts = from_record(row)
            if final is not None and key.end_ms <= final:
                self.counters["stats_late"] += 1
                log_event(logger, "stats.late_delta", logging.WARNING, key=key.text())
                continue
            total = self.aggregates.get(key)
            if total is None:
                total = self.aggregates[key] = Counts()
            total.add(counts)
            self._store(key, total, now_ms)
        mark = delta["closed_through_ms"]
        p = delta["source_partition"]
        if mark is None or not 0 <= p < self.partitions or mark <= self.marks.get(p, _NO_MARK):
            return []
        self.marks[p] = mark
        self.table.put(
            STATS_MARKS_KEY, self.contract.encode(RecordName.WATERMARK, _closed_record(self.marks))
        )
        now_final = self.final_through()
        if now_final is None or (final is not None and now_final <= final):
            return []
        out = []
        for key in sorted(
            (k for k in self.aggregates if k.end_ms <= now_final), key=lambda k: k.text()
        ):
            out.append(self._row(key, self.aggregates.pop(key), final=True, now_ms=now_ms))
            self.dirty.discard(key)
            self.table.put(STATS_AGG_PREFIX + _key_bytes(key), None)
        return out

    def running(self, now_ms: int) -> list[Output]:
        """Running rows (``final=false``) of the keys that changed, at most every
        CONSENT_GATE_STATS_UPDATE_INTERVAL_MS."""
        if not self.dirty or now_ms - self._running_ms < self.interval_ms:
            return []
        self._running_ms = now_ms
        out = [
            self._row(k, self.aggregates[k], final=False, now_ms=now_ms)
            for k in sorted(self.dirty, key=lambda k: k.text())
        ]
        self.dirty.clear()
        return out

    def _store(self, key: StatsKey, counts: Counts, now_ms: int) -> None:
        self.dirty.add(key)
        self.table.put(
            STATS_AGG_PREFIX + _key_bytes(key),
            self.contract.encode(
                RecordName.CONSENT_STATS, self._record(key, counts, False, now_ms)
            ),
        )

    def _record(self, key: StatsKey, counts: Counts, final: bool, now_ms: int) -> dict[str, Any]:
        return stats_record(
            key,
            counts,
            unit_price=self.prices.get(key.channel, 0.0),
            currency=self.currency,
            final=final,
            emitted_at_ms=now_ms,
        )

    def _row(self, key: StatsKey, counts: Counts, *, final: bool, now_ms: int) -> Output:
        value = self.contract.encode(
            RecordName.CONSENT_STATS, self._record(key, counts, final, now_ms)
        )
        return Output(self.topic, key.text().encode(), value)


def _key_bytes(key: StatsKey) -> bytes:
    """A table key for a stats key that no campaign id or message type can make ambiguous."""
    return json.dumps(
        [key.window.value, key.start_ms, key.campaign_id, key.channel, key.message_type]
    ).encode()


def _keys_with_prefix(table: KeyValue, prefix: bytes) -> list[bytes]:
    """The keys of ``table`` (committed or written in this transaction) starting with ``prefix``."""
    if isinstance(table, PartitionState):
        return table.keys_with_prefix(prefix)
    if isinstance(table, Mapping):  # DictTable (tests, benchmarks)
        return [k for k in list(table) if k.startswith(prefix)]
    raise TypeError(f"cannot list the keys of {type(table).__name__}")

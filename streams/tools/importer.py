"""``consent-gate import FILE.csv``: an existing suppression list in, as consent commands.

The file is CSV (UTF-8, a header row first, any column order):

=============  ========  ==============================================================
column         required  meaning
=============  ========  ==============================================================
contact        yes       the contact id, as the gate's inputs carry it
channel        yes       one of CONSENT_GATE_CHANNELS (any case)
when           yes       when the contact opted out: ISO-8601 with a time zone, or epoch ms
source         no        where the old system got the opt-out (``sms-stop``, ``complaint``)
reason         no        feedback reason
campaign_id    no        the campaign the opt-out came from
evidence       no        reference to the proof (ticket, recording, form id)
ip_address     no        IP address the opt-out came from
=============  ========  ==============================================================

Every good row becomes one ``ConsentCommand`` (action OPT_OUT, source IMPORT) on the commands
topic. Its ``command_id`` is derived from (contact, channel, when), so importing the same list
twice gives the same commands: the gate records each opt-out once and a repeat yields its event
again with the same id. The proof travels with the command (``proof``: captured at ``when``,
method = ``source`` or ``import``, evidence = ``evidence`` or ``file:line``). The Kafka timestamp
of each command is the time of the import, so the gate applies it in event-time order *now*; the
opt-out time is kept as ``issued_at_ms``. An import never lifts an opt-out: rows are opt-outs
only, and the gate refuses an IMPORT opt-in over an opt-out (``streams.core.consent``).

Bad rows (missing contact, unknown channel, bad time, too many fields, a field too long) go to
the rejected-rows file with their line number, the reason and the original line.

The producer is the commands topic's idempotent producer (``streams.kafka.command_topic``, as
every command publisher's), fed with its record batches (``CommandBatches``: one per partition,
CRC-32 of the contact id): measured faster than ``producer.send`` per record and than
confluent-kafka for this workload (benchmarks/compare import).
Every batch's delivery is awaited; the first failure stops the import with the broker's error.
The rows are checked and encoded in this one process: on this 2-core machine a pool of encoding
processes measured no faster (the machine is the limit), and the fastavro encoding was the
bottleneck, hence the fast encoder (``streams.models.avro_write``).
"""

from __future__ import annotations

import csv
import hashlib
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from aiokafka.errors import KafkaError
from rich.console import Console

from streams.core.consent import state_from_record
from streams.kafka.command_topic import (
    CommandBatches,
    CommandTooLarge,
    command_key,
    command_producer,
)
from streams.models.avro_write import record_encoder
from streams.models.contract import Contract, DecodeError, RecordName
from streams.processing.records import InputKind, Rejected
from streams.processing.validate import Validator
from streams.settings import Settings
from streams.state.consent_store import is_consent_key
from streams.state.history import history_owner
from streams.tools.common import ToolError, parse_time, progress, read_to_end, require_topics

COLUMNS = (
    "contact",
    "channel",
    "when",
    "source",
    "reason",
    "campaign_id",
    "evidence",
    "ip_address",
)
REQUIRED = ("contact", "channel", "when")

#: Bytes of records per batch (well below the producer's and broker's 1 MiB limits).
BATCH_BYTES = 512 * 1024
#: Batches in flight before the import waits for the oldest delivery.
IN_FLIGHT = 64


def command_id(contact_id: str, channel: str, when_ms: int) -> str:
    """The same row always gives the same command id (a re-import is idempotent downstream)."""
    row = f"{contact_id}\x1f{channel}\x1f{when_ms}".encode()
    return "import-" + hashlib.blake2b(row, digest_size=16).hexdigest()


@dataclass
class ImportReport:
    read: int = 0
    published: int = 0
    rejected: int = 0
    seconds: float = 0.0
    rejected_path: Path | None = None
    imported_before: int = 0  # rows whose opt-out this import's command id recorded already
    opted_out_before: int = 0  # rows of contacts opted out already, on other proof
    table_read: bool = False  # whether the consent table's changelog was read for them

    def summary(self) -> str:
        rate = self.published / self.seconds if self.seconds else 0.0
        if self.table_read:
            there = (
                f"; {self.imported_before + self.opted_out_before} rows already there, not "
                f"published ({self.imported_before} imported before, {self.opted_out_before} "
                "contacts opted out already on other proof): their first proof stands"
            )
        else:
            there = "; no worker has run yet (no changelog): no row was there already"
        return (
            f"read {self.read} rows, published {self.published} opt-out commands, "
            f"rejected {self.rejected} (see {self.rejected_path}) in {self.seconds:.1f} s "
            f"({rate:,.0f} rows/s){there}"
        )


#: Why a row is not published: its opt-out is recorded already.
IMPORTED_BEFORE = "imported before"
OPTED_OUT_BEFORE = "opted out before"


@dataclass
class Recorded:
    """What the consent table holds for the contacts of an import: per ``CHANNEL/contact``
    key, the current state's event id if the contact is opted out, and the input ids of its
    recorded changes (an import's command ids among them)."""

    opted_out: dict[str, str | None] = field(default_factory=dict)
    inputs: dict[str, set[str]] = field(default_factory=dict)

    def verdict(self, key: str, command_id: str) -> str | None:
        """Why the row of ``command_id`` for ``key`` is already there (None: it is not): the
        same row was imported before (its change is in the history, even if the contact has
        opted in since, on new proof: a re-import must not undo that), or the contact is opted
        out already (the gate would record nothing: a repeated opt-out is no change)."""
        if command_id in self.inputs.get(key, ()):
            return IMPORTED_BEFORE
        if key in self.opted_out:
            return IMPORTED_BEFORE if self.opted_out[key] == command_id else OPTED_OUT_BEFORE
        return None


def recorded_from(
    records: Iterable[tuple[bytes | None, bytes | None]], wanted: set[str], contract: Contract
) -> Recorded:
    """:class:`Recorded` from a changelog's records (oldest first; the last value of a key
    wins, None deletes), for the ``wanted`` keys only."""
    states: dict[bytes, bytes | None] = {}
    changes: dict[bytes, tuple[str, bytes | None]] = {}
    for key, value in records:
        if key is None:
            continue
        if is_consent_key(key):
            try:
                if key.decode() in wanted:
                    states[key] = value
            except UnicodeDecodeError:
                continue
        else:
            whose = history_owner(key)
            owner = None if whose is None else f"{whose[1]}/{whose[0]}"
            if owner is not None and owner in wanted:
                changes[key] = (owner, value)
    out = Recorded()
    for key, value in states.items():
        if value is None:
            continue
        try:
            state = state_from_record(contract.decode(RecordName.CONSENT_STATE, value))
        except (DecodeError, TypeError):
            continue
        if not state.subscribed and state.explicit:
            out.opted_out[key.decode()] = state.event_id
    for owner, value in changes.values():
        if value is None:
            continue
        try:
            event = contract.decode(RecordName.CONSENT_EVENT, value)
        except DecodeError:
            continue
        out.inputs.setdefault(owner, set()).add(event["trigger_event_id"])
    return out


def wanted_keys(path: Path, header: list[str], channels: Iterable[str]) -> set[str]:
    """The ``CHANNEL/contact`` keys the rows of ``path`` name (a first, light pass)."""
    known = set(channels)
    at_contact, at_channel = header.index("contact"), header.index("channel")
    keys: set[str] = set()
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file)
        next(reader, None)
        for fields in reader:
            if len(fields) == len(header):
                channel = fields[at_channel].strip().upper()
                if channel in known:
                    keys.add(f"{channel}/{fields[at_contact].strip()}")
    return keys


async def read_recorded(
    settings: Settings,
    path: Path,
    header: list[str],
    console: Console,
    contract: Contract,
    have: set[str],
) -> Recorded | None:
    """What the consent table's changelog holds for the contacts of ``path`` (None: there is
    no changelog yet, no worker has run; ``have``: the broker's topics)."""
    topic = settings.changelog_topic
    if topic not in have:
        return None
    wanted = wanted_keys(path, header, settings.channels)
    records: list[tuple[bytes | None, bytes | None]] = []
    with progress(console) as bar:
        task = bar.add_task(f"read {topic} (what is there already)", total=None)
        async for m in read_to_end(
            settings,
            topic,
            on_total=lambda n: bar.update(task, total=n),
            client_id=f"{settings.app_id}-import",
        ):
            records.append((m.key, m.value))
            if len(records) % 5_000 == 0:
                bar.update(task, completed=len(records))
        bar.update(task, completed=len(records))
    return recorded_from(records, wanted, contract)


class _Lines:
    """The file's lines as the csv reader takes them, keeping those of the current row (a quoted
    field may span lines) so a rejected row is written as it was."""

    __slots__ = ("bytes", "file", "taken")

    def __init__(self, file: TextIO) -> None:
        self.file = file
        self.taken: list[str] = []
        self.bytes = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self.file)
        self.taken.append(line)
        self.bytes += len(line)
        return line

    def row_text(self) -> str:
        text = "".join(self.taken).rstrip("\r\n")
        self.taken.clear()
        return text


class RowBuilder:
    """A CSV row to the ``ConsentCommand`` record, checked with the gate's own input rules."""

    def __init__(self, settings: Settings, contract: Contract, file_name: str) -> None:
        self.validator = Validator(contract, settings.channels, settings.max_text_length)
        self.file_name = file_name
        self.now_ms = int(time.time() * 1000)

    def command(self, row: dict[str, str], line: int) -> dict[str, Any]:
        contact = row["contact"].strip()
        if not contact:
            raise Rejected("INVALID_FIELD", "contact is empty")
        channel = row["channel"].strip().upper()
        try:
            when_ms = parse_time(row["when"], now_ms=self.now_ms)
        except ValueError as exc:
            raise Rejected("BAD_TIME", str(exc)) from None
        source = row.get("source", "").strip()
        record: dict[str, Any] = {
            "command_id": command_id(contact, channel, when_ms),
            "contact_id": contact,
            "channel": channel,
            "action": "OPT_OUT",  # an import only ever opts out
            "source": "IMPORT",
            "issued_at_ms": when_ms,
            "proof": {
                "captured_at_ms": when_ms,
                "method": source or "import",
                "evidence": row.get("evidence", "").strip() or f"{self.file_name}:{line}",
                "ip_address": row.get("ip_address", "").strip() or None,
            },
            "reason": row.get("reason", "").strip() or None,
            "campaign_id": row.get("campaign_id", "").strip() or None,
            "actor": f"consent-gate import {self.file_name}",
        }
        self.validator.check_record(InputKind.COMMAND, record)  # the gate's rules, in one place
        return record


def read_header(path: Path, reader: Iterator[list[str]]) -> list[str]:
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ToolError(f"{path} is empty: it needs a header row ({','.join(COLUMNS)})") from None
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise ToolError(
            f"{path} has an unknown column {unknown[0]!r}: the columns are {', '.join(COLUMNS)} "
            f"({', '.join(REQUIRED)} required)"
        )
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ToolError(f"{path} has no {missing[0]!r} column (required: {', '.join(REQUIRED)})")
    twice = [h for h in header if header.count(h) > 1]
    if twice:
        raise ToolError(f"{path} has the column {twice[0]!r} twice")
    return header


#: One row read from the file: (line number, its fields, its original text).
Row = tuple[int, list[str], str]
#: What a chunk of rows gives: (key, encoded command) per good row, (line, reason, text) per bad.
Encoded = tuple[list[tuple[bytes, bytes]], list[tuple[int, str, str]]]
#: Rows encoded at a time between the producer's turns.
CHUNK_ROWS = 5_000


class ChunkEncoder:
    """Rows to encoded commands, or to rejections."""

    def __init__(
        self,
        settings: Settings,
        contract: Contract,
        file_name: str,
        header: list[str],
        recorded: Recorded | None = None,
    ) -> None:
        self.contract = contract
        self.builder = RowBuilder(settings, self.contract, file_name)
        self.header = header
        self.commands = record_encoder(self.contract, RecordName.CONSENT_COMMAND, fields="mapping")
        self.recorded = recorded
        self.skipped: Counter[str] = Counter()  # rows already there, per why

    def encode(self, rows: list[Row]) -> Encoded:
        good: list[tuple[bytes, bytes]] = []
        bad: list[tuple[int, str, str]] = []
        width = len(self.header)
        encode = self.commands
        recorded = self.recorded
        for line, fields, text in rows:
            try:
                if len(fields) != width:
                    raise Rejected("FIELD_COUNT", f"{len(fields)} fields, the header has {width}")
                record = self.builder.command(dict(zip(self.header, fields, strict=True)), line)
            except Rejected as exc:
                bad.append((line, f"{exc.code}: {exc.reason}", text))
                continue
            if recorded is not None:
                key = f"{record['channel']}/{record['contact_id']}"
                why = recorded.verdict(key, record["command_id"])
                if why is not None:
                    self.skipped[why] += 1
                    continue
            good.append((command_key(record), encode(record)))
        return good, bad


def _chunks(reader: Any, lines: _Lines, report: ImportReport) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    first_line = reader.line_num + 1
    for fields in reader:
        line, first_line = first_line, reader.line_num + 1
        text = lines.row_text()
        if not fields:  # a blank line
            continue
        report.read += 1
        chunk.append((line, fields, text))
        if len(chunk) >= CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def run_import(
    settings: Settings,
    path: Path,
    rejected_path: Path,
    *,
    console: Console,
    contract: Contract | None = None,
) -> ImportReport:
    """Publish the opt-outs of ``path`` to the commands topic; bad rows to ``rejected_path``."""
    contract = contract or Contract()
    topic = settings.commands_topic
    have = await require_topics(settings, [topic], "run `consent-gate topics create`")
    report = ImportReport(rejected_path=rejected_path)
    started = time.monotonic()
    producer = command_producer(
        settings,
        f"{settings.app_id}-import",
        max_batch_size=BATCH_BYTES,
        max_request_size=max(settings.max_message_bytes, 1_048_576),
    )
    try:
        await producer.start()
    except (KafkaError, OSError) as exc:
        raise ToolError(f"Cannot start a producer on {settings.bootstrap_servers}: {exc}") from None
    try:
        partitions = len(await producer.partitions_for(topic))
        batches = CommandBatches(producer, topic, partitions, IN_FLIGHT)
        size = path.stat().st_size
        with (
            path.open(encoding="utf-8-sig", newline="") as file,
            rejected_path.open("w", encoding="utf-8", newline="") as rejected_file,
            progress(console) as bar,
        ):
            task = bar.add_task(f"import {path.name} (bytes)", total=size)
            rejected = csv.writer(rejected_file)
            rejected.writerow(["line", "reason", "original"])
            lines = _Lines(file)
            reader = csv.reader(lines)
            header = read_header(path, reader)
            lines.row_text()
            recorded = await read_recorded(settings, path, header, console, contract, have)
            report.table_read = recorded is not None

            async def publish(encoded: Encoded) -> None:
                good, bad = encoded
                for key, value in good:
                    await batches.add(key, value)
                rejected.writerows(bad)
                report.rejected += len(bad)
                bar.update(task, completed=lines.bytes)

            encoder = ChunkEncoder(settings, contract, path.name, header, recorded)
            for chunk in _chunks(reader, lines, report):
                await publish(encoder.encode(chunk))
            await batches.flush()
            report.imported_before = encoder.skipped[IMPORTED_BEFORE]
            report.opted_out_before = encoder.skipped[OPTED_OUT_BEFORE]
            bar.update(task, completed=size)
        report.published = batches.delivered
    except (KafkaError, OSError) as exc:
        raise ToolError(
            f"The import stopped ({type(exc).__name__}: {exc}); commands published before it "
            "stay, and importing the same file again is safe (same command ids)."
        ) from None
    except CommandTooLarge as exc:
        raise ToolError(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise ToolError(f"{path} is not UTF-8 text ({exc})") from None
    except csv.Error as exc:
        raise ToolError(f"{path} is not readable CSV ({exc})") from None
    finally:
        await producer.stop()
    report.seconds = time.monotonic() - started
    return report

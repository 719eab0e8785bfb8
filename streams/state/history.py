"""The consent history in the table: every change of consent kept, not only the last.

Each change is one entry of the partition's table (so in RocksDB and in the changelog, like the
consent entries), its value the ``ConsentEvent`` that announced it (which carries the proof). The
key orders a contact's changes by channel and event time::

    \\x03 | 4-byte length of the contact id | contact id (UTF-8) | CHANNEL | \\x00
        | 8-byte event time (ms, big-endian, sign bit flipped) | 4-byte change number

The leading ``\\x03`` keeps them apart from consent entries (``CHANNEL/contact_id``, a channel
starts with a letter) and the engine's own keys (``\\x00``, ``\\x01``), the attribution table
(``\\x02``) and the statistics (``\\x04``). History keys are never reused, so a compacted changelog
keeps every one.

Read it with :func:`history` from a worker's local store (the HTTP API), from any table, or from
the records of a changelog partition (:func:`history_from_records`; the CLI, without a worker);
:func:`streams.core.history.state_at` answers "subscribed at T?".
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping
from typing import Protocol

from streams.core.history import Change, StateAt, state_at, states_at
from streams.core.partitioner import partition_for
from streams.models.contract import Contract, RecordName

__all__ = [
    "HISTORY_PREFIX",
    "Change",
    "StateAt",
    "contact_prefix",
    "history",
    "history_from_records",
    "history_key",
    "history_owner",
    "state_at",
    "states_at",
]

HISTORY_PREFIX = b"\x03"
_SIGN = 1 << 63


def contact_prefix(contact_id: str, channel: str | None = None) -> bytes:
    """The key prefix of a contact's history (on one channel, or on all)."""
    raw = contact_id.encode()
    prefix = HISTORY_PREFIX + struct.pack(">I", len(raw)) + raw
    return prefix if channel is None else prefix + channel.encode() + b"\x00"


def history_key(contact_id: str, channel: str, occurred_at_ms: int, change_number: int) -> bytes:
    """The key of one change: ordered by event time, then by the change number (the
    ``ConsentState.changes`` count after it), so two changes of the same millisecond keep the
    order the gate applied them in."""
    return contact_prefix(contact_id, channel) + struct.pack(
        ">QI", (occurred_at_ms + _SIGN) & 0xFFFFFFFFFFFFFFFF, change_number & 0xFFFFFFFF
    )


def history_owner(key: bytes) -> tuple[str, str] | None:
    """(contact id, channel) of a history key made by :func:`history_key`; None for any other
    key."""
    if not key.startswith(HISTORY_PREFIX) or len(key) < 5 + 13:
        return None
    n = struct.unpack(">I", key[1:5])[0]
    nul = len(key) - 13  # the channel ends with a NUL; event time (8 bytes) and number (4) follow
    if 5 + n >= nul or key[nul] != 0:
        return None
    try:
        return key[5 : 5 + n].decode(), key[5 + n : nul].decode()
    except UnicodeDecodeError:
        return None


class _Scan(Protocol):
    def scan(self, partition: int, key_prefix: bytes) -> Iterable[tuple[bytes, bytes]]: ...


def history(
    table: _Scan | Mapping[bytes, bytes],
    contact_id: str,
    channel: str | None = None,
    *,
    contract: Contract,
    partitions: int | None = None,
) -> list[Change]:
    """Every change of ``contact_id`` (on ``channel``, or on every channel), in event-time order
    per channel.

    ``table``: a worker's :class:`streams.state.store.StateStore` (committed entries; give
    ``partitions``, CONSENT_GATE_PARTITIONS, to find the contact's partition) or any mapping of
    table keys to values (a :class:`streams.state.consent_store.DictTable`)."""
    prefix = contact_prefix(contact_id, channel)
    if isinstance(table, Mapping):
        entries: Iterable[tuple[bytes, bytes]] = sorted(
            (k, v) for k, v in table.items() if k.startswith(prefix)
        )
    else:
        if partitions is None:
            raise ValueError("reading a StateStore needs partitions (CONSENT_GATE_PARTITIONS)")
        entries = table.scan(partition_for(contact_id, partitions), prefix)
    return _changes(entries, contract)


def history_from_records(
    records: Iterable[tuple[bytes | None, bytes | None]],
    contact_id: str,
    channel: str | None = None,
    *,
    contract: Contract,
) -> list[Change]:
    """The history from the records of a changelog partition, oldest first (as a compacted topic
    reads: the last value of a key wins, None deletes it)."""
    prefix = contact_prefix(contact_id, channel)
    latest: dict[bytes, bytes | None] = {}
    for key, value in records:
        if key is not None and key.startswith(prefix):
            latest[key] = value
    return _changes(sorted((k, v) for k, v in latest.items() if v is not None), contract)


def _changes(entries: Iterable[tuple[bytes, bytes]], contract: Contract) -> list[Change]:
    return [Change.of_event(contract.decode(RecordName.CONSENT_EVENT, v)) for _, v in entries]

"""The worker's local state: one RocksDB for all the partitions it owns, backed by the changelog.

The changelog topic is the truth; RocksDB is a cache of a *committed prefix* of it. Writes made
while processing stay in memory (:class:`PartitionState` ``pending``) until the Kafka transaction
that carries their changelog records has committed; only then are they written to RocksDB, in one
atomic batch together with the changelog offset they reach. So after any crash the local state is
a state the changelog had, and restoring from the stored offset to the end of the changelog
brings it up to date, and a restore from an empty directory gives the same table.

Keys are ``2-byte partition | table key``; per partition, ``\\xff\\xff`` under the partition
prefix holds the next changelog offset to read. Table keys starting with ``\\x00`` or ``\\x01``
are the engine's own (watermarks, held records), ``\\x02`` the attribution table, ``\\x03`` the
consent history and ``\\x04`` the statistics (``streams.processing.stats``); consent entries
are ``CHANNEL/contact_id``.
"""

from __future__ import annotations

import shutil
import struct
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from rocksdict import Options, Rdict, WriteBatch

_OFFSET_KEY = b"\xff\xff"


def _prefix(partition: int) -> bytes:
    return struct.pack(">H", partition)


def db_options() -> Options:
    """RocksDB options, chosen for a table of small entries (one database per worker)."""
    options = Options(raw_mode=True)
    options.create_if_missing(True)
    options.set_write_buffer_size(16 * 1024 * 1024)
    options.set_max_write_buffer_number(2)
    return options


class StateStore:
    """One RocksDB database (``path``) holding every partition this worker has state for."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.db = Rdict(str(path), db_options())

    def close(self) -> None:
        self.db.close()

    def wipe(self) -> None:
        """Delete everything (a corrupt or foreign database): it is rebuilt from the changelog."""
        self.db.close()
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True, exist_ok=True)
        self.db = Rdict(str(self.path), db_options())

    def next_offset(self, partition: int) -> int:
        raw = self.db.get(_prefix(partition) + _OFFSET_KEY)
        return 0 if raw is None else int(struct.unpack(">q", raw)[0])

    def get(self, partition: int, key: bytes) -> bytes | None:
        value: bytes | None = self.db.get(_prefix(partition) + key)
        return value

    def scan(self, partition: int, key_prefix: bytes) -> Iterator[tuple[bytes, bytes]]:
        """Committed entries of ``partition`` whose key starts with ``key_prefix``."""
        start = _prefix(partition) + key_prefix
        it = self.db.iter()
        it.seek(start)
        while it.valid():
            k = it.key()
            if not k.startswith(start):
                break
            yield k[2:], it.value()
            it.next()

    def apply(
        self,
        partition: int,
        writes: Mapping[bytes, bytes | None] | Iterable[tuple[bytes, bytes | None]],
        next_offset: int,
    ) -> None:
        """Write committed changes (None deletes) and the changelog offset reached, atomically."""
        prefix = _prefix(partition)
        batch = WriteBatch(raw_mode=True)
        items = writes.items() if isinstance(writes, Mapping) else writes
        for key, value in items:
            if value is None:
                batch.delete(prefix + key)
            else:
                batch.put(prefix + key, value)
        batch.put(prefix + _OFFSET_KEY, struct.pack(">q", next_offset))
        self.db.write(batch)

    def clear_partition(self, partition: int) -> None:
        """Forget one partition (its changelog no longer matches what is stored)."""
        self.db.delete_range(_prefix(partition), _prefix(partition + 1))


#: A key that :class:`PartitionState`'s writes lack (``None`` is a deletion).
_ABSENT = object()


class PartitionState:
    """The table of one partition as the gate sees it: committed entries, the writes of the
    transaction being committed (Kafka has them, RocksDB not yet: the engine goes on deciding
    while a commit is under way) and this transaction's pending writes (read-your-writes)."""

    __slots__ = ("committing", "partition", "pending", "store")

    def __init__(self, store: StateStore, partition: int) -> None:
        self.store = store
        self.partition = partition
        self.pending: dict[bytes, bytes | None] = {}
        #: The writes last taken (:meth:`take_pending`): the transaction being committed, or
        #: one already in RocksDB (the same values). A failed commit reopens the partition.
        self.committing: dict[bytes, bytes | None] = {}

    def get(self, key: bytes) -> bytes | None:
        value = self.pending.get(key, _ABSENT)
        if value is _ABSENT:
            value = self.committing.get(key, _ABSENT)
            if value is _ABSENT:
                return self.store.get(self.partition, key)
        return value  # type: ignore[return-value]

    def put(self, key: bytes, value: bytes | None) -> None:
        self.pending[key] = value

    def keys_with_prefix(self, prefix: bytes) -> list[bytes]:
        """The keys starting with ``prefix`` (committed, being committed or pending), sorted."""
        keys = {k for k, _ in self.store.scan(self.partition, prefix)}
        for writes in (self.committing, self.pending):
            for k, v in writes.items():
                if k.startswith(prefix):
                    if v is None:
                        keys.discard(k)
                    else:
                        keys.add(k)
        return sorted(keys)

    def take_pending(self) -> dict[bytes, bytes | None]:
        """This transaction's writes, for the commit; reads see them until the next take."""
        pending, self.pending = self.pending, {}
        self.committing = pending
        return pending

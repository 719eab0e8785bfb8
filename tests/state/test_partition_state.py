"""A partition's table as the gate reads it while a commit is under way: RocksDB, the writes of
the transaction being committed, this transaction's pending writes."""

from __future__ import annotations

from pathlib import Path

from streams.state.store import PartitionState, StateStore


def test_writes_being_committed_are_read_until_rocksdb_has_them(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state")
    try:
        store.apply(0, {b"s:a": b"old", b"s:b": b"kept"}, 5)
        state = PartitionState(store, 0)
        state.put(b"s:a", b"new")
        state.put(b"s:b", None)
        state.put(b"s:c", b"added")
        writes = state.take_pending()  # sealed: Kafka commits, RocksDB not yet written
        assert writes == {b"s:a": b"new", b"s:b": None, b"s:c": b"added"}
        assert (state.get(b"s:a"), state.get(b"s:b"), state.get(b"s:c")) == (b"new", None, b"added")
        assert state.keys_with_prefix(b"s:") == [b"s:a", b"s:c"]
        state.put(b"s:d", b"next")  # the next transaction, processed meanwhile
        state.put(b"s:a", None)
        assert state.keys_with_prefix(b"s:") == [b"s:c", b"s:d"]
        store.apply(0, writes, 9)  # the commit ended
        assert state.get(b"s:c") == b"added" and state.get(b"s:a") is None
        nxt = state.take_pending()
        assert nxt == {b"s:d": b"next", b"s:a": None}
        assert state.get(b"s:c") == b"added"  # from RocksDB now
        assert state.keys_with_prefix(b"s:") == [b"s:c", b"s:d"]
    finally:
        store.close()

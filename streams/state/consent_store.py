"""The consent table: one entry per (contact, channel), the value a ``ConsentState`` record.

In the worker the table is a :class:`streams.state.store.PartitionState` (RocksDB plus the open
transaction's writes, backed by the changelog); in unit tests and benchmarks a :class:`DictTable`.
Keys are ``CHANNEL/contact_id`` in UTF-8 (a channel name never contains ``/``).
"""

from __future__ import annotations

from typing import Protocol, TypeGuard

from streams.core.consent import ConsentState, default_state, state_from_record, state_record
from streams.models.contract import Contract, RecordName


class KeyValue(Protocol):
    def get(self, key: bytes) -> bytes | None: ...

    def put(self, key: bytes, value: bytes | None) -> None: ...


class DictTable(dict[bytes, bytes]):
    """A plain dict as a table (tests, benchmarks)."""

    def put(self, key: bytes, value: bytes | None) -> None:
        if value is None:
            self.pop(key, None)
        else:
            self[key] = value


def state_key(contact_id: str, channel: str) -> bytes:
    return f"{channel}/{contact_id}".encode()


def is_consent_key(key: bytes | None) -> TypeGuard[bytes]:
    """Whether a key of the table (and its changelog) is a consent entry. Every other entry the
    worker keeps there starts with a control byte: ``\\x00`` watermarks, ``\\x01`` held records,
    ``\\x02`` attribution, ``\\x03`` history, ``\\x04`` statistics; a channel name never does."""
    return key is not None and key[:1] >= b"\x20" and b"/" in key


class ConsentStore:
    def __init__(self, table: KeyValue, contract: Contract, default_subscribed: bool) -> None:
        self.table = table
        self.contract = contract
        self.default = default_state(default_subscribed)

    def get(self, contact_id: str, channel: str) -> ConsentState:
        raw = self.table.get(state_key(contact_id, channel))
        if raw is None:
            return self.default
        return state_from_record(self.contract.decode_own(RecordName.CONSENT_STATE, raw))

    def put(self, contact_id: str, channel: str, state: ConsentState) -> None:
        self.table.put(
            state_key(contact_id, channel),
            self.contract.encode(RecordName.CONSENT_STATE, state_record(state)),
        )

    def delete(self, contact_id: str, channel: str) -> None:
        """Forget the entry (an erasure): a tombstone on the changelog when it commits."""
        self.table.put(state_key(contact_id, channel), None)

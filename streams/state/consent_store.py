"""The consent table: one entry per (contact, channel), the value a ``ConsentState`` record.

The table is a Faust table (RocksDB by default, backed by a changelog topic) in the worker, and a
plain dict in unit tests and benchmarks: anything with ``get`` and item assignment will do.
Keys are ``CHANNEL/contact_id`` (a channel name never contains ``/``).
"""

from __future__ import annotations

from typing import Any, Protocol

from streams.core.consent import ConsentState, default_state, state_from_record, state_record
from streams.models.contract import Contract, RecordName


class KeyValue(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...

    def __setitem__(self, key: str, value: bytes) -> None: ...


def state_key(contact_id: str, channel: str) -> str:
    return f"{channel}/{contact_id}"


class ConsentStore:
    def __init__(self, table: KeyValue, contract: Contract, default_subscribed: bool) -> None:
        self.table = table
        self.contract = contract
        self.default = default_state(default_subscribed)

    def get(self, contact_id: str, channel: str) -> ConsentState:
        raw = self.table.get(state_key(contact_id, channel))
        if raw is None:
            return self.default
        return state_from_record(self.contract.decode(RecordName.CONSENT_STATE, raw))

    def put(self, contact_id: str, channel: str, state: ConsentState) -> None:
        self.table[state_key(contact_id, channel)] = self.contract.encode(
            RecordName.CONSENT_STATE, state_record(state)
        )

"""Decode and check one input record; anything wrong raises :class:`Rejected` (a dead letter)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from streams.core.consent import EVERY_CHANNEL
from streams.models.contract import Contract, DecodeError
from streams.processing.records import RECORD_OF_KIND, InputKind, Rejected

MAX_ID_LENGTH = 256
#: The longest a field the gate copies into what it produces may be (campaign, reason, proof...):
#: an absurd one is refused here rather than make a consent event or a suppression too large.
MAX_FIELD_LENGTH = 4096

#: The string fields of each input that reach the gate's outputs (besides ids and reply text).
_COPIED = {
    InputKind.REPLY: ("in_reply_to_message_id", "campaign_id", "message_type"),
    InputKind.CLICK: ("url", "message_id", "campaign_id", "message_type", "feedback_reason"),
    InputKind.REQUEST: ("campaign_id", "message_type"),
    InputKind.COMMAND: ("reason", "campaign_id", "actor"),
    InputKind.REPORT: ("campaign_id", "message_type", "description", "error_code", "status"),
}
_PROOF_FIELDS = ("method", "evidence", "ip_address")

_ID_FIELD = {
    InputKind.REPLY: "event_id",
    InputKind.CLICK: "event_id",
    InputKind.REQUEST: "message_id",
    InputKind.COMMAND: "command_id",
    InputKind.REPORT: "report_id",
}


@dataclass(frozen=True, slots=True)
class Valid:
    kind: InputKind
    record: dict[str, Any]
    contact_id: str
    channel: str  # upper-case, one of the configured channels (or "*": an erasure of every one)


class Validator:
    def __init__(self, contract: Contract, channels: Iterable[str], max_text_length: int) -> None:
        self.contract = contract
        self.channels = frozenset(channels)
        self.max_text_length = max_text_length

    def check(self, kind: InputKind, value: bytes | None) -> Valid:
        if value is None:
            raise Rejected("NOT_AVRO", "record has no value (tombstone)")
        try:
            record = self.contract.decode(RECORD_OF_KIND[kind], value)
        except DecodeError as exc:
            raise Rejected(exc.code, str(exc)) from None
        return self.check_record(kind, record, len(value))

    def check_record(
        self, kind: InputKind, record: dict[str, Any], encoded_size: int | None = None
    ) -> Valid:
        """The field rules alone, on a decoded record (``consent-gate import`` checks the
        commands it builds with them before it publishes them). ``encoded_size``: the length of
        the bytes it was decoded from, if known: no string decoded from them has more characters
        (every field the length rule measures is an Avro string, or null, in every schema
        version; an enum or a default filled in by schema resolution would break this)."""
        contact_id = record["contact_id"].strip()
        if not contact_id:
            raise Rejected("INVALID_FIELD", "contact_id is empty")
        if len(contact_id) > MAX_ID_LENGTH:
            raise Rejected("INVALID_FIELD", f"contact_id is longer than {MAX_ID_LENGTH} characters")
        id_field = _ID_FIELD[kind]
        if not record[id_field].strip():
            raise Rejected("INVALID_FIELD", f"{id_field} is empty")
        if len(record[id_field]) > MAX_ID_LENGTH:
            raise Rejected("INVALID_FIELD", f"{id_field} is longer than {MAX_ID_LENGTH} characters")
        channel = record["channel"].strip().upper()
        every = (
            kind is InputKind.COMMAND and record["action"] == "ERASE" and channel == EVERY_CHANNEL
        )
        if channel not in self.channels and not every:
            raise Rejected(
                "UNKNOWN_CHANNEL",
                f"channel {record['channel']!r} is not one of the configured channels "
                f"({', '.join(sorted(self.channels))})",
            )
        if encoded_size is None or encoded_size > MAX_FIELD_LENGTH:
            too_long = [f for f in _COPIED[kind] if len(record.get(f) or "") > MAX_FIELD_LENGTH]
            proof = record.get("proof") or {}
            too_long += [
                f"proof.{f}" for f in _PROOF_FIELDS if len(proof.get(f) or "") > MAX_FIELD_LENGTH
            ]
            if too_long:
                raise Rejected(
                    "INVALID_FIELD", f"{too_long[0]} is longer than {MAX_FIELD_LENGTH} characters"
                )
        if kind is InputKind.REPLY and len(record["text"]) > self.max_text_length:
            raise Rejected(
                "TEXT_TOO_LONG",
                f"reply text has {len(record['text'])} characters, "
                f"more than the limit of {self.max_text_length}",
            )
        return Valid(kind, record, contact_id, channel)

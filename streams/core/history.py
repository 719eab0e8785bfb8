"""Versioned consent history: "was contact X subscribed on channel C at time T, and on what
proof?". Pure: no Kafka, no store.

Every change of consent (``OPTED_OUT``, ``OPTED_IN``) is kept as the consent event that announced
it, which carries the proof (source, triggering input, raw text, keyword, campaign, reason, proof of
new consent). A history is the list of a contact's changes in event-time order (the order the gate
applied them); :func:`state_at` reads it at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: Consent event types that are changes of state (the history keeps only these).
CHANGE_TYPES = frozenset({"OPTED_OUT", "OPTED_IN"})


@dataclass(frozen=True, slots=True)
class Change:
    """One change of consent on one channel, with its proof (the ``ConsentEvent`` record)."""

    channel: str
    occurred_at_ms: int
    subscribed: bool
    event: Mapping[str, Any]

    @classmethod
    def of_event(cls, event: Mapping[str, Any]) -> Change:
        return cls(event["channel"], event["occurred_at_ms"], event["subscribed"], event)

    @property
    def source(self) -> str:
        return str(self.event["source"])

    def proof_text(self) -> str:
        """The proof in one line, for people."""
        e = self.event
        parts = [f"{e['type']} by {e['source']}", f"input {e['trigger_event_id']}"]
        if e.get("raw_text") is not None:
            parts.append(f"text {e['raw_text']!r}")
        if e.get("campaign_id"):
            parts.append(f"campaign {e['campaign_id']} ({e.get('attribution', 'EXPLICIT')})")
        if e.get("reason"):
            parts.append(f"reason {e['reason']!r}")
        proof = e.get("proof")
        if proof:
            parts.append(f"proof {proof['method']}: {proof['evidence']}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class StateAt:
    """The consent on one channel at ``at_ms``: ``change`` is the change in force then (its proof),
    None when nothing had changed yet (the default state)."""

    channel: str
    at_ms: int
    subscribed: bool
    change: Change | None


def state_at(
    history: Iterable[Change], at_ms: int, *, channel: str, default_subscribed: bool = True
) -> StateAt:
    """Consent on ``channel`` at ``at_ms`` (inclusive: a change at ``at_ms`` is in force), from a
    history in event-time order."""
    current: Change | None = None
    for change in history:
        if change.channel != channel:
            continue
        if change.occurred_at_ms > at_ms:
            break
        current = change
    if current is None:
        return StateAt(channel, at_ms, default_subscribed, None)
    return StateAt(channel, at_ms, current.subscribed, current)


def states_at(
    history: Iterable[Change], at_ms: int, *, default_subscribed: bool = True
) -> dict[str, StateAt]:
    """Consent at ``at_ms`` on every channel the history mentions."""
    changes = list(history)
    channels = sorted({c.channel for c in changes})
    return {
        ch: state_at(changes, at_ms, channel=ch, default_subscribed=default_subscribed)
        for ch in channels
    }

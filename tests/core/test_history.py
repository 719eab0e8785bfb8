"""Reading a consent history at a time."""

from __future__ import annotations

from typing import Any

from streams.core.history import Change, state_at, states_at


def change(channel: str, at_ms: int, subscribed: bool, text: str) -> Change:
    event: dict[str, Any] = {
        "channel": channel,
        "occurred_at_ms": at_ms,
        "subscribed": subscribed,
        "type": "OPTED_IN" if subscribed else "OPTED_OUT",
        "source": "KEYWORD",
        "trigger_event_id": f"r-{at_ms}",
        "raw_text": text,
        "campaign_id": None,
        "reason": None,
        "proof": None,
    }
    return Change.of_event(event)


HISTORY = [
    change("SMS", 100, False, "STOP"),
    change("SMS", 200, True, "START"),
    change("SMS", 300, False, "STOP"),
]


def test_state_at_around_stop_start_stop() -> None:
    assert state_at(HISTORY, 99, channel="SMS").subscribed is True
    assert state_at(HISTORY, 99, channel="SMS").change is None  # the default
    at_150 = state_at(HISTORY, 150, channel="SMS")
    assert (at_150.subscribed, at_150.change) == (False, HISTORY[0])
    assert state_at(HISTORY, 200, channel="SMS").change == HISTORY[1]  # in force at its time
    assert state_at(HISTORY, 250, channel="SMS").subscribed is True
    assert state_at(HISTORY, 10**15, channel="SMS").change == HISTORY[2]
    assert "text 'START'" in HISTORY[1].proof_text()


def test_other_channels_and_strict_opt_in() -> None:
    assert state_at(HISTORY, 150, channel="WHATSAPP").subscribed is True
    assert state_at(HISTORY, 150, channel="EMAIL", default_subscribed=False).subscribed is False
    both = [*HISTORY, change("EMAIL", 120, False, "x")]
    at = states_at(sorted(both, key=lambda c: (c.channel, c.occurred_at_ms)), 130)
    assert {ch: s.subscribed for ch, s in at.items()} == {"EMAIL": False, "SMS": False}

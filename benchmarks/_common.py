"""What both benchmarks share: the traffic mix."""

from __future__ import annotations

from streams.settings import DEFAULT_CHANNELS

#: Share of sends / replies per channel (SMS-heavy, as in most messaging stacks).
CHANNEL_WEIGHTS = {
    "SMS": 35,
    "WHATSAPP": 25,
    "EMAIL": 25,
    "MESSENGER": 5,
    "INSTAGRAM": 5,
    "TELEGRAM": 5,
}
assert set(CHANNEL_WEIGHTS) == set(DEFAULT_CHANNELS)

"""The Faust app for the usual Faust command line: ``faust -A streams.app worker -l info``.

Settings come from the environment, as for ``consent-gate worker``.
"""

from __future__ import annotations

from streams.kafka.wiring import create_app
from streams.settings import SettingsError, load_settings

try:
    settings = load_settings()
except SettingsError as exc:
    raise SystemExit(f"consent-gate: {exc}") from None

app = create_app(settings, preflight_on_start=True)

"""Structured, quiet logs: one line per event, ``key=value`` pairs (logfmt), INFO for our own
logger and WARNING for Faust/aiokafka unless configured otherwise."""

from __future__ import annotations

import logging
import sys
from typing import Any

FORMAT = "%(asctime)s level=%(levelname)s logger=%(name)s %(message)s"


def _value(v: Any) -> str:
    s = str(v)
    if not s or any(c in s for c in ' "='):
        return '"' + s.replace('"', '\\"') + '"'
    return s


def log_event(logger: logging.Logger, event: str, level: int = logging.INFO, **fields: Any) -> None:
    if logger.isEnabledFor(level):
        pairs = " ".join(f"{k}={_value(v)}" for k, v in fields.items())
        logger.log(level, f"event={event} {pairs}".rstrip())


def setup_logging(level: str = "info", library_level: str = "warning") -> None:
    """Root handler on stderr; our logger at ``level``, everything else at ``library_level``."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
    root.setLevel(library_level.upper())
    logging.getLogger("consent_gate").setLevel(level.upper())

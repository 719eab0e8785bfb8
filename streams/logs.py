"""Structured, quiet logs: one line per event, ``key=value`` pairs (logfmt), INFO for our own
logger and WARNING for the libraries (aiokafka) unless configured otherwise."""

from __future__ import annotations

import logging
import logging.config
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


def logging_config(level: str = "info", library_level: str = "warning") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for our processes; also handed to Faust's worker, which
    would otherwise replace the handlers with its own at ``library_level`` (hiding our INFO)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"logfmt": {"format": FORMAT}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "logfmt",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": library_level.upper(), "handlers": ["stderr"]},
        "loggers": {"consent_gate": {"level": level.upper()}},
    }


def setup_logging(level: str = "info", library_level: str = "warning") -> None:
    """Root handler on stderr; our logger at ``level``, everything else at ``library_level``."""
    logging.config.dictConfig(logging_config(level, library_level))

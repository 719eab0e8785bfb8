"""Fixtures shared across test folders, loaded for every test by ``tests/conftest.py``
(``pytest_plugins``): the real Kafka broker."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from devtools import local_broker


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """The broker the tests use: CONSENT_GATE_TEST_BOOTSTRAP, or the local one (started if needed,
    and stopped again at the end if this session started it)."""
    given = os.environ.get("CONSENT_GATE_TEST_BOOTSTRAP")
    if given:
        yield given
        return
    was_running = local_broker.is_running()
    bootstrap = local_broker.start()
    yield bootstrap
    if not was_running:
        local_broker.stop()

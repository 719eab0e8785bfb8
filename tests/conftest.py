"""Shared fixtures, and the test lanes. Integration fixtures (real broker, worker process) live
in tests/integration/conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.models.contract import Contract
from streams.settings import Settings

#: The broker fixture (kafka_bootstrap), for tests/integration and tests/fault.
pytest_plugins = ["tests.fixtures"]

TESTS = Path(__file__).resolve().parent
#: The lane of every test is where it lives: these folders, and `unit` for everything else.
LANES = {
    "integration": pytest.mark.integration,
    "fault": pytest.mark.fault,
    "fuzz": pytest.mark.integration,  # tests/fuzz: the real broker and worker
    "bench": pytest.mark.integration,  # tests/bench: the benchmark harness, smoke-sized
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test `integration` (tests/integration/), `fault` (tests/fault/) or `unit`, so
    `-m unit` is the fast lane without a broker (a module's `pytestmark` in a conftest.py does
    not reach the tests, so it is done here)."""
    for item in items:
        try:
            folder = Path(item.path).resolve().relative_to(TESTS).parts[0]
        except ValueError:  # not under tests/
            folder = ""
        item.add_marker(LANES.get(folder, pytest.mark.unit))


@pytest.fixture(scope="session")
def contract() -> Contract:
    return Contract()


@pytest.fixture
def settings() -> Settings:
    return Settings(_env_file=None)  # type: ignore[call-arg]

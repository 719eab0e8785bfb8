"""Shared fixtures. Integration fixtures (real broker, worker process) live in
tests/integration/conftest.py."""

from __future__ import annotations

import pytest

from streams.models.contract import Contract
from streams.settings import Settings


@pytest.fixture(scope="session")
def contract() -> Contract:
    return Contract()


@pytest.fixture
def settings() -> Settings:
    return Settings(_env_file=None)  # type: ignore[call-arg]

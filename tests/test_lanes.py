"""The test lanes: every test is `unit`, `integration` or `fault` by the folder it lives in, so
`.ci/run` can run the unit lane before it starts a broker (`-m unit`, then `-m "not unit"`)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parent


def root_conftest() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lanes_conftest", TESTS / "conftest.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeItem:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.markers: list[str] = []

    def add_marker(self, marker: Any) -> None:
        self.markers.append(marker.name)


@pytest.mark.parametrize(
    ("path", "lane"),
    [
        ("integration/test_security.py", "integration"),
        ("integration/sub/test_x.py", "integration"),
        ("fault/test_kill.py", "fault"),
        ("models/test_contract.py", "unit"),
        ("test_settings.py", "unit"),
        ("../elsewhere/test_x.py", "unit"),
    ],
)
def test_the_folder_decides_the_lane(path: str, lane: str) -> None:
    item = FakeItem(TESTS / path)
    root_conftest().pytest_collection_modifyitems(items=[item])
    assert item.markers == [lane]


def test_this_test_is_in_the_unit_lane(request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("unit") is not None
    assert request.node.get_closest_marker("integration") is None


def test_the_lanes_are_registered_markers(pytestconfig: pytest.Config) -> None:
    registered = {line.split(":")[0] for line in pytestconfig.getini("markers")}
    assert {"unit", "integration", "fault"} <= registered

"""The README documents every setting, and its two commands exist."""

from __future__ import annotations

import os
import re
from pathlib import Path

from streams.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_every_setting_is_documented() -> None:
    missing = [n for n in Settings.model_fields if f"`CONSENT_GATE_{n.upper()}`" not in README]
    assert not missing


def test_the_two_commands_exist_and_are_executable() -> None:
    for script in ("scripts/demo", "scripts/test", "scripts/setup", "scripts/kafka-local"):
        assert f"{script}" in README
        assert os.access(ROOT / script, os.X_OK), script
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text()


def test_every_variable_the_readme_names_is_known() -> None:
    """Following the README never gets a variable refused as unknown."""
    from streams.settings import known_variables

    named = set(re.findall(r"CONSENT_GATE_[A-Z0-9_]*[A-Z0-9]\b", README))
    assert named - set(known_variables()) == set()

"""The contract ships with the package: an installed copy reads its own schemas, with no
CONSENT_GATE_SCHEMA_DIR; the variable still points the reader elsewhere."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from streams.models.contract import (
    DEFAULT_SCHEMA_DIR,
    PACKAGED_SCHEMA_DIR,
    Contract,
    RecordName,
    schema_dir,
)

ROOT = Path(__file__).resolve().parents[1]


def test_the_schemas_are_found_without_the_variable() -> None:
    assert schema_dir({}) == PACKAGED_SCHEMA_DIR
    assert schema_dir({"CONSENT_GATE_SCHEMA_DIR": "  "}) == PACKAGED_SCHEMA_DIR
    assert schema_dir({"CONSENT_GATE_SCHEMA_DIR": "/srv/schemas"}) == Path("/srv/schemas")


def test_the_packaged_schemas_are_the_repository_schemas() -> None:
    """In a checkout, streams/schemas is the top-level schemas/ (the tools use that path)."""
    assert PACKAGED_SCHEMA_DIR == ROOT / "streams" / "schemas"
    assert PACKAGED_SCHEMA_DIR.resolve() == (ROOT / "schemas").resolve()
    if "CONSENT_GATE_SCHEMA_DIR" not in os.environ:
        assert DEFAULT_SCHEMA_DIR == PACKAGED_SCHEMA_DIR
    for record in RecordName:
        assert sorted((PACKAGED_SCHEMA_DIR / record.value).glob("v*.avsc")), record


def test_a_contract_reads_another_folder(tmp_path: Path) -> None:
    """CONSENT_GATE_SCHEMA_DIR's folder is the one read (here: an empty one, refused)."""
    with pytest.raises(FileNotFoundError, match=re.escape(str(tmp_path))):
        Contract(schema_dir({"CONSENT_GATE_SCHEMA_DIR": str(tmp_path)}))


def test_an_installed_copy_reads_its_own_schemas(tmp_path: Path) -> None:
    """A plain (non-editable) install, run from elsewhere without CONSENT_GATE_SCHEMA_DIR, finds
    every record of the contract inside the installed package."""
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
         str(ROOT)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    installed = target / "streams" / "schemas"
    assert installed.is_dir() and not installed.is_symlink()
    env = {k: v for k, v in os.environ.items() if k != "CONSENT_GATE_SCHEMA_DIR"}
    env["PYTHONPATH"] = str(target)
    probe = (
        "import streams.models.contract as c;"
        "contract = c.Contract();"
        "print(contract.schema_dir);"
        "print(len([contract.current(r) for r in c.RecordName]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=tmp_path, check=True, capture_output=True,
        text=True,
    )  # fmt: skip
    folder, count = out.stdout.split()
    assert Path(folder) == installed
    assert int(count) == len(RecordName)

"""What streams/ imports is what pyproject.toml declares: an installed copy has every module the
package imports, and an optional extra's modules are imported only where they are used."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterator
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _name(requirement: str) -> str:
    """The normalised distribution name of a requirement (``"fastavro>=1.13,<1.14"``)."""
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert match is not None, requirement
    return re.sub(r"[-_.]+", "-", match.group(0)).lower()


def _imports(top_level_only: bool) -> Iterator[tuple[str, Path]]:
    """(top-level module, file) of every absolute import in streams/; with ``top_level_only``,
    only those run when the module is imported (not inside a function or class)."""
    for path in sorted((ROOT / "streams").rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        nodes = tree.body if top_level_only else list(ast.walk(tree))
        for node in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield alias.name.split(".")[0], path
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield node.module.split(".")[0], path


def _third_party(top_level_only: bool = False) -> dict[str, set[str]]:
    """Distribution name -> the files that import it (the standard library and streams left out)."""
    dists = packages_distributions()
    found: dict[str, set[str]] = {}
    for module, path in _imports(top_level_only):
        if module in sys.stdlib_module_names or module in {"streams", "__future__"}:
            continue
        assert module in dists, f"{module} (imported by {path}) is not installed"
        for dist in dists[module]:
            found.setdefault(_name(dist), set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_import_of_the_package_is_declared() -> None:
    declared = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    extras = {
        _name(r)
        for name, reqs in PYPROJECT["project"]["optional-dependencies"].items()
        if name != "dev"
        for r in reqs
    }
    undeclared = {d: files for d, files in _third_party().items() if d not in declared | extras}
    assert undeclared == {}


def test_an_extra_is_imported_only_where_it_is_used() -> None:
    """`import streams.<anything>` works without the optional extras (the worker image has
    none): their modules are imported inside the functions that need them."""
    declared = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    at_import = {d: f for d, f in _third_party(top_level_only=True).items() if d not in declared}
    assert at_import == {}


def test_nothing_is_declared_that_the_package_does_not_import() -> None:
    used = set(_third_party())
    declared = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    assert declared - used == set()


def test_the_name_of_a_requirement() -> None:
    assert _name("uvloop>=0.19; sys_platform != 'win32'") == "uvloop"
    assert _name("prometheus_client>=0.20") == "prometheus-client"
    assert _name("python-dotenv>=0.21") == "python-dotenv"

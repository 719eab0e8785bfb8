"""The README documents every setting, and its two commands exist."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

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


def test_the_readme_duckdb_query_runs_on_exported_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The unsubscribe rate per message type, as the README computes it, over files written by
    the export code: 12 promotion opt-outs / 1,000 forwarded = 1.2 %; 3 newsletter opt-outs / 600
    forwarded = 0.5 %."""
    import duckdb

    from streams.analytics import export as ex
    from tests.analytics_data import T0, consent_event, hand_checkable_stats

    section = README[README.index("## Reports and exports") :]
    query = re.search(r"```sql\n(.*?)```", section, re.S)
    assert query is not None
    events = [
        consent_event(f"c{i}", "SMS", at=T0 + i, campaign="spring-sale", message_type="promotion")
        for i in range(12)
    ]
    events += [
        consent_event(f"n{i}", "EMAIL", at=T0 + i, message_type="newsletter") for i in range(3)
    ]
    events.append(consent_event("c0", "SMS", "OPTED_IN", at=T0 + 99, message_type="promotion"))
    monkeypatch.chdir(tmp_path)
    ex.write(ex.event_rows(events), ex.EVENT_COLUMNS, "parquet", Path("consent-events.parquet"))
    ex.write(
        ex.stats_rows(hand_checkable_stats()),
        ex.STATS_COLUMNS,
        "parquet",
        Path("consent-stats.parquet"),
    )
    rows = duckdb.connect().execute(query.group(1)).fetchall()
    assert rows == [("promotion", 1000, 12, 1.2), ("newsletter", 600, 3, 0.5)]

"""The ownership directory (the group assignor), the API's settings, and the CLI's consent
commands up to the point where they would reach Kafka."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiokafka.coordinator.protocol import ConsumerProtocolMemberMetadata
from click.testing import CliRunner

from streams.api.commands import CommandError, build_command
from streams.cli import main as cli
from streams.kafka.directory import DirectoryAssignor, Owner
from streams.models.contract import Contract
from streams.settings import Settings, SettingsError, load_settings

BY_CONTACT = "cg-by-contact"
INPUT = "replies"


class Cluster:
    def __init__(self, partitions: dict[str, int]) -> None:
        self.partitions = partitions

    def partitions_for_topic(self, topic: str) -> set[int] | None:
        n = self.partitions.get(topic)
        return None if n is None else set(range(n))


def test_the_leader_tells_every_member_who_owns_each_partition() -> None:
    workers = {
        "m-1": DirectoryAssignor(BY_CONTACT, "w1", "http://w1:6066"),
        "m-2": DirectoryAssignor(BY_CONTACT, "w2", "http://w2:6066"),
        "m-3": DirectoryAssignor(BY_CONTACT, "w3", ""),  # API off
    }
    members: dict[str, ConsumerProtocolMemberMetadata] = {
        m: a.metadata([INPUT, BY_CONTACT]) for m, a in workers.items()
    }
    members["m-4"] = ConsumerProtocolMemberMetadata(0, [INPUT, BY_CONTACT], b"not ours")
    leader = workers["m-1"]
    result = leader.assign(Cluster({INPUT: 3, BY_CONTACT: 8}), members)
    assert set(result) == set(members)
    owned = {
        p: m for m, a in result.items() for t, ps in a.assignment if t == BY_CONTACT for p in ps
    }
    assert sorted(owned) == list(range(8))  # every partition, once
    for member, assignor in workers.items():
        assert not assignor.joined
        assignor.on_assignment(result[member])
        assert assignor.joined and assignor.assignments == 1
        for p, m in owned.items():
            expected = {
                "m-1": Owner("w1", "http://w1:6066"),
                "m-2": Owner("w2", "http://w2:6066"),
                "m-3": Owner("w3", ""),
                "m-4": None,  # another version: no URL known
            }[m]
            assert assignor.owner(p) == expected
    # rejoining voids the map until the next assignment
    workers["m-2"].metadata([INPUT, BY_CONTACT])
    assert workers["m-2"].owners == {} and not workers["m-2"].joined


def test_it_is_round_robin_to_workers_of_older_versions() -> None:
    """The same protocol name as plain round robin, and the only assignor offered: workers
    without the directory still form a group with these (a leader of theirs gives no map), and
    aiokafka 0.14 sends one JoinGroup per offered assignor (two workers then rebalanced each
    other endlessly)."""
    from aiokafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
    from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment

    from streams.kafka.directory import assignors

    assignor = DirectoryAssignor(BY_CONTACT, "w1", "http://w1:6066")
    assert assignor.name == RoundRobinPartitionAssignor.name
    assert assignors(assignor) == (assignor,)
    old_leader = RoundRobinPartitionAssignor.assign(
        Cluster({BY_CONTACT: 2}),
        {"m-1": assignor.metadata([BY_CONTACT])},
    )
    assignor.on_assignment(old_leader["m-1"])
    assert assignor.joined and assignor.owners == {}
    assignor.on_assignment(ConsumerProtocolMemberAssignment(0, [], b"{not json"))
    assert assignor.owners == {}


def test_held_offsets_only_once_every_member_reads_them() -> None:
    """Records held at a commit go to the changelog as offsets only while every member of the
    group reads them back so; a member of an earlier version (no ``held`` in its metadata), or a
    leader of one (no directory), and every member writes the records themselves."""
    from aiokafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor

    cluster = Cluster({INPUT: 2, BY_CONTACT: 4})
    new = {m: DirectoryAssignor(BY_CONTACT, f"w{m}", "") for m in ("m-1", "m-2")}
    members = {m: a.metadata([INPUT, BY_CONTACT]) for m, a in new.items()}
    result = new["m-1"].assign(cluster, members)
    for m, a in new.items():
        a.on_assignment(result[m])
        assert a.held_offsets

    older = json_metadata({"worker": "w-old", "url": ""})  # an earlier version's metadata
    members = {**{m: a.metadata([INPUT, BY_CONTACT]) for m, a in new.items()}, "m-3": older}
    result = new["m-1"].assign(cluster, members)
    for m, a in new.items():
        a.on_assignment(result[m])
        assert not a.held_offsets

    plain = RoundRobinPartitionAssignor.assign(cluster, members)  # the older one leads
    new["m-2"].on_assignment(plain["m-2"])
    assert not new["m-2"].held_offsets


def json_metadata(info: dict[str, str]) -> ConsumerProtocolMemberMetadata:
    import json

    return ConsumerProtocolMemberMetadata(0, [INPUT, BY_CONTACT], json.dumps(info).encode())


# --- settings --------------------------------------------------------------------------------


def _refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> str:
    monkeypatch.chdir(tmp_path)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    return str(info.value)


def test_api_defaults() -> None:
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (s.http_port, s.http_host, s.advertised_url) == (6066, "0.0.0.0", "")
    assert s.api_token.get_secret_value() == "" and s.api_insecure_demo is False
    assert s.api_url.startswith("http://") and s.api_url.endswith(":6066")
    assert s.ready_max_lag == 10_000
    off = Settings(_env_file=None, http_port=0)  # type: ignore[call-arg]
    assert off.api_url == ""
    given = Settings(_env_file=None, advertised_url="https://w1.internal:443")  # type: ignore[call-arg]
    assert given.api_url == "https://w1.internal:443"


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"CONSENT_GATE_API_TOKEN": "short"}, "API_TOKEN must be at least 16 characters"),
        (
            {"CONSENT_GATE_API_INSECURE_DEMO": "true", "CONSENT_GATE_BOOTSTRAP_SERVERS": "k:9092"},
            "only for a broker and an HTTP API on this machine",
        ),
        (
            {
                "CONSENT_GATE_API_INSECURE_DEMO": "true",
                "CONSENT_GATE_BOOTSTRAP_SERVERS": "localhost:9092",
            },
            "not localhost:9092 and 0.0.0.0",  # the API would listen on every interface
        ),
        (
            {
                "CONSENT_GATE_API_INSECURE_DEMO": "true",
                "CONSENT_GATE_HTTP_HOST": "127.0.0.1",
                "CONSENT_GATE_API_TOKEN": "a-long-enough-token-123",
            },
            "the token would not be asked for",
        ),
        ({"CONSENT_GATE_ADVERTISED_URL": "w1:6066"}, "must be http(s)://host:port"),
        ({"CONSENT_GATE_ADVERTISED_URL": "http://w1:6066/api"}, "must be http(s)://host:port"),
    ],
)
def test_dangerous_or_meaningless_api_settings_are_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str], says: str
) -> None:
    message = _refused(monkeypatch, tmp_path, **env)
    assert message.startswith("Bad settings: ") and says in message


def test_a_bad_port_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    message = _refused(monkeypatch, tmp_path, CONSENT_GATE_HTTP_PORT="70000")
    assert message.startswith("Bad setting CONSENT_GATE_HTTP_PORT:")


def test_the_local_demo_setting_is_accepted_on_localhost(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONSENT_GATE_API_INSECURE_DEMO", "true")
    monkeypatch.setenv("CONSENT_GATE_HTTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CONSENT_GATE_BOOTSTRAP_SERVERS", "localhost:9092,127.0.0.1:9094")
    assert load_settings().api_insecure_demo is True


def test_the_settings_command_masks_the_token(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONSENT_GATE_API_TOKEN", "very-secret-token-0123")
    out = CliRunner().invoke(cli, ["settings"]).output
    assert "CONSENT_GATE_API_TOKEN=***" in out and "very-secret" not in out


# --- commands: one validation for the API and the CLI ---------------------------------------------


def test_build_command_uses_the_gates_rules() -> None:
    settings = Settings(_env_file=None, channels=("SMS", "EMAIL"))  # type: ignore[call-arg]
    c = Contract()
    ok = build_command(settings, c, contact_id=" alice ", channel="sms", action="opt-out")
    assert ok.record["contact_id"] == "alice" and ok.record["channel"] == "SMS"
    with pytest.raises(CommandError) as info:
        build_command(settings, c, contact_id="alice", channel="WHATSAPP", action="opt-out")
    assert (info.value.code, info.value.field) == ("UNKNOWN_CHANNEL", "channel")
    with pytest.raises(CommandError) as info:
        build_command(settings, c, contact_id="alice", channel="SMS", action="opt-in")
    assert (info.value.code, info.value.field) == ("OPT_IN_WITHOUT_PROOF", "proof")
    with pytest.raises(CommandError) as info:
        build_command(
            settings,
            c,
            contact_id="alice",
            channel="SMS",
            action="opt-in",
            fields={"proof": {"method": "web_form", "evidence": "x" * 5000}},
        )
    assert (info.value.code, info.value.field) == ("INVALID_FIELD", "proof.evidence")
    with pytest.raises(CommandError) as info:
        build_command(settings, c, contact_id="alice", channel="SMS", action="erase")
    assert info.value.field == "action"


def _cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str) -> Any:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONSENT_GATE_BOOTSTRAP_SERVERS", "127.0.0.1:1")  # never reached
    return CliRunner().invoke(cli, list(args))


def test_cli_opt_in_without_proof_is_refused_before_kafka(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    result = _cli(monkeypatch, tmp_path, "consent", "opt-in", "alice", "--channel", "SMS")
    assert result.exit_code == 2
    assert "proof is missing" in result.output and "OPT_IN_WITHOUT_PROOF" in result.output
    result = _cli(
        monkeypatch,
        tmp_path,
        *("consent", "opt-in", "alice", "--channel", "SMS", "--proof-method", "paper"),
    )
    assert result.exit_code == 2 and "proof.evidence is missing" in result.output


def test_cli_unknown_channel_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result = _cli(monkeypatch, tmp_path, "consent", "opt-out", "alice", "--channel", "FAX")
    assert result.exit_code == 2 and "UNKNOWN_CHANNEL" in result.output


def test_cli_lookups_say_when_no_worker_answers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    result = _cli(monkeypatch, tmp_path, "consent", "get", "alice", "--url", "http://127.0.0.1:1")
    assert result.exit_code == 2
    assert "no consent-gate worker answered at http://127.0.0.1:1" in result.output
    result = _cli(monkeypatch, tmp_path, "status", "--url", "http://127.0.0.1:1")
    assert result.exit_code == 2 and "no consent-gate worker answered" in result.output

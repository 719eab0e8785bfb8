"""The fault run's Faust peer (tests/fault/peers.py) without a broker or Faust: its replay by the
Faust gate's rules, its table check and its command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fault.harness import (
    AvroCodec,
    Input,
    LoadGenerator,
    LoadSpec,
    Outputs,
    Planned,
    make_settings,
    read_inputs,
)
from tests.fault.peers import (
    FaustPeer,
    compare_table,
    faust_replay,
    faust_table,
    merge_table_mismatches,
    peer,
    strip_headers,
)
from tests.fault.run import parse_args
from tests.harness_common import Rec

SETTINGS = make_settings("localhost:1", "peers")
CODEC = AvroCodec()


@pytest.fixture
def gen() -> LoadGenerator:
    return LoadGenerator(LoadSpec(inputs=100, contacts=10, opt_outs=0), SETTINGS, CODEC)


def _inputs(planned: list[Planned]) -> list[Input]:
    """One record per planned input, 10 ms apart in that order (each on its own offset)."""
    recs = [
        Rec(p.topic, 0, offset, 1_000 + 10 * offset, p.key, p.value, p.headers)
        for offset, p in enumerate(planned)
    ]
    return read_inputs(recs, SETTINGS, CODEC)


def test_only_an_exact_reply_opts_out_and_the_campaigns_after_it_are_suppressed(
    gen: LoadGenerator,
) -> None:
    inputs = _inputs(
        [
            gen.send("c1", "SMS", "CAMPAIGN"),  # before the STOP: forwarded
            gen.reply("c1", "SMS", "STOP"),
            gen.send("c1", "SMS", "CAMPAIGN"),
            gen.send("c1", "SMS", "INBOX"),
            gen.send("c1", "EMAIL", "CAMPAIGN"),  # another channel
            gen.reply("c1", "SMS", "stop"),  # a repeated opt-out: nothing
            gen.reply("c2", "SMS", "please stop texting me"),  # contained: not the Faust rules
            gen.send("c2", "SMS", "CAMPAIGN"),
        ]
    )
    table = faust_replay(inputs, SETTINGS.channels, CODEC)
    expect = [i.expect for i in inputs]
    assert expect == [
        "forward",
        "event",
        "suppress",
        "forward",
        "forward",
        "none",
        "none",
        "forward",
    ]
    stop = inputs[1]
    assert stop.event_type == "OPTED_OUT" and stop.event_id == f"{stop.ident}/SMS/OPTED_OUT"
    assert inputs[2].reason == "OPTED_OUT" and inputs[2].state_by is stop
    assert table == {("c1", "SMS"): stop}


def test_clicks_commands_opt_ins_and_unreadable_records_expect_nothing(gen: LoadGenerator) -> None:
    bad_reply = gen.reply("c3", "SMS", "STOP")  # a reply on the requests topic: still a reply
    inputs = _inputs(
        [
            gen.stop("click", "c1", "SMS"),
            gen.stop("command", "c1", "SMS"),
            gen.send("c1", "SMS", "CAMPAIGN"),  # the gate reads neither: forwarded
            gen.reply("c2", "SMS", "STOP"),
            gen.reply("c2", "SMS", "START"),  # no opt-in in the Faust gate
            gen.send("c2", "SMS", "CAMPAIGN"),
            gen.send("c1", "FAX", "CAMPAIGN"),  # an unknown channel: dropped
            Planned(SETTINGS.requests_topic, b"c1", b"not avro"),
            Planned(SETTINGS.requests_topic, bad_reply.key, bad_reply.value),
        ]
    )
    faust_replay(inputs, SETTINGS.channels, CODEC)
    assert [i.expect for i in inputs] == [
        "none", "none", "forward", "event", "none", "suppress", "none", "none", "event",
    ]  # fmt: skip
    assert inputs[6].error == "UNKNOWN_CHANNEL"
    assert inputs[8].kind == "reply"
    assert all(i.error is None for i in inputs if i is not inputs[6])


def test_the_table_check_compares_opted_out_pairs_and_the_reply_behind_each(
    gen: LoadGenerator,
) -> None:
    inputs = _inputs([gen.reply("c1", "SMS", "STOP"), gen.reply("c2", "EMAIL", "STOP")])
    expected = faust_replay(inputs, SETTINGS.channels, CODEC)
    c1, c2 = inputs

    def entry(event_id: str) -> dict[str, object]:
        return {"subscribed": False, "event_id": event_id, "changes": 1}

    log = [
        Rec("cl", 0, 0, 1, b"c1", json.dumps({"SMS": entry(str(c1.ident))}).encode()),
        Rec("cl", 1, 0, 1, b"c2", json.dumps({"EMAIL": entry("another")}).encode()),
        Rec("cl", 2, 0, 1, b"c9", json.dumps({"SMS": entry("x")}).encode()),
        Rec("cl", 2, 1, 1, b"c9", None),  # deleted later: not in the table
        Rec("cl", 3, 0, 1, b"c8", b"not json"),
    ]
    actual = faust_table(log)
    assert actual[("c1", "SMS")] == entry(str(c1.ident))
    assert ("c9", "SMS") not in actual and actual[("c8", "?")] is None
    times, live, examples = compare_table(expected, actual)
    assert live == 3  # c1, c2 and the undecodable c8
    assert sorted(times) == sorted([0, c2.rec.timestamp_ms])
    assert len(examples) == 2

    by_fault = {"kill -9": {"faults": 1, "lost": 0, "table mismatches": 1}}
    merge_table_mismatches(
        by_fault,
        {
            "kill -9": {"faults": 1, "lost": 0, "table mismatches": 2},
            "no fault near": {"faults": 0, "lost": 0, "table mismatches": 1},
            "SIGTERM": {"faults": 1, "lost": 0, "table mismatches": 0},
        },
    )
    assert by_fault["kill -9"]["table mismatches"] == 3
    assert by_fault["no fault near"]["table mismatches"] == 1 and "SIGTERM" not in by_fault


def test_forwarded_copies_without_headers_are_counted_then_compared_by_key_and_value(
    gen: LoadGenerator,
) -> None:
    send = gen.send("c1", "SMS", "CAMPAIGN")
    send = Planned(send.topic, send.key, send.value, (("trace-id", b"1"),))
    inputs = _inputs([send, gen.send("c2", "SMS", "CAMPAIGN")])
    faust_replay(inputs, SETTINGS.channels, CODEC)
    outputs = Outputs(SETTINGS, CODEC, inputs)
    topic = SETTINGS.channel_topic("SMS")
    outputs.add([Rec(topic, 0, n, 2_000, i.rec.key, i.rec.value) for n, i in enumerate(inputs)])
    assert strip_headers(inputs, outputs) == 1
    assert all(i.rec.headers == () for i in inputs)


def test_the_system_option_picks_the_peer_and_its_command_line(tmp_path: Path) -> None:
    assert parse_args([]).system == "consent-gate" and peer("consent-gate") is None
    assert parse_args(["--system", "faust-eos"]).system == "faust-eos"
    faust, eos = peer("faust"), peer("faust-eos")
    assert isinstance(faust, FaustPeer) and isinstance(eos, FaustPeer)
    assert (faust.guarantee, eos.guarantee) == ("at_least_once", "exactly_once")
    argv = eos.argv(SETTINGS, tmp_path / "w0")
    assert argv[argv.index("--guarantee") + 1] == "exactly_once"
    assert argv[argv.index("--session-timeout") + 1] == str(SETTINGS.session_timeout_s)
    assert argv[argv.index("--group") + 1] == SETTINGS.app_id
    assert f"--channel=SMS={SETTINGS.channel_topic('SMS')}" in argv
    workers = eos.make_workers(SETTINGS, 2, tmp_path)
    assert [w.name for w in workers] == ["w0", "w1"]
    assert workers[1].command()[-1] == str(SETTINGS.session_timeout_s)
    with pytest.raises(ValueError, match="unknown system"):
        peer("flink")

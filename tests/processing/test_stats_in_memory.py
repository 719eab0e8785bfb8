"""Attribution, history and statistics through router and gate, in memory (no Kafka;
tests/harness.py)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from streams.core.stats import HOUR_MS
from streams.models import builders as b
from streams.models.contract import Contract, RecordName
from streams.processing.records import KIND_HEADER, Output
from streams.processing.stats import STATS_KIND, Analytics, StatsAggregator
from streams.settings import Settings
from streams.state.consent_store import DictTable
from streams.state.history import history, state_at
from tests.harness import InMemoryGate

R = RecordName
DAY = 24 * HOUR_MS
T0 = 19_000 * DAY + 10 * HOUR_MS  # 10:00 UTC on some day


def settings(**kw: Any) -> Settings:
    return Settings(_env_file=None, **{"partitions": 1, **kw})  # type: ignore[call-arg]


def test_stops_are_attributed_to_the_last_campaign_on_their_channel(contract: Contract) -> None:
    h = InMemoryGate(settings(), contract, event_times=True)
    ids = {}
    for i in range(20):
        [out] = h.send(f"c{i}", "SMS", ts=T0 + i, campaign_id="spring", message_type="promotion")
        ids[f"c{i}"] = h.c.decode(R.OUTBOUND_MESSAGE, out.value)["message_id"]
    events = []
    for i in range(12):
        events += h.events(h.reply(f"c{i}", "SMS", "STOP", ts=T0 + 60_000 + i))
    events += h.events(h.reply("c0", "SMS", "STOP", ts=T0 + 70_000))  # a repeat: no event
    assert len(events) == 12
    for e in events:
        assert (e["attribution"], e["campaign_id"], e["message_type"]) == (
            "INFERRED",
            "spring",
            "promotion",
        )
        assert e["attributed_message_id"] == ids[e["contact_id"]]
        assert e["attributed_sent_at_ms"] == T0 + int(e["contact_id"][1:])
    [wa] = h.events(h.reply("c15", "WHATSAPP", "STOP", ts=T0 + 80_000))
    assert (wa["attribution"], wa["campaign_id"], wa["attributed_message_id"]) == (
        "NONE",
        None,
        None,
    )
    [late] = h.events(h.reply("c16", "SMS", "STOP", ts=T0 + 8 * DAY))  # outside the 7-day window
    assert late["attribution"] == "NONE"
    [explicit] = h.events(
        h.click("c17", "SMS", ts=T0 + 90_000, campaign_id="other", feedback_reason="x")
    )
    assert (explicit["attribution"], explicit["campaign_id"]) == ("EXPLICIT", "other")


def test_a_suppressed_campaign_is_not_what_an_opt_out_is_attributed_to(contract: Contract) -> None:
    h = InMemoryGate(settings(), contract, event_times=True)
    h.send("c1", "SMS", ts=T0, campaign_id="first")
    h.reply("c1", "SMS", "STOP", ts=T0 + 1)
    [sup] = h.send("c1", "SMS", ts=T0 + 2, campaign_id="second")
    assert sup.topic == h.s.suppressed_topic
    h.reply("c1", "SMS", "START", ts=T0 + 3)
    [again] = h.events(h.reply("c1", "SMS", "STOP", ts=T0 + 4))
    assert again["campaign_id"] == "first"


def test_history_keeps_every_change_with_its_proof(contract: Contract) -> None:
    h = InMemoryGate(settings(), contract, event_times=True)
    for text, ts in (("STOP", T0), ("START", T0 + 1000), ("STOP", T0 + 2000), ("STOP", T0 + 3000)):
        h.reply("c1", "SMS", text, ts=ts)
    h.reply("c1", "WHATSAPP", "STOP", ts=T0 + 500)
    h.reply("c2", "SMS", "STOP", ts=T0 + 500)
    sms = history(h.table, "c1", "SMS", contract=contract)
    assert [(c.occurred_at_ms, c.subscribed, c.event["raw_text"]) for c in sms] == [
        (T0, False, "STOP"),
        (T0 + 1000, True, "START"),
        (T0 + 2000, False, "STOP"),
    ]
    assert len(history(h.table, "c1", contract=contract)) == 4
    assert state_at(sms, T0 - 1, channel="SMS").subscribed is True
    assert state_at(sms, T0 + 1500, channel="SMS").change == sms[1]
    assert state_at(sms, T0 + 2500, channel="SMS").change == sms[2]


def delta_outputs_to(outs: list[Output], q: int) -> list[Output]:
    return [o for o in outs if o.partition == q and dict(o.headers).get(KIND_HEADER) == STATS_KIND]


def test_stats_are_aggregated_across_partitions_and_final_once(contract: Contract) -> None:
    s = settings(partitions=2, stats_grace_ms=60_000, stats_update_interval_ms=0)
    tables = [DictTable(), DictTable()]
    counters: Counter[str] = Counter()
    producers = [Analytics(s, contract, tables[p], partition=p, counters=counters) for p in (0, 1)]
    aggs = [StatsAggregator(s, contract, tables[q], [], counters=counters) for q in (0, 1)]
    msg = b.outbound_message("c1", "SMS", campaign_id="spring", message_type="promotion")
    for p, n in ((0, 600), (1, 400)):
        for i in range(n):
            producers[p].sent({**msg, "contact_id": f"c{p}-{i}"}, "SMS", True, T0 + i)
    producers[1].sent(msg, "SMS", False, T0 + 5)

    def deliver(outs: list[Output], now: int) -> list[dict[str, Any]]:
        rows = []
        for q in (0, 1):
            for o in delta_outputs_to(outs, q):
                for r in aggs[q].receive(contract.decode(R.STATS_DELTA, o.value), now):
                    rows.append(contract.decode(R.CONSENT_STATS, r.value))
        return rows

    # nothing is closed yet: deltas only, running rows, no final row
    outs = producers[0].flush(None) + producers[1].flush(None)
    assert deliver(outs, T0) == []
    running = [
        contract.decode(R.CONSENT_STATS, o.value) for q in (0, 1) for o in aggs[q].running(T0)
    ]
    assert {(r["window"], r["forwarded"], r["suppressed"], r["final"]) for r in running} == {
        ("HOUR", 1000, 1, False),
        ("DAY", 1000, 1, False),
    }
    # partition 0 passes the hour's end + grace; partition 1 not yet: still nothing final
    assert deliver(producers[0].flush(T0 + HOUR_MS + 60_000), T0) == []
    # then partition 1 does too: the hour's final row, once; the day stays open
    finals = deliver(producers[1].flush(T0 + HOUR_MS + 60_000), T0)
    assert [(r["window"], r["forwarded"], r["suppressed"], r["final"]) for r in finals] == [
        ("HOUR", 1000, 1, True)
    ]
    assert finals[0]["cost_saved"] == 0.0079 and finals[0]["currency"] == "USD"
    # a late input of the closed hour is not counted anywhere (its final row is out)
    producers[0].sent(msg, "SMS", True, T0 + 7)
    assert deliver(producers[0].flush(T0 + HOUR_MS + 60_000), T0) == []
    assert counters["stats_late"] == 1  # the hour; the day is still open and counts it
    day_end = T0 - T0 % DAY + DAY
    finals = deliver(
        producers[0].flush(day_end + 60_000) + producers[1].flush(day_end + 60_000), T0
    )
    assert [(r["window"], r["forwarded"], r["final"]) for r in finals] == [("DAY", 1001, True)]
    assert all(not a.aggregates for a in aggs)
    assert not any(k.startswith(b"\x04a") for t in tables for k in t)


def test_aggregates_survive_a_restart_from_the_table(contract: Contract) -> None:
    s = settings(partitions=1, stats_grace_ms=0, stats_update_interval_ms=0)
    table = DictTable()
    producer = Analytics(s, contract, table)
    agg = StatsAggregator(s, contract, table, [])
    producer.sent(b.outbound_message("c1", "EMAIL", campaign_id="news"), "EMAIL", True, T0)
    for o in producer.flush(None):
        agg.receive(contract.decode(R.STATS_DELTA, o.value), T0)
    again = StatsAggregator(
        s, contract, table, [(k, v) for k, v in table.items() if k.startswith(b"\x04a")]
    )
    assert again.aggregates == agg.aggregates and len(again.aggregates) == 2


def imported_row(h: InMemoryGate, file_name: str, line: int, **row: str) -> dict[str, Any]:
    """The command `consent-gate import` makes of one CSV row of ``file_name``."""
    from streams.tools.importer import RowBuilder

    return RowBuilder(h.s, h.c, file_name).command(row, line)


def test_a_row_imported_twice_keeps_its_first_proof(contract: Contract) -> None:
    """Re-importing the same rows gave the event again with the same event id and the new
    file's evidence, and replaced the proof in the history."""
    h = InMemoryGate(settings(), contract, event_times=True)
    row = {"contact": "c1", "channel": "sms", "when": "2025-03-01T10:00:00Z", "reason": "old"}
    first = imported_row(h, "list-2025.csv", 7, **row)
    again = imported_row(h, "list-2025-copy.csv", 9, **row)
    assert first["command_id"] == again["command_id"]
    assert again["proof"]["evidence"] == "list-2025-copy.csv:9"
    [one] = h.events(h.record(h.s.commands_topic, R.CONSENT_COMMAND, first, T0))
    [two] = h.events(h.record(h.s.commands_topic, R.CONSENT_COMMAND, again, T0 + 1000))
    assert two == one  # the same event, first proof and first recorded time included
    assert one["proof"]["evidence"] == "list-2025.csv:7"
    [change] = history(h.table, "c1", "SMS", contract=contract)
    assert change.event["proof"]["evidence"] == "list-2025.csv:7"
    assert change.event["occurred_at_ms"] == first["issued_at_ms"]


def test_a_replay_whose_history_entry_was_lost_is_rebuilt_and_stored(contract: Contract) -> None:
    h = InMemoryGate(settings(), contract, event_times=True)
    cmd = imported_row(h, "a.csv", 2, contact="c1", channel="SMS", when="2025-03-01T10:00:00Z")
    [one] = h.events(h.record(h.s.commands_topic, R.CONSENT_COMMAND, cmd, T0))
    for key in [k for k in h.table if k.startswith(b"\x03")]:
        h.put(key, None)  # the history entry lost (a crash between the writes)
    [two] = h.events(h.record(h.s.commands_topic, R.CONSENT_COMMAND, cmd, T0 + 1))
    assert two["event_id"] == one["event_id"] and two["proof"] == one["proof"]
    assert len(history(h.table, "c1", "SMS", contract=contract)) == 1


def test_imported_opt_outs_are_not_counted_in_the_windows(contract: Contract) -> None:
    """Imported opt-outs dated years ago were counted as today's (the import's Kafka time)."""
    h = InMemoryGate(settings(), contract, event_times=True)
    cmd = imported_row(h, "a.csv", 2, contact="c1", channel="SMS", when="2024-01-01T00:00:00Z")
    assert h.events(h.record(h.s.commands_topic, R.CONSENT_COMMAND, cmd, T0))
    h.reply("c2", "SMS", "STOP", ts=T0 + 5)
    counted = [  # the hours' opt-outs in the statistics deltas the commits sent
        (r["window_start_ms"], r["campaign_id"], r["channel"], r["message_type"], r["opt_outs"])
        for o in h.stats
        if dict(o.headers).get(KIND_HEADER) == STATS_KIND
        for r in h.c.decode(R.STATS_DELTA, o.value)["rows"]
        if r["window"] == "HOUR" and r["opt_outs"]
    ]
    assert counted == [(T0 - T0 % HOUR_MS, None, "SMS", None, 1)]  # the STOP only


def test_a_row_imported_again_after_an_opt_in_does_not_opt_out_again(contract: Contract) -> None:
    """The contact opted back in (new proof) after the first import; the same row imported
    again (before the importer could see it there) must not undo that."""
    h = InMemoryGate(settings(), contract, event_times=True)
    row = {"contact": "c1", "channel": "SMS", "when": "2025-03-01T10:00:00Z"}
    first = imported_row(h, "list.csv", 2, **row)
    assert h.events(h.record(h.s.commands_topic, R.CONSENT_COMMAND, first, T0))
    [back_in] = h.events(h.reply("c1", "SMS", "START", ts=T0 + 10))
    assert back_in["type"] == "OPTED_IN"
    again = imported_row(h, "list.csv", 2, **row)
    assert h.events(h.record(h.s.commands_topic, R.CONSENT_COMMAND, again, T0 + 20)) == []
    [sent] = h.send("c1", "SMS", ts=T0 + 30, campaign_id="spring")
    assert sent.topic == h.s.channel_topic("SMS")  # still subscribed
    other = imported_row(h, "list.csv", 3, **{**row, "when": "2025-04-01T10:00:00Z"})
    [out] = h.events(h.record(h.s.commands_topic, R.CONSENT_COMMAND, other, T0 + 40))
    assert out["type"] == "OPTED_OUT"  # another row is another opt-out

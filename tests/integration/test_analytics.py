"""Attribution, live statistics and the consent history on the real broker, with figures you can
check by hand. Inputs carry timestamps two days back (produced before the worker starts), so the
hour and the day they fall in are over and their final rows come as soon as the worker has read
every input: no waiting an hour."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from devtools.runner import Produce, settings_env
from streams.models import builders as b
from streams.settings import Settings
from streams.state.history import history, state_at
from streams.state.store import StateStore
from tests.integration.conftest import LiveGate, R

HOUR = 3_600_000
DAY = 24 * HOUR


def reply(g: LiveGate, contact: str, channel: str, text: str, ts: int) -> Produce:
    rec = b.inbound_reply(contact, channel, text, received_at_ms=ts)
    return g.rec(g.s.replies_topic, R.INBOUND_REPLY, rec, timestamp_ms=ts)


def send(g: LiveGate, contact: str, channel: str, ts: int, **fields: Any) -> tuple[Produce, str]:
    rec = b.outbound_message(contact, channel, requested_at_ms=ts, **fields)
    return g.rec(g.s.requests_topic, R.OUTBOUND_MESSAGE, rec, timestamp_ms=ts), rec["message_id"]


def click(g: LiveGate, contact: str, channel: str, ts: int, **fields: Any) -> Produce:
    rec = b.link_click(contact, channel, clicked_at_ms=ts, **fields)
    return g.rec(g.s.clicks_topic, R.LINK_CLICK, rec, timestamp_ms=ts)


def test_rate_attribution_repeat_and_cost_saved(make_gate: Callable[..., LiveGate]) -> None:
    g = make_gate(
        stats_grace_ms=1_000,
        stats_update_interval_ms=500,
        unit_prices=("SMS=0.0079", "WHATSAPP=0.005", "EMAIL=0.0001"),
        currency="EUR",
    )
    day = (int(time.time() * 1000) // DAY - 2) * DAY
    base = day + 10 * HOUR  # 10:00 UTC two days ago: its hour and its day are over
    records: list[Produce] = []
    sent_to: dict[str, str] = {}
    for i in range(1000):  # 1,000 campaign messages, one every 100 ms
        rec, message_id = send(
            g, f"c{i:04}", "SMS", base + i * 100, campaign_id="spring", message_type="promotion"
        )
        records.append(rec)
        sent_to[f"c{i:04}"] = message_id
    stop_at = base + 200_000
    records += [reply(g, f"c{i:04}", "SMS", "STOP", stop_at + i) for i in range(12)]
    records.append(reply(g, "c0000", "SMS", "STOP", stop_at + 60_000))  # repeated: not counted
    records.append(reply(g, "c0500", "WHATSAPP", "STOP", stop_at + 70_000))  # only SMS campaigns
    records += [  # to contacts who opted out: suppressed
        send(
            g, f"c{i:04}", "SMS", base + 400_000 + i, campaign_id="spring", message_type="promotion"
        )[0]
        for i in range(5)
    ]
    for i in range(10):  # e-mail: 10 sent, 2 unsubscribe on the page naming the campaign
        records.append(send(g, f"e{i}", "EMAIL", base + i, campaign_id="news")[0])
    records += [
        click(
            g, f"e{i}", "EMAIL", base + 500_000 + i, campaign_id="news", feedback_reason="too many"
        )
        for i in range(2)
    ]
    g.produce(*records)
    g.start_worker()
    g.wait(lambda g: len(g.final_stats()) == 6 and len(g.events()) == 15, timeout_s=150)

    events = g.events()
    sms = [e for e in events if e["channel"] == "SMS"]
    assert len(sms) == 12 and all(e["type"] == "OPTED_OUT" for e in sms)
    for e in sms:
        assert (e["attribution"], e["campaign_id"], e["message_type"]) == (
            "INFERRED",
            "spring",
            "promotion",
        )
        assert e["attributed_message_id"] == sent_to[e["contact_id"]]
    [wa] = [e for e in events if e["channel"] == "WHATSAPP"]
    assert (wa["attribution"], wa["campaign_id"], wa["attributed_message_id"]) == (
        "NONE",
        None,
        None,
    )
    assert {e["attribution"] for e in events if e["channel"] == "EMAIL"} == {"EXPLICIT"}
    assert len(g.on("SMS")) == 1000 and len(g.suppressed()) == 5

    finals = g.final_stats()
    for window, start in (("HOUR", base), ("DAY", day)):
        spring = finals[(window, start, "spring", "SMS", "promotion")]
        assert (
            spring["forwarded"],
            spring["suppressed"],
            spring["opt_outs"],
            spring["opt_ins"],
        ) == (
            1000,
            5,
            12,  # the repeated STOP does not count
            0,
        )
        assert spring["unsubscribe_rate"] == 0.012  # 12 / 1,000 = 1.2 %
        assert (spring["cost_saved"], spring["currency"]) == (0.0395, "EUR")  # 5 x 0.0079
        assert spring["window_end_ms"] == start + (HOUR if window == "HOUR" else DAY)
        none_wa = finals[(window, start, None, "WHATSAPP", None)]
        assert (none_wa["opt_outs"], none_wa["forwarded"], none_wa["unsubscribe_rate"]) == (
            1,
            0,
            None,
        )
        news = finals[(window, start, "news", "EMAIL", None)]
        assert (news["forwarded"], news["opt_outs"], news["unsubscribe_rate"]) == (10, 2, 0.2)
        assert news["reasons"] == [{"reason": "too many", "count": 2}]
    # running rows never claim more than the final ones
    for row in g.stats():
        if row["campaign_id"] == "spring":
            assert row["forwarded"] <= 1000 and row["opt_outs"] <= 12


def history_cli(settings: Settings, *args: str) -> str:
    env = {**settings_env(settings), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "streams.cli", "consent", "history", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_history_at_three_times_around_stop_start_stop(make_gate: Callable[..., LiveGate]) -> None:
    g = make_gate()
    t1 = int(time.time() * 1000) - 60_000
    t2, t3 = t1 + 10_000, t1 + 20_000
    inputs = [
        reply(g, "c1", "SMS", "STOP", t1),
        reply(g, "c1", "SMS", "START", t2),
        reply(g, "c1", "SMS", "Stop!", t3),
        reply(g, "c1", "WHATSAPP", "STOP", t2),
    ]
    g.produce(*inputs)
    g.start_worker()
    g.wait(lambda g: len(g.events()) == 4)
    ids = {e["raw_text"]: e["trigger_event_id"] for e in g.events() if e["channel"] == "SMS"}
    assert g.stop_worker() == 0  # the answers come from the changelog: no worker needed

    def at(t: int) -> str:
        return history_cli(g.s, "c1", "--at", str(t), "--channel", "sms")

    assert ": subscribed (default" in at(t1 - 1)
    between = at(t1 + 5_000)
    assert ": NOT subscribed" in between and ids["STOP"] in between
    after_start = at(t2 + 5_000)
    assert ": subscribed (since" in after_start and ids["START"] in after_start
    assert "text 'START'" in after_start
    last = at(t3 + 5_000)
    assert ": NOT subscribed" in last and ids["Stop!"] in last
    iso = history_cli(g.s, "c1", "--at", "2000-01-01T00:00:00Z")
    assert "c1 on SMS" in iso and "c1 on WHATSAPP" in iso and "NOT" not in iso
    everything = history_cli(g.s, "c1").splitlines()
    assert len(everything) == 4

    # the same from the worker's own store (what the HTTP API reads)
    store = StateStore(g.s.data_dir / g.s.app_id / "state")
    try:
        changes = history(store, "c1", "SMS", contract=g.c, partitions=g.s.partitions)
    finally:
        store.close()
    assert [(c.occurred_at_ms, c.subscribed) for c in changes] == [
        (t1, False),
        (t2, True),
        (t3, False),
    ]
    assert state_at(changes, t2 + 1, channel="SMS").change == changes[1]

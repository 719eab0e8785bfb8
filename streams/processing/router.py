"""Stage 1, the router: reads the input topics, checks each record, and

* dead-letters what cannot be used (with the reason and the original bytes),
* forwards INBOX messages straight to their channel topic, untouched (they never depend on consent),
* skips a tombstone (a record with no value: it carries nothing to decide; counted),
* re-partitions everything else by contact id onto the internal by-contact topic with a fixed
  partitioner, so that the gate sees every input of one contact in one partition; the copy keeps
  the input's timestamp, by which the gate orders what it decides (``streams.core.ordering``).

The record goes to the internal topic byte-for-byte; the router only adds two headers (the input
kind and where the record came from), which the gate strips before anything leaves it.
"""

from __future__ import annotations

import logging
import time

from streams.core.decision import consent_applies
from streams.core.partitioner import partition_for
from streams.models.contract import Contract
from streams.processing.oversize import record_size, within
from streams.processing.records import (
    KIND_HEADER,
    ORIGIN_HEADER,
    InputKind,
    Output,
    Rejected,
    SourceRecord,
    dead_letter,
    failure,
    origin_header,
)
from streams.processing.validate import Validator
from streams.settings import Settings

logger = logging.getLogger("consent_gate.router")

#: What a routed record grows by when the gate keeps it in the changelog while it waits for its
#: turn (a HeldRecord: its offset, timestamp and the Avro framing of key, value and headers). Only
#: the local path's copies go there (a record read from the by-contact topic stays on it), but
#: every record is bounded so: whether one fits must not depend on which worker owns its partition.
HELD_OVERHEAD = 128


class Router:
    def __init__(self, settings: Settings, contract: Contract) -> None:
        self.settings = settings
        self.contract = contract
        self.validator = Validator(contract, settings.channels, settings.max_text_length)
        self.kind_of_topic = {
            settings.replies_topic: InputKind.REPLY,
            settings.clicks_topic: InputKind.CLICK,
            settings.requests_topic: InputKind.REQUEST,
            settings.commands_topic: InputKind.COMMAND,
            settings.reports_topic: InputKind.REPORT,
        }
        self.channel_topics = settings.channel_topics
        self.internal_topic = settings.by_contact_topic
        self.partitions = settings.partitions
        self._kind_headers = {k: k.value.encode() for k in InputKind}

    @staticmethod
    def skips(src: SourceRecord) -> bool:
        """Whether ``src`` is a tombstone (null value), which is skipped rather than routed.

        A tombstone on an input is not an error: it is how a producer of a compacted topic
        deletes a key, it holds no data to lose, and no input of ours has a meaning for it (an
        erasure is a ConsentCommand ERASE, with its id, time and actor as the record of it). The
        engine skips it and counts it (``tombstones`` in the progress line)."""
        return src.value is None

    def route(self, src: SourceRecord) -> Output:
        """What ``src`` becomes: its copy on the internal topic, an INBOX message on its channel
        topic, or a dead letter (a tombstone is a ``NOT_AVRO`` dead letter here: see
        :meth:`skips`)."""
        try:
            return self._route(src)
        except Exception as exc:  # rejected input, or a bug: dead-letter it and go on
            code, reason = failure(exc, "router", src, logger)
        return dead_letter(
            self.contract,
            self.settings.deadletter_topic,
            src=src,
            code=code,
            reason=reason,
            stage="router",
            now_ms=int(time.time() * 1000),
            max_bytes=self.settings.max_message_bytes,
        )

    def _route(self, src: SourceRecord) -> Output:
        kind = self.kind_of_topic[src.topic]
        valid = self.validator.check(kind, src.value)
        assert src.value is not None
        if kind is InputKind.REQUEST and not consent_applies(valid.record["origin"]):
            return Output(self.channel_topics[valid.channel], src.key, src.value, src.headers)
        route = None
        if kind is InputKind.REQUEST:  # the gate decides on these without decoding again
            route = {**valid.record, "channel": valid.channel, "contact_id": valid.contact_id}
        headers = [
            *src.headers,
            (KIND_HEADER, self._kind_headers[kind]),
            (ORIGIN_HEADER, origin_header(src, route)),
        ]
        limit = self.settings.max_message_bytes - HELD_OVERHEAD
        if within(src.key, src.value, headers, limit):
            size = 0  # far below the limit: its exact size does not matter
        else:
            size = record_size(src.key, src.value, headers) + HELD_OVERHEAD
        if size > self.settings.max_message_bytes and route is not None:
            # The route only saves the gate a decode: a record it would make too large goes
            # without it.
            headers[-1] = (ORIGIN_HEADER, origin_header(src))
            size = record_size(src.key, src.value, headers) + HELD_OVERHEAD
        if size > self.settings.max_message_bytes:
            raise Rejected(
                "TOO_LARGE",
                f"the record would take {size} bytes once routed and held for ordering, more "
                f"than the producer's limit of {self.settings.max_message_bytes} "
                "(CONSENT_GATE_MAX_MESSAGE_BYTES)",
            )
        return Output(
            self.internal_topic,
            src.key,
            src.value,
            headers,
            partition=partition_for(valid.contact_id, self.partitions),
            timestamp_ms=src.timestamp_ms,
        )

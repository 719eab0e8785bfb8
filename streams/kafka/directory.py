"""Which worker owns which by-contact partition, and how to reach it: the ownership directory
behind ``GET /consent/{contact}`` on any worker.

As Kafka Streams does with ``application.server``: every worker puts its advertised HTTP URL
(and worker id) into its group membership metadata (``user_data``); the group leader, which
computes the assignment, puts the map *by-contact partition -> owner* into every member's
assignment ``user_data``. Every worker therefore learns the whole map with each rebalance, from
the group protocol itself: no extra topic, no extra coordination.

The assignment is aiokafka's round robin (what the engine used before), unchanged, and the
assignor keeps the protocol name ``roundrobin``: ``user_data`` is opaque to the plain round-robin
assignor, so workers of a version without the directory form a group with these (a rolling
upgrade needs no stop). While such a worker leads the group the directory is empty and lookups
of partitions owned elsewhere answer 503. It is the only assignor offered: aiokafka 0.14 sends
one JoinGroup per offered assignor at each join (``perform_group_join``), which with two of them
made two workers rebalance each other endlessly.

The same metadata says what each member can read back of the records its partitions held at a
commit: only their offsets (``"held": "offsets"``, this version) or the records themselves
(earlier versions). The leader tells every member, in the assignment, whether the whole group
reads offsets (:attr:`DirectoryAssignor.held_offsets`); until it does, as in a rolling upgrade,
commits write the records themselves (``streams.processing.partition``).

The map is only as fresh as the last rebalance: between a worker losing a partition and the next
assignment it may point at the old owner, which answers 503 (it no longer owns it); callers retry.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from aiokafka.cluster import ClusterMetadata
from aiokafka.coordinator.assignors.abstract import AbstractPartitionAssignor
from aiokafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
from aiokafka.coordinator.protocol import (
    ConsumerProtocolMemberAssignment,
    ConsumerProtocolMemberMetadata,
)

from streams.logs import log_event

logger = logging.getLogger("consent_gate.directory")

#: The name the group protocol knows this assignor by: the assignment *is* round robin.
NAME = "roundrobin"
VERSION = 0


@dataclass(frozen=True, slots=True)
class Owner:
    worker: str
    url: str  # "" when that worker's HTTP API is off


#: What a member says it reads back of the records its partitions held (``user_data["held"]``).
HELD_OFFSETS = "offsets"


def _member_info(user_data: bytes) -> tuple[Owner | None, bool]:
    """(who the member is, whether it reads held records back from their offsets), read once."""
    try:
        data = json.loads(user_data.decode())
        return Owner(str(data["worker"]), str(data["url"])), data.get("held") == HELD_OFFSETS
    except (ValueError, KeyError, TypeError, AttributeError):
        return None, False  # not one of ours (another version): no known URL, no offsets


class DirectoryAssignor(AbstractPartitionAssignor):  # type: ignore[misc]
    """Round robin, plus the partition -> owner map of ``by_contact`` in every assignment."""

    name = NAME
    version = VERSION

    def __init__(self, by_contact: str, worker: str, url: str) -> None:
        self.by_contact = by_contact
        self.me = Owner(worker, url)
        #: The map from the last assignment this member received (empty before the first).
        self.owners: dict[int, Owner] = {}
        self.assignments = 0  # how many assignments were received (the map's "generation")
        self.joined = False  # True from an assignment of ours until this member rejoins
        #: Whether every member of the group reads held records back from their offsets (the
        #: last assignment said so); False: some member is of an earlier version, or unknown.
        self.held_offsets = False

    # aiokafka calls these on the instance (its base class declares them classmethods).
    def metadata(self, topics: Iterable[str]) -> ConsumerProtocolMemberMetadata:
        # Called as this member (re)joins: in aiokafka's eager protocol every member gives up
        # its partitions first, so the old map is void until the new assignment arrives (and
        # stays empty should the group settle on plain round robin).
        self.owners = {}
        self.joined = False
        info = json.dumps(
            {"worker": self.me.worker, "url": self.me.url, "held": HELD_OFFSETS}
        ).encode()
        return ConsumerProtocolMemberMetadata(self.version, list(topics), info)

    def assign(
        self,
        cluster: ClusterMetadata,
        members: Mapping[str, ConsumerProtocolMemberMetadata],
    ) -> dict[str, ConsumerProtocolMemberAssignment]:
        plain = RoundRobinPartitionAssignor.assign(cluster, members)
        owners: dict[str, dict[str, str]] = {}
        every = True  # every member reads held records back from their offsets
        for member_id, assignment in plain.items():
            info, offsets = _member_info(members[member_id].user_data)
            every = every and offsets
            for topic, partitions in assignment.assignment:
                if topic == self.by_contact and info is not None:
                    for p in partitions:
                        owners[str(p)] = {"worker": info.worker, "url": info.url}
        directory = json.dumps(
            {"topic": self.by_contact, "owners": owners, "held": HELD_OFFSETS if every else ""}
        ).encode()
        return {
            member_id: ConsumerProtocolMemberAssignment(
                self.version, assignment.assignment, directory
            )
            for member_id, assignment in plain.items()
        }

    def on_assignment(self, assignment: ConsumerProtocolMemberAssignment) -> None:
        self.assignments += 1
        self.joined = True
        self.held_offsets = False
        if not assignment.user_data:  # a leader of an older version: no directory
            self.owners = {}
            return
        try:
            data = json.loads(assignment.user_data.decode())
            owners = {
                int(p): Owner(str(o["worker"]), str(o["url"])) for p, o in data["owners"].items()
            }
            self.held_offsets = data.get("held") == HELD_OFFSETS
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            log_event(logger, "directory.unreadable", logging.WARNING, error=repr(exc))
            owners = {}
        self.owners = owners

    def owner(self, partition: int) -> Owner | None:
        return self.owners.get(partition)


def assignors(directory: DirectoryAssignor) -> tuple[object, ...]:
    """What the engine's consumer offers the group: the directory alone (see above)."""
    return (directory,)

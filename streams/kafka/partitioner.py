"""The fixed partitioner of the internal by-contact topic.

Every input is re-keyed by contact id and written to the partition this function picks, whatever
partitioner the upstream producers used and however many partitions the input topics have, so a
consent change and a later send for the same contact always meet in the same table partition.
It is Kafka's default (murmur2) partitioner, so Java and Python producers agree with it.
"""

from __future__ import annotations

import functools

from aiokafka.partitioner import murmur2


@functools.lru_cache(maxsize=65_536)
def _positive_murmur2(data: bytes) -> int:
    # aiokafka's murmur2 is pure Python (a few µs); a send's key is hashed twice (onto the
    # by-contact topic, then onto its channel topic) a few milliseconds apart.
    hashed: int = murmur2(data)
    return hashed & 0x7FFFFFFF


def partition_of_key(key: bytes, partitions: int) -> int:
    """Kafka's default partition of a record with ``key`` on a topic of ``partitions``."""
    return _positive_murmur2(key) % partitions


def partition_for(contact_id: str, partitions: int) -> int:
    return partition_of_key(contact_id.encode("utf-8"), partitions)

"""The fixed partitioner of the internal by-contact topic.

Every input is re-keyed by contact id and written to the partition this function picks, whatever
partitioner the upstream producers used and however many partitions the input topics have, so a
consent change and a later send for the same contact always meet in the same table partition.
It is Kafka's default (murmur2) partitioner, so Java and Python producers agree with it: the
hash below is Java's ``org.apache.kafka.common.utils.Utils.murmur2`` (tested against Kafka's own
test vectors and aiokafka's copy).
"""

from __future__ import annotations

import functools

_SEED = 0x9747B28C
_M = 0x5BD1E995
_MASK = 0xFFFFFFFF


def murmur2(data: bytes) -> int:
    """Java's murmur2 of ``data``, as a signed 32-bit integer."""
    length = len(data)
    h = _SEED ^ length
    for i in range(0, length - length % 4, 4):
        k = int.from_bytes(data[i : i + 4], "little")
        k = (k * _M) & _MASK
        k ^= k >> 24
        k = (k * _M) & _MASK
        h = ((h * _M) & _MASK) ^ k
    tail = length % 4
    base = length - tail
    if tail == 3:
        h ^= data[base + 2] << 16
    if tail >= 2:
        h ^= data[base + 1] << 8
    if tail >= 1:
        h ^= data[base]
        h = (h * _M) & _MASK
    h ^= h >> 13
    h = (h * _M) & _MASK
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h


@functools.lru_cache(maxsize=65_536)
def _positive_murmur2(data: bytes) -> int:
    # murmur2 is pure Python (a few µs); a send's key is hashed twice (onto the by-contact
    # topic, then onto its channel topic) a few milliseconds apart.
    return murmur2(data) & 0x7FFFFFFF


def partition_of_key(key: bytes, partitions: int) -> int:
    """Kafka's default partition of a record with ``key`` on a topic of ``partitions``."""
    return _positive_murmur2(key) % partitions


def partition_for(contact_id: str, partitions: int) -> int:
    return partition_of_key(contact_id.encode("utf-8"), partitions)

"""The fixed partitioner of the internal by-contact topic.

Every input is re-keyed by contact id and written to the partition this function picks, whatever
partitioner the upstream producers used and however many partitions the input topics have, so a
consent change and a later send for the same contact always meet in the same table partition.
It is Kafka's default (murmur2) partitioner, so Java and Python producers agree with it.
"""

from __future__ import annotations

from aiokafka.partitioner import murmur2


def partition_for(contact_id: str, partitions: int) -> int:
    hashed: int = murmur2(contact_id.encode("utf-8"))
    return (hashed & 0x7FFFFFFF) % partitions

"""The internal topic's partitioner is Kafka's own (murmur2), so producers in any language agree."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.core.partitioner import murmur2, partition_for

# Kafka's UtilsTest.testMurmur2: Java's signed 32-bit murmur2 of these keys.
JAVA_MURMUR2 = {
    "21": -973932308,
    "foobar": -790332482,
    "a-little-bit-long-string": -985981536,
    "a-little-bit-longer-string": -1486304829,
    "lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8": -58897971,
    "abc": 479470107,
}


@pytest.mark.parametrize(("key", "java_hash"), JAVA_MURMUR2.items())
def test_partition_matches_kafkas_java_default_partitioner(key: str, java_hash: int) -> None:
    for partitions in (1, 3, 8, 12, 100):
        assert partition_for(key, partitions) == (java_hash & 0x7FFFFFFF) % partitions


@given(st.text(min_size=1), st.integers(min_value=1, max_value=1024))
def test_partition_is_in_range_and_stable(contact_id: str, partitions: int) -> None:
    p = partition_for(contact_id, partitions)
    assert 0 <= p < partitions
    assert p == partition_for(contact_id, partitions)


@settings(deadline=None)
@given(st.binary(max_size=64))
def test_murmur2_is_kafkas(data: bytes) -> None:
    from aiokafka.partitioner import murmur2 as aiokafkas  # the client's copy of Java's

    assert murmur2(data) & 0xFFFFFFFF == aiokafkas(data) & 0xFFFFFFFF

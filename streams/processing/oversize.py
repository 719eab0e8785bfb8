"""How big a record is for the Kafka producer, counted as aiokafka counts it before it refuses
one larger than its ``max_request_size`` (``DefaultRecordBatchBuilder.estimate_size_in_bytes``:
the batch header, the most a record's framing takes, then key, value and headers with their
varint lengths). Used to keep every dead letter within CONSENT_GATE_MAX_MESSAGE_BYTES."""

from __future__ import annotations

from collections.abc import Sequence

BATCH_HEADER = 61  # DefaultRecordBatch.HEADER_STRUCT.size
RECORD_OVERHEAD = 21  # DefaultRecordBatchBuilder.MAX_RECORD_OVERHEAD


def varint_size(n: int) -> int:
    """Bytes of the zig-zag varint of ``n``."""
    z = (n << 1) ^ (n >> 63)
    size = 1
    while z >= 0x80:
        z >>= 7
        size += 1
    return size


def _field(data: bytes | None) -> int:
    return 1 if data is None else varint_size(len(data)) + len(data)


def record_size(
    key: bytes | None, value: bytes | None, headers: Sequence[tuple[str, bytes | None]]
) -> int:
    """The size aiokafka compares with ``max_request_size`` for one record."""
    size = BATCH_HEADER + RECORD_OVERHEAD + _field(key) + _field(value)
    size += varint_size(len(headers))
    for name, data in headers:
        size += _field(name.encode("utf-8")) + _field(data)
    return size


def within(
    key: bytes | None, value: bytes | None, headers: Sequence[tuple[str, bytes | None]], limit: int
) -> bool:
    """True if :func:`record_size` is certainly at most ``limit``: a bound counted without the
    varints (at most 5 bytes each, a name's UTF-8 at most 4 bytes a character), so that the
    exact size is only worked out for records near the limit."""
    bound = BATCH_HEADER + RECORD_OVERHEAD + 15 + len(key or b"") + len(value or b"")
    for name, data in headers:
        bound += 10 + 4 * len(name) + len(data or b"")
    return bound <= limit

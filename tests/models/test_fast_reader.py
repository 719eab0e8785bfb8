"""The decoder's fast reader (fastavro's ``_read_data`` with the schema parsed once) reads every
record of the contract exactly as fastavro's public ``schemaless_reader`` and Apache avro do."""

from __future__ import annotations

import io
import json
import random

import avro.io
import avro.schema
import fastavro
import pytest

import streams.models.contract as contract_module
from streams.models.avro_internals import IncompatibleAvro, _sample, body_reader, check_versions
from streams.models.contract import HEADER_LEN, Contract, RecordName

CONTRACT = Contract()


@pytest.mark.parametrize("name", list(RecordName))
def test_the_fast_reader_is_in_use_and_reads_as_the_public_reader_and_apache_avro(
    name: RecordName,
) -> None:
    codec = CONTRACT._codecs[name]
    schema = codec.current.schema
    reader = body_reader(schema)
    assert reader.__name__ == "fast"  # the pinned fastavro has the internals relied on
    record = _sample(schema)
    data = CONTRACT.encode(name, record)
    body = data[HEADER_LEN:]
    public = fastavro.schemaless_reader(io.BytesIO(body), schema, None)
    apache_schema = avro.schema.parse(json.dumps(codec.current.declared))
    apache = avro.io.DatumReader(apache_schema).read(avro.io.BinaryDecoder(io.BytesIO(body)))
    assert reader(io.BytesIO(body)) == public == apache
    assert CONTRACT.decode(name, data) == public


def test_realistic_outbound_messages_decode_the_same_both_ways() -> None:
    rng = random.Random(5)
    schema = CONTRACT._codecs[RecordName.OUTBOUND_MESSAGE].current.schema
    reader = body_reader(schema)
    for i in range(200):
        record = {
            "message_id": f"m{i}",
            "contact_id": f"c{rng.randint(0, 99)}",
            "channel": rng.choice(["SMS", "EMAIL", "WHATSAPP"]),
            "origin": rng.choice(["CAMPAIGN", "INBOX"]),
            "campaign_id": rng.choice([None, "spring"]),
            "message_type": rng.choice([None, "promotion"]),
            "recipient": None,
            "template_id": None,
            "body": "".join(rng.choice("ab ü😀") for _ in range(rng.randint(0, 40))),
            "requested_at_ms": rng.randint(0, 2**40),
            "attributes": {f"k{j}": "v" * j for j in range(rng.randint(0, 3))},
        }
        body = io.BytesIO()
        fastavro.schemaless_writer(body, schema, record)
        raw = body.getvalue()
        assert (
            reader(io.BytesIO(raw))
            == record
            == fastavro.schemaless_reader(io.BytesIO(raw), schema, None)
        )


def test_the_avro_libraries_are_the_versions_their_internals_were_written_for() -> None:
    check_versions()  # the installed ones


@pytest.mark.parametrize(
    ("installed", "named"),
    [
        ({"fastavro": "1.14.0", "avro": "1.12.2"}, "fastavro 1.13.x"),
        ({"fastavro": "1.13.1", "avro": "1.11.3"}, "avro 1.12.x"),
        ({"fastavro": "1.13.1", "avro": "none"}, "avro 1.12.x"),
    ],
)
def test_another_version_fails_in_one_sentence(
    installed: dict[str, str], named: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(IncompatibleAvro) as failed:
        check_versions(installed)
    said = str(failed.value)
    assert named in said and "\n" not in said and said.endswith(".")
    monkeypatch.setattr(contract_module, "check_versions", lambda: check_versions(installed))
    with pytest.raises(IncompatibleAvro):
        Contract()  # the contract checks them first

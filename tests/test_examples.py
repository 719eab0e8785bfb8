"""examples/python's Avro single-object codec agrees with the contract's, byte for byte, on every
record and version (the examples do not import consent-gate, so nothing else keeps them in step);
tests/integration/test_integrating_examples.py runs the examples against a worker."""

from __future__ import annotations

import importlib.util
import json
import sys
from types import ModuleType

import pytest

from streams.models import builders as b
from streams.models.contract import Contract, RecordName, crc64_avro_fingerprint
from tests.deploy_checks import ROOT


@pytest.fixture(scope="module")
def single_object() -> ModuleType:
    path = ROOT / "examples" / "python" / "single_object.py"
    spec = importlib.util.spec_from_file_location("example_single_object", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("record", list(RecordName))
def test_the_fingerprint_is_the_contracts(single_object: ModuleType, record: RecordName) -> None:
    for path in sorted((ROOT / "schemas" / record.value).glob("v*.avsc")):
        declared = json.loads(path.read_text())
        assert single_object.fingerprint(declared) == crc64_avro_fingerprint(declared), path


@pytest.mark.parametrize(
    ("record", "value"),
    [
        (RecordName.INBOUND_REPLY, b.inbound_reply("+15550100001", "SMS", "STOP")),
        (RecordName.LINK_CLICK, b.link_click("+15550100002", "EMAIL")),
        (RecordName.OUTBOUND_MESSAGE, b.outbound_message("+15550100002", "SMS", body="hi")),
    ],
)
def test_encodes_and_decodes_as_the_contract(
    single_object: ModuleType, contract: Contract, record: RecordName, value: dict[str, object]
) -> None:
    codec = single_object.Codec(ROOT / "schemas", record.value)
    encoded = codec.encode(value)
    assert encoded == contract.encode(record, value)
    assert codec.decode(contract.encode(record, value)) == contract.decode(record, encoded)
    with pytest.raises(ValueError, match="single-object"):
        codec.decode(b"{}")


def test_reads_an_older_version_into_the_current(single_object: ModuleType) -> None:
    """A record with two versions: a value written with v1 is read as the current version."""
    import io

    import fastavro

    folder = ROOT / "schemas" / "suppressed_message"
    v1 = json.loads((folder / "v1.avsc").read_text())
    record = {
        f["name"]: None if isinstance(f["type"], list) else _plain(f["type"]) for f in v1["fields"]
    }
    body = io.BytesIO()
    fastavro.schemaless_writer(body, fastavro.parse_schema(v1), record)
    value = single_object.MAGIC + single_object.fingerprint(v1) + body.getvalue()
    decoded = single_object.Codec(ROOT / "schemas", "suppressed_message").decode(value)
    newest = max(folder.glob("v*.avsc"), key=lambda p: int(p.stem[1:]))
    current = json.loads(newest.read_text())
    assert set(decoded) == {f["name"] for f in current["fields"]}


def _plain(t: object) -> object:
    if isinstance(t, dict):
        return t["symbols"][0] if t["type"] == "enum" else {}
    return {"string": "x", "long": 1, "int": 1, "boolean": False, "bytes": b"x"}[str(t)]

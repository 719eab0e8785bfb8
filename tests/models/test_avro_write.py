"""The one fast encoder (``streams/models/avro_write.py``) writes, for any value of any record of
the contract, exactly the bytes of fastavro (``Contract.encode``) and of Apache avro, in both of
its calling forms: the one check of every writer that uses it."""

from __future__ import annotations

import io
import json
from typing import Any

import avro.io
import avro.schema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.models.avro_write import as_datum, compile_encoder, record_encoder
from streams.models.contract import MAGIC, Contract, RecordName

_CONTRACT = Contract()
_TEXT = st.text(st.characters(codec="utf-8"), max_size=80)


def values(schema: Any, named: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Any value of ``schema`` (JSON, as declared), as a datum of the general encoders."""
    if isinstance(schema, str):
        simple: dict[str, st.SearchStrategy[Any]] = {
            "null": st.none(),
            "boolean": st.booleans(),
            "int": st.integers(-(2**31), 2**31 - 1),
            "long": st.integers(-(2**63), 2**63 - 1)
            | st.integers(-200, 200)
            | st.integers(1_600_000_000_000, 1_900_000_000_000),
            "float": st.floats(width=32, allow_nan=False),
            "double": st.floats(allow_nan=False),
            "bytes": st.binary(max_size=300),
            "string": _TEXT,
        }
        if schema in simple:
            return simple[schema]
        return values(named[schema.rpartition(".")[2]], named)
    if isinstance(schema, list):
        return st.one_of(*(values(b, named) for b in schema))
    kind = schema["type"]
    if kind in ("record", "enum", "fixed"):
        named[schema["name"]] = schema
    if kind == "record":
        return st.fixed_dictionaries(
            {f["name"]: values(f["type"], named) for f in schema["fields"]}
        )
    if kind == "enum":
        return st.sampled_from(schema["symbols"])
    if kind == "fixed":
        return st.binary(min_size=schema["size"], max_size=schema["size"])
    if kind == "array":
        return st.lists(values(schema["items"], named), max_size=70)
    if kind == "map":
        return st.dictionaries(_TEXT, values(schema["values"], named), max_size=4)
    return values(kind, named)


def as_tuples(schema: Any, value: Any, named: dict[str, Any]) -> Any:
    """A datum in the fast encoder's tuple form (the inverse of ``as_datum``)."""
    if isinstance(schema, str):
        return value if schema not in named else as_tuples(named[schema], value, named)
    if isinstance(schema, list):
        branch = next(b for b in schema if b != "null")
        return None if value is None else as_tuples(branch, value, named)
    kind = schema["type"]
    if kind in ("record", "enum", "fixed"):
        named[schema["name"]] = schema
    if kind == "record":
        return tuple(as_tuples(f["type"], value[f["name"]], named) for f in schema["fields"])
    if kind == "array":
        return [as_tuples(schema["items"], x, named) for x in value]
    if kind == "map":
        return {k: as_tuples(schema["values"], x, named) for k, x in value.items()}
    return value


def apache_encode(record: RecordName, value: dict[str, Any]) -> bytes:
    current = _CONTRACT.current(record)
    buf = io.BytesIO()
    buf.write(MAGIC + current.fingerprint)
    schema = avro.schema.parse(json.dumps(current.declared))
    avro.io.DatumWriter(schema).write(value, avro.io.BinaryEncoder(buf))
    return buf.getvalue()


@st.composite
def records(draw: st.DrawFn) -> tuple[RecordName, dict[str, Any]]:
    record = draw(st.sampled_from(list(RecordName)))
    return record, draw(values(_CONTRACT.current(record).declared, {}))


@settings(max_examples=400, deadline=None)
@given(records())
def test_the_fast_encoder_writes_what_fastavro_and_apache_avro_write(
    record_value: tuple[RecordName, dict[str, Any]],
) -> None:
    record, value = record_value
    declared = _CONTRACT.current(record).declared
    fields = as_tuples(declared, value, {})
    assert as_datum(declared, fields) == value
    expected = _CONTRACT.encode(record, value)
    assert expected == apache_encode(record, value)
    assert record_encoder(_CONTRACT, record, fields="tuple")(*fields) == expected
    assert record_encoder(_CONTRACT, record, fields="mapping")(value) == expected


@pytest.mark.parametrize("record", list(RecordName))
def test_every_record_of_the_contract_gets_generated_code(record: RecordName) -> None:
    """No record falls back to the general encoder: the property test above checks the code
    the hot path runs."""
    for fields in ("tuple", "mapping"):
        assert record_encoder(_CONTRACT, record, fields=fields).__name__ == "encode"


def test_a_schema_it_does_not_write_gets_the_general_encoder_behind_the_same_call() -> None:
    """A union of two non-null branches: the general encoder, given the same tuple form."""
    schema = {"type": "record", "name": "U", "fields": [{"name": "x", "type": ["int", "string"]}]}
    with pytest.raises(Exception, match="union"):
        compile_encoder(schema, b"", "tuple")
    assert as_datum(schema, ("s",)) == {"x": "s"}

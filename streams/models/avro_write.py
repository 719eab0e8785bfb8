"""The one fast Avro encoder: single-object encoding of the records written on a hot path (records
held across a commit, the attribution entry of every forwarded campaign, the import's commands)
several times faster than the general encoder (fastavro's ``schemaless_writer``).

:func:`record_encoder` generates, once, straight-line Python for the *current* schema of a record
(as wire_check.py does for the plain-body check): no schema walk and no call per field, the
record's fields in schema order. So it follows the schema by construction; that it writes exactly
the bytes fastavro and Apache avro write for the same value is checked by one property test,
``tests/models/test_avro_write.py``, over every record of the contract (the one guard of every
writer that uses it; none checks probes of its own at start).

Two ways to pass a record:

* ``fields="tuple"``: the top-level fields as positional arguments, a nested record as a tuple
  of its fields (a held record's headers are its ``(name, value)`` pairs as they are);
* ``fields="mapping"``: one dict-like argument, nested records as dicts (as ``Contract.encode``).

An enum is its symbol, a ``["null", T]`` union None or a T. A schema with anything else (a union
of two non-null branches, a recursive type) gets the general encoder behind the same signature.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from streams.models.contract import MAGIC, Contract, RecordName
from streams.models.wire_check import define, full_name

Fields = Literal["tuple", "mapping"]
Encoder = Callable[..., bytes]


def avro_long(n: int) -> bytes:
    """An Avro ``long`` or ``int``: zig-zag, then a base-128 varint."""
    z = (n << 1) ^ (n >> 63)
    out = bytearray()
    while z > 0x7F:
        out.append((z & 0x7F) | 0x80)
        z >>= 7
    out.append(z)
    return bytes(out)


_SMALL = [avro_long(n) for n in range(64)]  # 0..63: one byte


def avro_bytes(data: bytes) -> bytes:
    n = len(data)
    return (_SMALL[n] if n < 64 else avro_long(n)) + data


def avro_string(s: str) -> bytes:
    return avro_bytes(s.encode())


def optional_string(s: str | None) -> bytes:
    """A ``["null", "string"]`` union."""
    return b"\x00" if s is None else b"\x02" + avro_string(s)


class _Unsupported(Exception):
    """A schema the generator does not write (the general encoder is used)."""


_PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}


class _Source:
    """Generates the statements that append the encoding of one value to ``a`` (parts.append)."""

    def __init__(self, fields: Fields) -> None:
        self.fields = fields
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {}
        self._named: dict[str, Mapping[str, Any]] = {}
        self._open: set[str] = set()
        self._n = 0

    def name(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}{self._n}"

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def constant(self, value: Any) -> str:
        name = self.name("_c")
        self.constants[name] = value
        return name

    def node(self, schema: Any, v: str, indent: int, namespace: str | None) -> None:
        if isinstance(schema, str):
            if schema in _PRIMITIVES:
                self.primitive(schema, v, indent)
                return
            named = self._named.get(full_name(schema, namespace)) or self._named.get(schema)
            if named is None:
                raise _Unsupported(f"unknown type {schema}")
            self.named(named, v, indent)
            return
        if isinstance(schema, list):
            self.union(schema, v, indent, namespace)
            return
        kind = schema["type"]
        if kind in ("record", "error", "enum", "fixed"):
            self.named(define(self._named, schema, namespace), v, indent)
        elif kind == "array":
            item = self.name("i")
            self.emit(indent, f"if {v}:")
            self.emit(indent + 1, f"a(_long(len({v})))")
            self.emit(indent + 1, f"for {item} in {v}:")
            self.node(schema["items"], item, indent + 2, namespace)
            self.emit(indent, 'a(b"\\x00")')
        elif kind == "map":
            key, item = self.name("k"), self.name("i")
            self.emit(indent, f"if {v}:")
            self.emit(indent + 1, f"a(_long(len({v})))")
            self.emit(indent + 1, f"for {key}, {item} in {v}.items():")
            self.primitive("string", key, indent + 2)
            self.node(schema["values"], item, indent + 2, namespace)
            self.emit(indent, 'a(b"\\x00")')
        else:  # {"type": "long", "logicalType": ...} and the like: the underlying type
            self.node(kind, v, indent, namespace)

    def named(self, schema: Mapping[str, Any], v: str, indent: int) -> None:
        kind = schema["type"]
        if kind == "enum":
            symbols = {s: avro_long(i) for i, s in enumerate(schema["symbols"])}
            self.emit(indent, f"a({self.constant(symbols)}[{v}])")
        elif kind == "fixed":
            self.emit(indent, f"a({v})")
        else:
            full = f"{schema.get('namespace') or ''}.{schema['name']}"
            if full in self._open:
                raise _Unsupported(f"recursive type {schema['name']}")
            self._open.add(full)
            self.record(schema, v, indent)
            self._open.discard(full)

    def record(self, schema: Mapping[str, Any], v: str | None, indent: int) -> list[str]:
        """The fields of a record (``v``: the value; None: the top level, whose fields are the
        function's arguments); the names the fields are read into."""
        names = [self.name("f") for _ in schema["fields"]]
        if v is not None and self.fields == "tuple":
            self.emit(indent, f"{', '.join(names)}{',' if len(names) == 1 else ''} = {v}")
        for field, name in zip(schema["fields"], names, strict=True):
            if v is not None and self.fields == "mapping":
                if "default" in field:
                    default = self.constant(field["default"])
                    self.emit(indent, f"{name} = {v}.get({field['name']!r}, {default})")
                else:
                    self.emit(indent, f"{name} = {v}[{field['name']!r}]")
            self.node(field["type"], name, indent, schema.get("namespace"))
        return names

    def union(self, branches: list[Any], v: str, indent: int, namespace: str | None) -> None:
        nulls = [i for i, b in enumerate(branches) if b == "null"]
        if len(branches) != 2 or len(nulls) != 1:
            raise _Unsupported("a union other than [null, T]")
        null = nulls[0]
        other = 1 - null
        self.emit(indent, f"if {v} is None:")
        self.emit(indent + 1, f"a({avro_long(null)!r})")
        self.emit(indent, "else:")
        self.emit(indent + 1, f"a({avro_long(other)!r})")
        self.node(branches[other], v, indent + 1, namespace)

    def primitive(self, kind: str, v: str, indent: int) -> None:
        if kind == "boolean":
            self.emit(indent, f'a(b"\\x01" if {v} else b"\\x00")')
        elif kind in ("int", "long"):
            self.emit(indent, f"a(_SMALL[{v}] if 0 <= {v} < 64 else _long({v}))")
        elif kind == "float":
            self.emit(indent, f"a(_float({v}))")
        elif kind == "double":
            self.emit(indent, f"a(_double({v}))")
        elif kind == "bytes":
            self.emit(indent, f"a(_SMALL[len({v})] if len({v}) < 64 else _long(len({v})))")
            self.emit(indent, f"a({v})")
        elif kind == "string":
            e = self.name("e")
            self.emit(indent, f"{e} = {v}.encode()")
            self.emit(indent, f"a(_SMALL[len({e})] if len({e}) < 64 else _long(len({e})))")
            self.emit(indent, f"a({e})")
        # null: nothing on the wire


def compile_encoder(declared: Mapping[str, Any], prefix: bytes, fields: Fields) -> Encoder:
    """The generated encoder of the record schema ``declared`` (JSON, as written), each value
    starting with ``prefix``; raises :class:`_Unsupported` for a schema it does not write."""
    source = _Source(fields)
    if fields == "tuple":
        names = source.record(declared, None, 1)
        params = ", ".join(names)
    else:
        source.record(declared, "r", 1)
        params = "r"
    code = "\n".join(
        [
            f"def encode({params}):",
            "    parts = [_PREFIX]",
            "    a = parts.append",
            *source.lines,
            '    return b"".join(parts)',
        ]
    )
    scope: dict[str, Any] = {
        "_PREFIX": prefix,
        "_SMALL": _SMALL,
        "_long": avro_long,
        "_float": struct.Struct("<f").pack,
        "_double": struct.Struct("<d").pack,
        **source.constants,
    }
    exec(compile(code, f"<encoder of {declared.get('name', '?')}>", "exec"), scope)
    encode: Encoder = scope["encode"]
    return encode


def as_datum(schema: Any, value: Any, named: dict[str, Any] | None = None) -> Any:
    """``value`` in the tuple form (records as tuples of their fields) as a datum of the general
    encoders (records as dicts)."""
    named = {} if named is None else named
    if isinstance(schema, str):
        if schema in _PRIMITIVES:
            return value
        return as_datum(named[schema.rpartition(".")[2]], value, named)
    if isinstance(schema, list):
        nulls = [b for b in schema if b != "null"]
        return None if value is None else as_datum(nulls[0], value, named)
    kind = schema["type"]
    if kind in ("record", "error", "enum", "fixed"):
        named[schema["name"].rpartition(".")[2]] = schema
    if kind in ("record", "error"):
        fields: Sequence[Any] = value
        return {
            f["name"]: as_datum(f["type"], x, named)
            for f, x in zip(schema["fields"], fields, strict=True)
        }
    if kind == "array":
        return [as_datum(schema["items"], x, named) for x in value]
    if kind == "map":
        return {k: as_datum(schema["values"], x, named) for k, x in value.items()}
    return value


def record_encoder(contract: Contract, record: RecordName, *, fields: Fields) -> Encoder:
    """The fast encoder of the current version of ``record`` (see the module's docstring)."""
    current = contract.current(record)
    try:
        return compile_encoder(current.declared, MAGIC + current.fingerprint, fields)
    except _Unsupported:
        pass

    if fields == "mapping":

        def general_mapping(r: Mapping[str, Any]) -> bytes:
            return contract.encode(record, r)

        return general_mapping

    def general(*values: Any) -> bytes:
        return contract.encode(record, as_datum(current.declared, values))

    return general

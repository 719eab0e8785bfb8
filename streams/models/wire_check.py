"""Is an Avro body *plain*? The fast half of strict decoding (see ``contract.py``).

fastavro reads some out-of-schema bodies that Apache avro refuses, or reads them differently: an
enum or union index of -1 or -2 (taken as the last symbols or branches, Python-style), a varint
longer than a 64-bit long (wrapped), a boolean byte other than 0 or 1 (True, where Apache avro
reads False). A body is *plain* when, walked against the writer schema, it has none of that and
nothing unusual at all:

* every int and long is a varint within 64 bits (at most 10 bytes, the tenth 0 or 1);
* every enum and union index is within the schema (one byte for up to 64 symbols or branches);
* every boolean is the byte 0 or 1;
* every string, bytes, array and map length or block count is a non-negative varint, and no block
  claims more items than there are bytes left;
* the body ends exactly at the end of the value.

On a plain body fastavro and Apache avro read the same value (checked in
``tests/models/test_decode_strictness.py``), so fastavro's answer can be used; any other body is
left to Apache avro. UTF-8 is not checked here: both readers refuse invalid UTF-8.

The checker of a schema is Python source generated once, straight-line code with no call per
field (about a third of a fastavro decode).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

PlainCheck = Callable[[bytes, int], bool]

_PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
_MAX_SIZE_VARINT = 9  # bytes (63 bits): any length or index beyond is absurd anyway


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    """(zig-zag value, end) of the varint at ``pos``; (-1, -1) when it is too long."""
    n = shift = 0
    for i in range(pos, pos + _MAX_SIZE_VARINT):
        byte = data[i]
        n |= (byte & 0x7F) << shift
        if byte < 0x80:
            return (n >> 1) ^ -(n & 1), i + 1
        shift += 7
    return -1, -1


def full_name(name: str, namespace: str | None) -> str:
    """The full name of a named type called ``name`` in ``namespace`` (Avro spec, "Names")."""
    return name if "." in name or not namespace else f"{namespace}.{name}"


def define(named: dict[str, Mapping[str, Any]], schema: Any, namespace: str | None) -> Any:
    """Note the named type ``schema`` (a record, enum or fixed) in ``named`` by its full name,
    with the namespace its fields' names are resolved in; that definition."""
    full = full_name(schema["name"], schema.get("namespace", namespace))
    named[full] = {**schema, "namespace": full.rpartition(".")[0] or None}
    return named[full]


class _Recursive(Exception):
    """A recursive named type: not compiled (every body then goes to Apache avro)."""


class _Source:
    """Generates the body of ``check(d, p)``: ``d`` the value, ``p`` the read position."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._named: dict[str, Mapping[str, Any]] = {}
        self._open: set[int] = set()

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def block(self, indent: int, schema: Any, namespace: str | None) -> None:
        """``schema`` at ``indent``, with at least one statement."""
        before = len(self.lines)
        self.node(schema, indent, namespace)
        if len(self.lines) == before:
            self.emit(indent, "pass")

    def size(self, indent: int) -> None:
        """A non-negative length or block count into ``n``."""
        self.emit(indent, "b = d[p]")
        self.emit(indent, "if b & 0x81:")  # negative, or more than one byte
        self.emit(indent + 1, "n, p = _read_varint(d, p)")
        self.emit(indent + 1, "if n < 0: return False")
        self.emit(indent, "else:")
        self.emit(indent + 1, "n = b >> 1; p += 1")

    def skip_sized(self, indent: int) -> None:
        """A string or bytes: a non-negative length, then that many bytes."""
        self.emit(indent, "b = d[p]")
        self.emit(indent, "if b & 0x81:")
        self.emit(indent + 1, "n, p = _read_varint(d, p)")
        self.emit(indent + 1, "if n < 0: return False")
        self.emit(indent + 1, "p += n")
        self.emit(indent, "else:")
        self.emit(indent + 1, "p += 1 + (b >> 1)")

    def index(self, indent: int, count: int) -> None:
        """An enum index in ``[0, count)``."""
        if count <= 64:  # a one-byte varint: even (non-negative) and below 2 * count
            self.emit(indent, "n = d[p]; p += 1")
            self.emit(indent, f"if n & 1 or n >= {2 * count}: return False")
        else:
            self.emit(indent, "n, p = _read_varint(d, p)")
            self.emit(indent, f"if not 0 <= n < {count}: return False")

    def union(self, indent: int, branches: list[Any], namespace: str | None) -> None:
        if len(branches) > 64:
            self.emit(indent, "n, p = _read_varint(d, p)")
            for i, branch in enumerate(branches):
                self.emit(indent, f"{'if' if i == 0 else 'elif'} n == {i}:")
                self.block(indent + 1, branch, namespace)
            self.emit(indent, "else: return False")
            return
        # Compare the index byte itself (branch i is the one-byte varint 2 * i): the branches with
        # something on the wire first, then those with nothing (null) in one test.
        self.emit(indent, "b = d[p]; p += 1")
        empty = []
        keyword = "if"
        for i, branch in enumerate(branches):
            outer, self.lines = self.lines, []
            self.node(branch, indent + 1, namespace)
            inner, self.lines = self.lines, outer
            if inner:
                self.emit(indent, f"{keyword} b == {2 * i}:")
                self.lines.extend(inner)
                keyword = "elif"
            else:
                empty.append(2 * i)
        if not empty:
            self.emit(indent, "else: return False")
        else:
            test = f"b != {empty[0]}" if len(empty) == 1 else f"b not in {tuple(empty)}"
            self.emit(indent, f"{keyword} {test}: return False")

    def collection(self, indent: int, item: Callable[[int], None]) -> None:
        self.emit(indent, "while True:")
        self.size(indent + 1)
        self.emit(indent + 1, "if n == 0: break")
        self.emit(indent + 1, "if n > len(d) - p: return False")
        self.emit(indent + 1, "for _ in range(n):")
        item(indent + 2)

    def node(self, schema: Any, indent: int, namespace: str | None) -> None:
        if isinstance(schema, str):
            if schema in _PRIMITIVES:
                self.primitive(schema, indent)
                return
            full = full_name(schema, namespace)
            self.named(self._named.get(full) or self._named[schema], indent)
            return
        if isinstance(schema, list):
            self.union(indent, schema, namespace)
            return
        kind = schema["type"]
        if kind in ("record", "error", "enum", "fixed"):
            self.named(define(self._named, schema, namespace), indent)
        elif kind == "array":
            self.collection(indent, lambda i: self.block(i, schema["items"], namespace))
        elif kind == "map":

            def entry(i: int) -> None:
                self.primitive("string", i)
                self.node(schema["values"], i, namespace)

            self.collection(indent, entry)
        else:  # {"type": "long", "logicalType": ...} and the like
            self.node(kind, indent, namespace)

    def named(self, schema: Mapping[str, Any], indent: int) -> None:
        kind = schema["type"]
        if kind == "enum":
            self.index(indent, len(schema["symbols"]))
        elif kind == "fixed":
            self.emit(indent, f"p += {int(schema['size'])}")
        else:
            if id(schema) in self._open:
                raise _Recursive
            self._open.add(id(schema))
            for field in schema["fields"]:
                self.node(field["type"], indent, schema.get("namespace"))
            self._open.discard(id(schema))

    def primitive(self, kind: str, indent: int) -> None:
        if kind == "boolean":
            self.emit(indent, "if d[p] > 1: return False")
            self.emit(indent, "p += 1")
        elif kind in ("int", "long"):
            self.emit(indent, "q = p")
            self.emit(indent, "while d[p] & 0x80: p += 1")
            self.emit(indent, "p += 1")
            # a tenth byte may only carry bit 63
            self.emit(indent, "if p - q > 9 and (p - q > 10 or d[p - 1] > 1): return False")
        elif kind == "float":
            self.emit(indent, "p += 4")
        elif kind == "double":
            self.emit(indent, "p += 8")
        elif kind in ("string", "bytes"):
            self.skip_sized(indent)
        # null: nothing on the wire


def _never_plain(data: bytes, pos: int) -> bool:
    return False


def plain_check(schema: Mapping[str, Any]) -> PlainCheck:
    """``check(value, start)``: True when the Avro body from ``start`` to the end of ``value`` is
    plain for ``schema`` (the schema as declared, JSON)."""
    source = _Source()
    try:
        source.node(schema, 2, None)
    except _Recursive:
        return _never_plain
    code = "\n".join(
        [
            "def check(d, p):",
            "    try:",
            *source.lines,
            "    except IndexError:",  # ran past the end
            "        return False",
            "    return p == len(d)",
        ]
    )
    scope: dict[str, Any] = {"_read_varint": _read_varint}
    exec(compile(code, f"<plain check of {schema.get('name', '?')}>", "exec"), scope)
    return cast(PlainCheck, scope["check"])

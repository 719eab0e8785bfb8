"""Every use of fastavro's and Apache avro's private internals, in one module, for the versions it
was written for (``fastavro>=1.13,<1.14`` and ``avro>=1.12.2,<1.13``, pinned so in
pyproject.toml). :func:`check_versions` fails, in one sentence, when another minor version of
either is installed: ``Contract()`` calls it, and every ``consent-gate`` command at its start.
Nothing else in the package reads a private attribute of either library or subclasses one.

What is here, and why:

1. **fastavro's body reader** (``fastavro._read._read_data`` and
   ``_default_named_schemas``): the decoder reads a body with the schema parsed once;
   ``schemaless_reader`` parses it again, and compares writer and reader schema, on every call
   (a third of its time for our records). :func:`body_reader` also checks, once per schema, that
   it reads a sample exactly as ``schemaless_reader`` does.
2. **Apache avro's reader and decoder, made strict** (subclasses of ``avro.io.BinaryDecoder``
   and ``avro.io.DatumReader``, reading the decoder's ``reader`` position): they refuse what the
   spec rules out but Apache avro 1.12 reads anyway (:func:`strict_avro`).
"""

from __future__ import annotations

import functools
import importlib
import io
from importlib import metadata
from typing import Any

import fastavro

#: The minor versions this module was written for and tested with.
WRITTEN_FOR = {"fastavro": "1.13", "avro": "1.12"}

Reader = Any  # (file object) -> the record


class IncompatibleAvro(RuntimeError):
    """The installed fastavro or Apache avro is not a version this module was written for."""


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def check_versions(installed: dict[str, str] | None = None) -> None:
    """Fail, in one sentence, unless the fastavro and Apache avro this module was written for
    are installed (``installed``: name -> version, for tests)."""
    for name, minor in WRITTEN_FOR.items():
        if installed is not None:
            version = installed[name]
        else:
            try:
                version = metadata.version(name)
            except metadata.PackageNotFoundError:
                version = "none"
        if _minor(version) != minor:
            raise IncompatibleAvro(
                f"consent-gate's Avro codec was written for {name} {minor}.x (it relies on its "
                f"internals: streams/models/avro_internals.py) but {version} is installed: "
                f"install {name}=={minor}.*."
            )


# --- 1. fastavro's body reader ----------------------------------------------------------------


def body_reader(schema: dict[str, Any]) -> Reader:
    """A reader of bodies written with ``schema`` (parsed by fastavro) into the same schema:
    fastavro's own ``_read_data`` with the schema parsed once. Raises :class:`IncompatibleAvro`
    if it does not read a sample exactly as ``schemaless_reader`` does."""
    internals = vars(importlib.import_module("fastavro._read"))
    _read_data = internals["_read_data"]
    named = internals["_default_named_schemas"]()
    parsed = fastavro.parse_schema(schema, named["writer"])

    def fast(fo: Any) -> Any:
        return _read_data(fo, parsed, named, None, {})

    sample = io.BytesIO()
    fastavro.schemaless_writer(sample, schema, _sample(schema))
    body = sample.getvalue()
    if fast(io.BytesIO(body)) != fastavro.schemaless_reader(io.BytesIO(body), schema, None):
        raise IncompatibleAvro(
            f"fastavro {fastavro.__version__}'s internal reader reads a {schema['name']} unlike "
            "its public reader: install the fastavro streams/models/avro_internals.py was "
            f"written for ({WRITTEN_FOR['fastavro']}.x)."
        )
    return fast


def _sample(schema: dict[str, Any]) -> dict[str, Any]:
    """A record of ``schema`` with every field set (for the reader check)."""
    return {f["name"]: _sample_value(f["type"]) for f in schema["fields"]}


def _sample_value(t: Any) -> Any:
    if isinstance(t, list):  # a union: its last branch (null first by convention)
        return _sample_value(t[-1])
    if isinstance(t, str):
        return {
            "null": None,
            "boolean": True,
            "int": 7,
            "long": 1_700_000_000_000,
            "float": 0.5,
            "double": 0.25,
            "bytes": b"\x00b",
            "string": "s\u00e9",
        }.get(t)
    kind = t.get("type")
    if kind == "record":
        return _sample(t)
    if kind == "enum":
        return t["symbols"][-1]
    if kind == "array":
        return [_sample_value(t["items"])]
    if kind == "map":
        return {"k": _sample_value(t["values"])}
    if kind == "fixed":
        return b"\x01" * t["size"]
    return _sample_value(kind)


# --- 2. Apache avro, strict -------------------------------------------------------------------


@functools.cache
def strict_avro() -> tuple[Any, Any]:
    """Apache avro's reader and decoder, refusing what the spec rules out but Apache avro 1.12
    reads anyway: a boolean byte other than 0 or 1 (it reads False: a corrupt ``prefetch`` flag
    would turn a scanner's click into an opt-out), and an enum index beyond the writer's symbols
    (it reads the enum's default: but the writer is our own schema, whose symbols are all known,
    so such an index can only be corrupt; the default is for *readers* that lack a symbol).
    Imported on first use: only bodies no ordinary writer produces need Apache avro."""
    import avro.errors
    import avro.io

    class StrictDecoder(avro.io.BinaryDecoder):
        def read_boolean(self) -> bool:
            byte = self.read(1)
            if byte not in (b"\x00", b"\x01"):
                raise avro.errors.InvalidAvroBinaryEncoding(f"boolean byte {byte!r}")
            return byte == b"\x01"

    class StrictReader(avro.io.DatumReader):
        def read_enum(self, writers_schema: Any, readers_schema: Any, decoder: Any) -> str:
            start = decoder.reader.tell()
            index = decoder.read_int()
            if not 0 <= index < len(writers_schema.symbols):
                raise avro.errors.InvalidAvroBinaryEncoding(
                    f"enum index {index} outside the {len(writers_schema.symbols)} symbols of "
                    f"{writers_schema.name}"
                )
            decoder.reader.seek(start)
            return super().read_enum(writers_schema, readers_schema, decoder)

    return StrictReader, StrictDecoder

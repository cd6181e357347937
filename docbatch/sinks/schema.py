"""Every output table's pyarrow schema, derived from the parsing catalogue.

The catalogue (:mod:`docbatch.parse.catalog`) says which columns exist and of what kind;
this module says which Arrow type each kind is written as.  Types are real (timestamps,
dates, decimals, ints) so Parquet loads into pandas, DuckDB and Athena without casts.
Money is ``decimal128(18, 2)``; confidences are float32 in 0..100 like the service's.
A clock time is ``HH:MM:SS`` text: Parquet has no second-resolution TIME (``time32[s]``
reads back as milliseconds) and Athena/Glue DDL has no TIME type at all.
Each field carries its catalogue entry as Parquet field metadata (``kind``,
``description``, ``personal``, ``redact``), so a file found alone still says what it holds.
Manifest passthrough columns are appended to the tables that take them, as strings
(their types are the user's, and a manifest read as CSV has no types).
"""

from __future__ import annotations

from typing import Iterable

import pyarrow as pa

from ..parse.catalog import TABLES as CATALOG
from ..parse.catalog import Field, Kind, Table

ARROW_TYPES: dict[Kind, pa.DataType] = {
    "string": pa.string(),
    "int32": pa.int32(),
    "int64": pa.int64(),
    "bool": pa.bool_(),
    "float32": pa.float32(),
    "confidence": pa.float32(),
    "money": pa.decimal128(18, 2),
    "quantity": pa.decimal128(18, 3),
    "date": pa.date32(),
    "time": pa.string(),
    "timestamp": pa.timestamp("ms", tz="UTC"),
    "polygon": pa.list_(pa.struct([("x", pa.float32()), ("y", pa.float32())])),
}


def arrow_schema(table: Table, passthrough: Iterable[str] = ()) -> pa.Schema:
    """The table's schema, with ``passthrough`` string columns appended where the table takes them."""
    fields = [pa.field(f.name, ARROW_TYPES[f.kind], metadata=field_metadata(f)) for f in table.fields]
    if table.passthrough:
        fields += [pa.field(c, pa.string(), metadata={"kind": "string", "description": "manifest column, as given"})
                   for c in passthrough]
    return pa.schema(fields, metadata={"table": table.name, "description": table.description})


def field_metadata(f: Field) -> dict[str, str]:
    """A column's catalogue entry as Parquet key/value field metadata (all text)."""
    meta = {"kind": f.kind, "description": f.description, "personal": "true" if f.personal else "false"}
    if f.redact:
        meta["redact"] = f.redact
    return meta


#: table name -> schema without passthrough columns.
TABLES: dict[str, pa.Schema] = {name: arrow_schema(t) for name, t in CATALOG.items()}

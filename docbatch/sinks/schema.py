"""Every output table's pyarrow schema, derived from the parsing catalogue.

The catalogue (:mod:`docbatch.parse.catalog`) says which columns exist and of what kind;
this module says which Arrow type each kind is written as.  Types are real (timestamps,
dates, decimals, ints) so Parquet loads into pandas, DuckDB and Athena without casts.
Money is ``decimal128(18, 2)``; confidences are float32 in 0..100 like the service's.
Manifest passthrough columns are appended to the tables that take them, as strings
(their types are the user's, and a manifest read as CSV has no types).
"""

from __future__ import annotations

from typing import Iterable

import pyarrow as pa

from ..parse.catalog import TABLES as CATALOG
from ..parse.catalog import Kind, Table

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
    "time": pa.time32("s"),
    "timestamp": pa.timestamp("ms", tz="UTC"),
    "polygon": pa.list_(pa.struct([("x", pa.float32()), ("y", pa.float32())])),
}


def arrow_schema(table: Table, passthrough: Iterable[str] = ()) -> pa.Schema:
    """The table's schema, with ``passthrough`` string columns appended where the table takes them."""
    fields = [pa.field(f.name, ARROW_TYPES[f.kind]) for f in table.fields]
    if table.passthrough:
        fields += [pa.field(c, pa.string()) for c in passthrough]
    return pa.schema(fields)


#: table name -> schema without passthrough columns.
TABLES: dict[str, pa.Schema] = {name: arrow_schema(t) for name, t in CATALOG.items()}

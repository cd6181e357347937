"""Reading Athena DDL back with sqlglot (a real Hive/Athena parser), and what it should say of a Parquet file."""

from __future__ import annotations

import pyarrow as pa
import sqlglot
from sqlglot import exp

#: What Athena reads each Parquet physical type of these files as (this test's own table).
_ATHENA = {"string": "STRING", "large_string": "STRING", "int32": "INT", "int64": "BIGINT", "bool": "BOOLEAN",
           "float": "FLOAT", "double": "DOUBLE", "date32[day]": "DATE", "timestamp[ms, tz=UTC]": "TIMESTAMP",
           "decimal128(18, 2)": "DECIMAL(18, 2)", "decimal128(18, 3)": "DECIMAL(18, 3)",
           "list<element: struct<x: float, y: float>>": "ARRAY<STRUCT<x FLOAT, y FLOAT>>"}


def ddl_columns(ddl: str) -> dict[str, tuple[dict[str, str], dict[str, str], str | None]]:
    """Per table: columns -> type, partition columns -> type, LOCATION, from sqlglot's Athena parse."""
    out = {}
    for stmt in sqlglot.parse(ddl, read="athena"):
        assert isinstance(stmt, exp.Create) and stmt.args.get("kind") == "TABLE"
        cols = {c.name: c.args["kind"].sql("hive").upper() for c in stmt.this.expressions}
        props = stmt.args["properties"]
        parts = props.find(exp.PartitionedByProperty)
        pcols = {c.name: c.args["kind"].sql("hive").upper() for c in parts.this.expressions} if parts else {}
        loc = props.find(exp.LocationProperty)
        assert props.find(exp.FileFormatProperty).this.name.upper() == "PARQUET"
        out[stmt.this.this.name] = (cols, pcols, loc.this.name if loc else None)
    return out


def athena_types(schema: pa.Schema) -> dict[str, str]:
    """Column -> the Athena type (sqlglot's spelling) of each column of a Parquet file's schema."""
    return {f.name: sqlglot.parse_one(f"CAST(x AS {_ATHENA[str(f.type)]})", read="athena").to.sql("hive").upper()
            for f in schema}

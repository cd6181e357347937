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
        if isinstance(stmt, exp.Semicolon):  # the comment after the last statement
            continue
        assert isinstance(stmt, exp.Create) and stmt.args.get("kind") == "TABLE"
        cols = {c.name: c.args["kind"].sql("hive").upper() for c in stmt.this.expressions}
        props = stmt.args["properties"]
        parts = props.find(exp.PartitionedByProperty)
        pcols = {c.name: c.args["kind"].sql("hive").upper() for c in parts.this.expressions} if parts else {}
        loc = props.find(exp.LocationProperty)
        assert _storage(props) in {"PARQUET", SYMLINK_PARQUET}, _storage(props)
        out[stmt.this.this.name] = (cols, pcols, loc.this.name if loc else None)
    return out


#: How a table over symlink manifests of Parquet files is stored: Parquet's SerDe, the symlink input format.
SYMLINK_PARQUET = ("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                    "org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat")


def _storage(props: exp.Properties) -> object:
    fmt = props.find(exp.FileFormatProperty).this
    if isinstance(fmt, exp.InputOutputFormat):
        serde = props.find(exp.RowFormatSerdeProperty)
        return (serde.this.name if serde else None, fmt.args["input_format"].name)
    return fmt.name.upper()


def ddl_storage(ddl: str) -> dict[str, object]:
    """Per table: "PARQUET", or (SerDe, input format) for a table stored by its classes."""
    return {stmt.this.this.name: _storage(stmt.args["properties"]) for stmt in sqlglot.parse(ddl, read="athena")
            if not isinstance(stmt, exp.Semicolon)}  # the comment after the last statement


def athena_types(schema: pa.Schema) -> dict[str, str]:
    """Column -> the Athena type (sqlglot's spelling) of each column of a Parquet file's schema."""
    return {f.name: sqlglot.parse_one(f"CAST(x AS {_ATHENA[str(f.type)]})", read="athena").to.sql("hive").upper()
            for f in schema}

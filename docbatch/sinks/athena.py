"""Athena (Hive DDL) ``CREATE EXTERNAL TABLE`` statements for the tables as docbatch writes them.

Derived from the same Arrow schemas the Parquet parts are written with
(:mod:`.schema`), so the DDL cannot drift from the files: decimals keep their precision
and scale, dates are ``DATE``, UTC timestamps ``TIMESTAMP`` (Parquet ``isAdjustedToUTC``
milliseconds, which Athena reads), clock times ``STRING`` (``HH:MM:SS``: Athena has no
TIME), the polygon ``ARRAY<STRUCT<x:FLOAT,y:FLOAT>>``.  Partition keys become
``PARTITIONED BY`` string columns (and leave the column list, as Hive requires); after
new partitions land, ``MSCK REPAIR TABLE`` (or partition projection) makes Athena see them.
With ``symlink`` the table reads the symlink manifests of an S3 run (:mod:`docbatch.symlinks`).
"""

from __future__ import annotations

from typing import Sequence

import pyarrow as pa

from ..symlinks import SYMLINK_ROOT
from .partition import file_schema


def hive_type(t: pa.DataType) -> str:
    """The Hive/Athena type Athena reads a Parquet column of Arrow type ``t`` as."""
    simple = {pa.string(): "STRING", pa.int32(): "INT", pa.int64(): "BIGINT", pa.bool_(): "BOOLEAN",
              pa.float32(): "FLOAT", pa.float64(): "DOUBLE", pa.date32(): "DATE"}
    if t in simple:
        return simple[t]
    if pa.types.is_decimal(t):
        return f"DECIMAL({t.precision},{t.scale})"
    if pa.types.is_timestamp(t):
        return "TIMESTAMP"
    if pa.types.is_list(t):
        return f"ARRAY<{hive_type(t.value_type)}>"
    if pa.types.is_struct(t):
        return "STRUCT<" + ",".join(f"{f.name}:{hive_type(f.type)}" for f in t) + ">"
    raise ValueError(f"no Athena type for Arrow type {t}")


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


#: A table read through symlink manifests (:mod:`docbatch.symlinks`): Parquet files named in text files.
_SYMLINK_FORMAT = ("ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'\n"
                   "STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat'\n"
                   "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'")


def create_table(name: str, schema: pa.Schema, *, location: str | None = None,
                 partition_by: Sequence[str] = (), description: str = "", symlink: bool = False) -> str:
    """One ``CREATE EXTERNAL TABLE`` over the Parquet parts of table ``name`` (``location``: the
    run folder; the table is its folder in it, or with ``symlink`` its symlink manifests'
    folder, which name one published build's parts: never a half-copied table)."""
    columns = file_schema(schema, partition_by)
    lines = [f"CREATE EXTERNAL TABLE IF NOT EXISTS `{name}` ("]
    cols = [f"  `{f.name}` {hive_type(f.type)}"
            + (f" COMMENT {_quote(f.metadata[b'description'].decode())}" if f.metadata and b"description" in f.metadata
               else "") for f in columns]
    lines.append(",\n".join(cols))
    lines.append(")")
    if description:
        lines.append(f"COMMENT {_quote(description)}")
    if partition_by:
        lines.append("PARTITIONED BY (" + ", ".join(f"`{k}` STRING" for k in partition_by) + ")")
    lines.append(_SYMLINK_FORMAT if symlink else "STORED AS PARQUET")
    if location:
        folder = f"{SYMLINK_ROOT}/{name}" if symlink else name
        lines.append(f"LOCATION {_quote(location.rstrip('/') + '/' + folder + '/')}")
    lines[-1] += ";"
    if partition_by:
        lines.append(f"-- after a run adds partitions: MSCK REPAIR TABLE `{name}`;")
    return "\n".join(lines)

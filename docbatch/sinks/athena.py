"""Athena (Hive DDL) ``CREATE EXTERNAL TABLE`` statements for the tables as docbatch writes them.

Derived from the same Arrow schemas the Parquet parts are written with
(:mod:`.schema`), so the DDL cannot drift from the files: decimals keep their precision
and scale, dates are ``DATE``, UTC timestamps ``TIMESTAMP`` (Parquet ``isAdjustedToUTC``
milliseconds, which Athena reads), clock times ``STRING`` (``HH:MM:SS``: Athena has no
TIME), the polygon ``ARRAY<STRUCT<x:FLOAT,y:FLOAT>>``.  Partition keys become
``PARTITIONED BY`` string columns (and leave the column list, as Hive requires); after
new partitions land, ``MSCK REPAIR TABLE`` (or partition projection) makes Athena see them.
With ``symlink`` the table reads the symlink manifests of an S3 run (:mod:`docbatch.symlinks`).

A nightly job writes one run folder a night (``out = "s3://bucket/runs/{yesterday}/"``); given
that template as the location, the DDL makes one table over every night's folder with Athena's
partition projection: a ``folder_date`` partition column whose values Athena computes from a
date range and maps to each night's folder (``storage.location.template``), so no
``MSCK REPAIR`` or ``ADD PARTITION`` is ever needed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple, Sequence

import pyarrow as pa

from ..jobfile import DATE_TEMPLATES
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


#: The partition column of a table over every night's run folder (the date the folder is named for).
FOLDER_DATE = "folder_date"
#: A job's date template in a location: ``{date}`` / ``{yesterday}``, optionally ``{date:%Y/%m/%d}``.
_NIGHT = re.compile(r"\{(?:" + "|".join(DATE_TEMPLATES) + r")(?::([^}]*))?\}")
#: strftime's date fields as Athena's date projection spells them (Java DateTimeFormatter).
_JAVA_DATE = {"%Y": "yyyy", "%m": "MM", "%d": "dd"}


class Nightly(NamedTuple):
    """Where a nightly job's run folders are: ``root`` (before the date), ``template`` (Athena's
    ``${folder_date}`` in place of the date), the date's format in strftime and Java spelling."""

    root: str
    template: str
    strftime: str
    java: str

    @classmethod
    def of(cls, location: str) -> Nightly | None:
        """The nightly folders a job's ``out`` template names; None for one run folder."""
        found = list(_NIGHT.finditer(location))
        if not found:
            return None
        if len(found) > 1:
            raise ValueError(f"location {location!r}: one date template, not {len(found)}")
        (m,) = found
        fmt = m.group(1) or "%Y-%m-%d"
        fields = re.findall(r"%.", fmt)
        if sorted(fields) != sorted(_JAVA_DATE) or re.search(r"[A-Za-z']", re.sub(r"%.", "", fmt)):
            raise ValueError(f"location {location!r}: the date must be written with %Y, %m and %d "
                             "and separators only (Athena's date projection reads it back)")
        java = fmt
        for field, spelled in _JAVA_DATE.items():
            java = java.replace(field, spelled)
        root = location[:m.start()].rsplit("/", 1)[0] + "/"
        return cls(root, location[:m.start()] + "${" + FOLDER_DATE + "}" + location[m.end():], fmt, java)

    def properties(self, table_folder: str, since: dt.date) -> list[tuple[str, str]]:
        """TBLPROPERTIES projecting ``folder_date`` from ``since`` to today onto each night's ``table_folder``."""
        key = f"projection.{FOLDER_DATE}"
        return [("projection.enabled", "true"), (f"{key}.type", "date"), (f"{key}.format", self.java),
                (f"{key}.range", f"{since.strftime(self.strftime)},NOW"), (f"{key}.interval", "1"),
                (f"{key}.interval.unit", "DAYS"),
                ("storage.location.template", self.template.rstrip("/") + "/" + table_folder + "/")]


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


#: A table read through symlink manifests (:mod:`docbatch.symlinks`): Parquet files named in text files.
_SYMLINK_FORMAT = ("ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'\n"
                   "STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat'\n"
                   "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'")


def create_table(name: str, schema: pa.Schema, *, location: str | None = None,
                 partition_by: Sequence[str] = (), description: str = "", symlink: bool = False,
                 since: dt.date | None = None) -> str:
    """One ``CREATE EXTERNAL TABLE`` over the Parquet parts of table ``name`` (``location``: the
    run folder; the table is its folder in it, or with ``symlink`` its symlink manifests'
    folder, which name one published build's parts: never a half-copied table).  A location
    holding a job's date template (:class:`Nightly`) makes one table over every night's folder
    from ``since`` (default: a year back) on, its nights in the ``folder_date`` column."""
    nightly = Nightly.of(location) if location else None
    if nightly is not None and partition_by:
        raise ValueError("a table over every night's run folder projects its folder_date partition, and "
                         "Athena projects every partition column or none: give no --partition-by with a "
                         "date template in the location")
    columns = file_schema(schema, partition_by)
    lines = [f"CREATE EXTERNAL TABLE IF NOT EXISTS `{name}` ("]
    cols = [f"  `{f.name}` {hive_type(f.type)}"
            + (f" COMMENT {_quote(f.metadata[b'description'].decode())}" if f.metadata and b"description" in f.metadata
               else "") for f in columns]
    lines.append(",\n".join(cols))
    lines.append(")")
    if description:
        lines.append(f"COMMENT {_quote(description)}")
    keys = [FOLDER_DATE] if nightly is not None else list(partition_by)
    if keys:
        lines.append("PARTITIONED BY (" + ", ".join(f"`{k}` STRING" for k in keys) + ")")
    lines.append(_SYMLINK_FORMAT if symlink else "STORED AS PARQUET")
    folder = f"{SYMLINK_ROOT}/{name}" if symlink else name
    if nightly is not None:
        lines.append(f"LOCATION {_quote(nightly.root)}")
        since = since or dt.date.today() - dt.timedelta(days=365)
        lines.append("TBLPROPERTIES (\n" + ",\n".join(f"  {_quote(k)}={_quote(v)}"
                                                     for k, v in nightly.properties(folder, since)) + "\n)")
    elif location:
        lines.append(f"LOCATION {_quote(location.rstrip('/') + '/' + folder + '/')}")
    lines[-1] += ";"
    if partition_by:
        lines.append(f"-- after a run adds partitions: MSCK REPAIR TABLE `{name}`;")
    return "\n".join(lines)

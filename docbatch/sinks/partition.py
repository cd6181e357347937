"""Hive-style partitions: one table written as ``key=value/`` folders of numbered parts.

``--partition-by run_date,doc_type`` splits every table by values the outputs builder
puts on each row (the run's date, the document's type...).  As Hive, Athena, pandas and
DuckDB expect, the partition columns are in the folder names, not in the files, so
``pd.read_parquet(folder)`` and ``read_parquet('.../**/*.parquet', hive_partitioning=true)``
give them back as columns and an Athena table declares them in ``PARTITIONED BY``.  Each
partition folder is written by the format's own :class:`~.base.TableWriter` (hidden temp
names, renamed when whole), so staging and swapping work as for a flat table.
"""

from __future__ import annotations

import posixpath
from typing import Mapping, Sequence
from urllib.parse import quote

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs

from .base import SinkFormat, TableWriter

#: The folder value of a null partition value (Hive's, which pyarrow and DuckDB read back as null).
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
#: Where an empty table's part goes for a document's key: a plain value (no row ever has it),
#: since readers cannot type a partition column whose every folder is null.
EMPTY_PARTITION = "none"


def with_partition_columns(schema: pa.Schema, keys: Sequence[str]) -> pa.Schema:
    """``schema`` plus a string column for each partition key it lacks (the rows the builder hands over)."""
    for key in keys:
        if key not in schema.names:
            schema = schema.append(pa.field(key, pa.string()))
    return schema


def file_schema(schema: pa.Schema, keys: Sequence[str]) -> pa.Schema:
    """What each part holds: the table's schema without its partition columns."""
    return pa.schema([f for f in schema if f.name not in keys], metadata=schema.metadata)


def partition_folder(values: Mapping[str, object]) -> str:
    """``key=value/...`` for one partition, values URL-quoted as Hive does (null: Hive's default)."""
    return "/".join(f"{k}={NULL_PARTITION if v is None else quote(str(v), safe='')}" for k, v in values.items())


class PartitionedWriter:
    """Writes tables of ``schema`` (partition columns included) into one folder per partition.

    ``defaults`` names the partition an empty table's part goes to (so a reader still sees
    the schema): the run's own values, :data:`EMPTY_PARTITION` for the document's.  ``suffix``
    ends every part's name (as :class:`~.base.TableWriter`'s).
    """

    def __init__(self, sink: SinkFormat, fs: pafs.FileSystem, folder: str, schema: pa.Schema,
                 keys: Sequence[str], defaults: Mapping[str, object] | None = None, *, suffix: str = "") -> None:
        self.sink, self.fs, self.folder, self.keys, self.suffix = sink, fs, folder, list(keys), suffix
        self.schema = schema
        self.file_schema = file_schema(schema, self.keys)
        self.defaults = {k: (defaults or {}).get(k, EMPTY_PARTITION) for k in self.keys}
        self.writers: dict[tuple[object, ...], TableWriter] = {}
        fs.create_dir(folder, recursive=True)

    @property
    def parts(self) -> int:
        return sum(w.parts for w in self.writers.values())

    def write(self, table: pa.Table) -> None:
        """Write one part into each partition the table's rows fall in (an empty table: the default one)."""
        if not table.schema.equals(self.schema, check_metadata=False):
            raise ValueError(f"table does not fit the schema of {self.folder}")
        if table.num_rows == 0:
            self._writer(tuple(self.defaults.values())).write(table.select(self.file_schema.names))
            return
        combos = table.select(self.keys).group_by(self.keys).aggregate([]).to_pylist()
        for combo in combos:
            mask = None
            for key in self.keys:
                col = table.column(key)
                cond = pc.is_null(col) if combo[key] is None else pc.fill_null(pc.equal(col, combo[key]), False)
                mask = cond if mask is None else pc.and_(mask, cond)
            part = table.filter(mask).select(self.file_schema.names)
            self._writer(tuple(combo[k] for k in self.keys)).write(part.cast(self.file_schema))

    def _writer(self, values: tuple[object, ...]) -> TableWriter:
        if values not in self.writers:
            folder = posixpath.join(self.folder, partition_folder(dict(zip(self.keys, values))))
            self.writers[values] = self.sink.writer(self.fs, folder, self.file_schema, suffix=self.suffix)
        return self.writers[values]

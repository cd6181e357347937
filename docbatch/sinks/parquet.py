"""Parquet parts: the typed, primary output (pandas, DuckDB, Athena read a folder as one table)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .base import SinkFormat, TableWriter


class ParquetWriter(TableWriter):
    extension = "parquet"

    def _write_file(self, table: pa.Table, path: Path) -> None:
        pq.write_table(table, path, compression="zstd")


class ParquetFormat(SinkFormat):
    name = "parquet"
    subdir = ""

    def writer(self, folder: Path, schema: pa.Schema) -> TableWriter:
        return ParquetWriter(folder, schema)

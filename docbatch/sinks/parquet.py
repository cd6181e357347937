"""Parquet parts: the typed, primary output (pandas, DuckDB, Athena read a folder as one table)."""

from __future__ import annotations

import io
from typing import IO

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from .base import SinkFormat, TableWriter


class ParquetWriter(TableWriter):
    extension = "parquet"

    def _write_part(self, table: pa.Table, stream: IO[bytes]) -> None:
        pq.write_table(table, stream, compression="zstd")


class ParquetFormat(SinkFormat):
    subdir = ""

    def writer(self, fs: pafs.FileSystem, folder: str, schema: pa.Schema, *, suffix: str = "") -> TableWriter:
        return ParquetWriter(fs, folder, schema, suffix=suffix)

    def text_column(self, data: bytes, column: str) -> list[str]:
        return [str(v) for v in pq.read_table(io.BytesIO(data), columns=[column]).column(column).to_pylist()]

    def columns(self, fs: pafs.FileSystem, path: str) -> tuple[str, ...]:
        with fs.open_input_file(path) as fh:  # the footer alone is read
            return tuple(f"{f.name}: {f.type}" for f in pq.read_schema(fh))

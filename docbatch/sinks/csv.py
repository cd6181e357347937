r"""CSV parts for spreadsheets and tools without Parquet.

One record per line: a line break inside a text value (an address block, an item's
raw lines) is written as the two characters ``\n`` (a carriage return as ``\r``), so
``wc -l``, ``split``, ``grep`` and line-oriented loaders count records right.  A backslash
is written as ``\\``, so the escape is reversible: OCR'd text holding a backslash and an
``n`` (``C:\new``) reads back distinct from a line break (the README's un-escape, one
regex).  Values are written in their typed text form
(ISO dates and timestamps, decimals as written, never floats for money; text such as
``0420`` as written: read it with ``dtype=str``).  Text cells that a spreadsheet would run as a formula
(starting with ``= + - @``, tab or carriage return) get a leading apostrophe, header cells
(a manifest's column names) too, so a manifest or a receipt cannot inject formulas (OWASP
CSV injection).  Nested columns (the
detection polygon) are written as JSON.
"""

from __future__ import annotations

import io
import json
import re
from typing import IO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.fs as pafs

from .base import SinkFormat, TableWriter

_FORMULA_START = r"^[=+\-@\t\r]"
#: Each character the escape rewrites, with what it becomes; the backslash first, so the
#: backslashes the other two introduce are not doubled again.
_ESCAPES = (("\\", "\\\\"), ("\r", "\\r"), ("\n", "\\n"))


def neutralise(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Prefix formula-looking strings with an apostrophe; other values unchanged."""
    risky = pc.fill_null(pc.match_substring_regex(column, _FORMULA_START), False)
    return pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)


def one_line(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Backslash, carriage return and line feed inside values as ``\\\\``, ``\\r`` and ``\\n``:
    one record per CSV line, and reversible (a literal ``\\n`` is written ``\\\\n``)."""
    for char, escaped in _ESCAPES:
        column = pc.replace_substring(column, char, escaped)
    return column


def neutralise_text(value: object) -> object:
    """One cell as :func:`csv_ready` writes it (for rows written outside Arrow)."""
    if isinstance(value, str):
        for char, escaped in _ESCAPES:
            value = value.replace(char, escaped)
        if re.match(_FORMULA_START, value):
            return "'" + value
    return value


def _nested_json(column: pa.ChunkedArray) -> pa.Array:
    values = [None if p is None else json.dumps(p, separators=(",", ":")) for p in column.to_pylist()]
    return pa.array(values, type=pa.string())


def csv_ready(table: pa.Table) -> pa.Table:
    """The table as its CSV holds it: text on one line and neutralised (a cell a spreadsheet would
    run as a formula), nested columns as JSON text."""
    cols = []
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_string(col.type):
            col = neutralise(one_line(col))
        elif pa.types.is_list(col.type) or pa.types.is_struct(col.type):
            col = _nested_json(col)
        cols.append(col)
    # A header cell is run as a formula as readily as a value (a manifest's own column names).
    return pa.table(cols, names=[neutralise_text(name) for name in table.column_names])


class CsvWriter(TableWriter):
    extension = "csv"

    def _write_part(self, table: pa.Table, stream: IO[bytes]) -> None:
        pacsv.write_csv(csv_ready(table), stream, pacsv.WriteOptions(include_header=True))


class CsvFormat(SinkFormat):
    subdir = "csv"

    def writer(self, fs: pafs.FileSystem, folder: str, schema: pa.Schema, *, suffix: str = "") -> TableWriter:
        return CsvWriter(fs, folder, schema, suffix=suffix)

    def text_column(self, data: bytes, column: str) -> list[str]:
        table = pacsv.read_csv(io.BytesIO(data), convert_options=pacsv.ConvertOptions(
            include_columns=[column], column_types={column: "string"}))
        return [str(v) for v in table.column(column).to_pylist()]

    def columns(self, fs: pafs.FileSystem, path: str) -> tuple[str, ...]:
        """The header's names: a CSV part keeps no types (and inferring them from values would
        tell an all-empty column in one shard from text in another)."""
        with fs.open_input_stream(path, compression=None) as fh:
            return tuple(pacsv.open_csv(fh).schema.names)

"""Manifests: the list of documents a run reads, streamed one row at a time.

A manifest is CSV (``.csv``; ``.tsv`` tab-separated), JSON Lines (``.jsonl``/``.ndjson``)
or Parquet (``.parquet``); CSV and JSON Lines may also be gzipped (``.csv.gz``).  It has a
``source`` column, optionally ``doc_type`` (receipt|id|auto) and ``doc_id``; every other
column is *passthrough*, carried as strings to the output tables untouched.

Why it streams: manifests reach millions of rows, so readers hold one CSV line, one JSON
line or one Parquet record batch at a time.  The only state that grows is the index used
to reject duplicate ids and sources: two 64-bit digests and a row number per row, not the
rows themselves.

Why bad rows are yielded, not raised: one malformed row must not stop a million-row run.
Each row is checked by :mod:`docbatch.manifest_rows`; a bad one becomes a :class:`ManifestRow`
carrying a :class:`ManifestRowError` (its message names the row number and the problem,
never the row's values beyond a shortened source), so the runner writes it to the
documents table and ``failed.csv`` and carries on.  Whole-file
problems (missing file, unknown format, no ``source`` column) raise ``ConfigError`` at once,
when :func:`read_manifest` is called, before any row is read.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import gzip
import io
import itertools
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator, TextIO

from docbatch.errors import ConfigError
from docbatch.manifest_rows import ManifestRow, RowChecker, role
from docbatch.records import DOC_TYPES

IMAGE_EXTENSIONS: tuple[str, ...] = (
    ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".pdf", ".heic",
)
_PARQUET_BATCH = 1024
_RowData = tuple[dict[str, Any], str | None]  # (values by column, structural problem or None)


def read_manifest(
    path: str | Path, *, default_doc_type: str = "auto", base_dir: str | Path | None = None
) -> Iterator[ManifestRow]:
    """Open ``path``, check its columns now, and return a lazy iterator of its rows.

    Relative sources resolve against ``base_dir`` (default: the manifest's folder; an
    ``s3://bucket/folder`` for a manifest read from S3).
    Raises ``ConfigError`` before returning for whole-file problems.
    """
    default = default_doc_type.strip().lower()
    if default not in DOC_TYPES:
        raise ConfigError(f"default doc_type must be one of {', '.join(DOC_TYPES)}")
    rows = _open_rows(Path(path))
    try:
        _check_columns(next(rows), Path(path))
    except BaseException:
        rows.close()
        raise
    base = str(base_dir) if str(base_dir or "").startswith("s3://") else \
        os.path.abspath(base_dir if base_dir is not None else Path(path).parent)
    return _validated(rows, RowChecker(base_dir=base, default_doc_type=default))


def passthrough_columns(path: str | Path) -> list[str]:
    """The manifest's columns other than source/doc_type/doc_id, in file order.

    CSV and Parquet answer from the header; JSON Lines has none, so its columns are the
    union of all objects' keys in first-seen order (one streaming pass over the file).
    """
    rows = _open_rows(Path(path))
    with contextlib.closing(rows):
        columns = list(next(rows))
        _check_columns(columns, Path(path))
        if _format(Path(path))[0] == "jsonl":
            known = set(columns)
            for values, _ in rows:
                for key in values:
                    if key not in known:
                        known.add(key)
                        columns.append(key)
    return [c for c in columns if role(c) is None]


def _validated(rows: Iterator[_RowData], checker: RowChecker) -> Iterator[ManifestRow]:
    with contextlib.closing(rows):
        for row_no, (values, problem) in enumerate(rows, 1):
            yield checker.check(row_no, values, problem)


# ---------------------------------------------------------------- readers
# Each reader is a generator that first yields the column list, then one _RowData per
# data row; the caller primes it with next() so header problems surface immediately.


def _format(path: Path) -> tuple[str, bool]:
    name = path.name.lower()
    gz = name.endswith(".gz")
    if gz:
        name = name[:-3]
    for ext, kind in ((".csv", "csv"), (".tsv", "tsv"), (".jsonl", "jsonl"),
                      (".ndjson", "jsonl"), (".parquet", "parquet")):
        if name.endswith(ext) and not (gz and kind == "parquet"):
            return kind, gz
    raise ConfigError(
        f"manifest {path.name!r}: unknown format; use .csv, .tsv, .jsonl, .ndjson or .parquet"
    )


def _open_rows(path: Path) -> Iterator[Any]:
    kind, gz = _format(path)
    if not path.exists() or path.is_dir():  # not is_file(): a named pipe is a fine manifest
        raise ConfigError(f"manifest {str(path)!r} does not exist or is not a file")
    if kind == "parquet":
        return _parquet_rows(path)
    if kind == "jsonl":
        return _jsonl_rows(path, gz=gz)
    return _delimited_rows(path, gz=gz, tab=kind == "tsv")


def _open_text(path: Path, *, gz: bool) -> TextIO:
    """Text stream that never fails on bad bytes: they become surrogates, checked per row.

    A UTF-16 byte-order mark (Excel's "Unicode Text" export) selects UTF-16; otherwise
    UTF-8 with an optional BOM.
    """
    binary = gzip.open(path, "rb") if gz else open(path, "rb")  # noqa: SIM115
    head = binary.peek(2)[:2]
    utf16 = head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    return io.TextIOWrapper(
        binary, encoding="utf-16" if utf16 else "utf-8-sig", errors="surrogateescape", newline=""
    )


def _delimited_rows(path: Path, *, gz: bool, tab: bool) -> Iterator[Any]:
    with _open_text(path, gz=gz) as f:
        first = f.readline()
        # A .csv saved by a European-locale spreadsheet separates with semicolons.
        delimiter = "\t" if tab else ";" if ";" in first and "," not in first else ","
        reader = csv.reader(itertools.chain([first], f), delimiter=delimiter)
        header = next(reader, None)
        if not header:
            raise ConfigError(f"manifest {path.name!r} is empty: it needs a header row")
        yield header
        width = len(header)
        while True:
            first_line = reader.line_num + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield {}, f"unparseable CSV ({exc})"
                continue
            if not any(field.strip() for field in fields):
                continue  # blank line: not a data row
            extra = len(fields) > width
            problem = f"has {len(fields)} fields, the header {width}" if extra else None
            if reader.line_num > first_line and _swallowed_lines(fields, delimiter):
                problem = (f"a quote (\") left open on line {first_line} joins lines {first_line}-{reader.line_num} "
                           "into this row; close it and run again")
            fields += [""] * (width - len(fields))  # omitted trailing fields are blank
            yield dict(zip(header, fields)), problem


def _swallowed_lines(fields: list[str], delimiter: str) -> bool:
    """Whether a quoted field runs over rows of the manifest: a line break inside it followed
    by the delimiter on the same line.  A file name may hold a line break (``docbatch
    manifest`` quotes it) or the delimiter, but a row's worth of both is a quote left open,
    which would otherwise join the rows below into one strangely named document."""
    return any(delimiter in line for field in fields for line in field.splitlines()[1:])


def _jsonl_rows(path: Path, *, gz: bool) -> Iterator[Any]:
    with _open_text(path, gz=gz) as f:
        lines = ((n, line) for n, line in enumerate(f, 1) if line.strip())
        first = next(lines, None)
        if first is None:
            yield []
            return
        values, problem = _json_object(*first)
        if problem is not None:
            raise ConfigError(
                f"manifest {path.name!r}: line {first[0]} is not a JSON object; "
                "JSON Lines needs one object per line"
            )
        yield list(values)
        yield values, None
        for line_no, line in lines:
            yield _json_object(line_no, line)


def _json_object(line_no: int, line: str) -> _RowData:
    try:
        obj = json.loads(line, parse_float=Decimal)  # Decimal keeps "1.50" as written
    except json.JSONDecodeError as exc:
        return {}, f"line {line_no} is not valid JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(obj, dict):
        return {}, f"line {line_no} is not a JSON object"
    return {k: _text(v) for k, v in obj.items()}, None


def _parquet_rows(path: Path) -> Iterator[Any]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise ConfigError(f"manifest {path.name!r} is not a readable Parquet file") from exc
    with pf:
        names = list(pf.schema_arrow.names)
        yield names
        read = 0
        try:
            for batch in pf.iter_batches(batch_size=_PARQUET_BATCH):
                columns = [col.to_pylist() for col in batch.columns]
                for values in zip(*columns):
                    yield {k: _text(v) for k, v in zip(names, values)}, None
                read += batch.num_rows
        except (pa.ArrowException, OSError) as exc:
            raise ConfigError(
                f"manifest {path.name!r}: Parquet data unreadable after row {read}"
            ) from exc


def _text(value: Any) -> str | None:
    """A typed value as the string a CSV export would carry; None stays None."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _check_columns(columns: list[str], path: Path) -> None:
    if not columns:
        return  # an empty JSON Lines file: no rows, nothing to check
    seen: set[str] = set()
    for position, column in enumerate(columns, 1):
        if not column.strip():
            raise ConfigError(f"manifest {path.name!r}: column {position} has no name")
        key = role(column) or column
        if key in seen:
            raise ConfigError(f"manifest {path.name!r}: column {key!r} appears twice")
        seen.add(key)
    if "source" not in seen:
        raise ConfigError(f"manifest {path.name!r} has no 'source' column")

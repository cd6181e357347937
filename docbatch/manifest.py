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
Each becomes a :class:`ManifestRow` carrying a :class:`ManifestRowError` (its message names
the row number and the problem, never the row's values beyond a shortened source), so the
runner writes it to the documents table and ``failed.csv`` and carries on.  Whole-file
problems (missing file, unknown format, no ``source`` column) raise ``ConfigError`` at once,
when :func:`read_manifest` is called, before any row is read.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import functools
import gzip
import hashlib
import io
import itertools
import json
import os
import posixpath
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator, Mapping, TextIO
from urllib.parse import unquote

from docbatch.errors import ConfigError, ManifestRowError
from docbatch.firstrows import FirstRows
from docbatch.records import DOC_TYPES, Document

IMAGE_EXTENSIONS: tuple[str, ...] = (
    ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".pdf", ".heic",
)
RESERVED: tuple[str, ...] = ("source", "doc_type", "doc_id")

_SHOWN_MAX = 200  # longest source quoted in an error message
_ID_MAX = 100  # longest derived doc_id stem
_PARQUET_BATCH = 1024
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
BUCKET_NAME = re.compile(r"[A-Za-z0-9._-]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_ID = re.compile(r"[^A-Za-z0-9._-]+")
#: The doc_ids the pages of a multi-page source take (records.page_doc_id): a row's own
#: doc_id of that form would take a page's place in the journal and tables.
_PAGE_ID = re.compile(r"#p[0-9]+\Z")
_RowData = tuple[dict[str, Any], str | None]  # (values by column, structural problem or None)


@dataclass(frozen=True)
class ManifestRow:
    """One data row, valid (``document`` set) or not (``error`` set), never both.

    ``doc_id`` is the id the row goes by in every output, unique across the manifest:
    ``document.doc_id`` for a valid row; for a bad row its explicit ``doc_id`` when that is
    unique, else ``row-<row_no>``.
    """

    row_no: int
    document: Document | None
    error: ManifestRowError | None
    raw: Mapping[str, str | None]
    doc_id: str = ""

    def __post_init__(self) -> None:
        if (self.document is None) == (self.error is None):
            raise ValueError("ManifestRow needs exactly one of document and error")
        if not self.doc_id:
            doc_id = self.document.doc_id if self.document else f"row-{self.row_no}"
            object.__setattr__(self, "doc_id", doc_id)


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
    return _validated(rows, _RowChecker(base_dir=base, default_doc_type=default))


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
    return [c for c in columns if _role(c) is None]


def _validated(rows: Iterator[_RowData], checker: _RowChecker) -> Iterator[ManifestRow]:
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


# ---------------------------------------------------------------- validation


def _role(column: str) -> str | None:
    name = column.strip().lower()
    return name if name in RESERVED else None


def _check_columns(columns: list[str], path: Path) -> None:
    if not columns:
        return  # an empty JSON Lines file: no rows, nothing to check
    seen: set[str] = set()
    for position, column in enumerate(columns, 1):
        if not column.strip():
            raise ConfigError(f"manifest {path.name!r}: column {position} has no name")
        key = _role(column) or column
        if key in seen:
            raise ConfigError(f"manifest {path.name!r}: column {key!r} appears twice")
        seen.add(key)
    if "source" not in seen:
        raise ConfigError(f"manifest {path.name!r} has no 'source' column")


@functools.lru_cache(maxsize=64)
def _roles(columns: tuple[str, ...]) -> tuple[str | None, str | None, str | None, tuple[str, ...]]:
    """The source, doc_type and doc_id columns (None if absent), then the passthrough rest."""
    roles: dict[str, str] = {}
    passthrough = []
    for column in columns:
        role = _role(column)
        if role is None or role in roles:
            passthrough.append(column)
        else:
            roles[role] = column
    return roles.get("source"), roles.get("doc_type"), roles.get("doc_id"), tuple(passthrough)


def _field(row: Mapping[str, Any], column: str | None) -> str:
    return (row.get(column) or "").strip() if column is not None else ""


def _clean(value: str | None) -> str | None:
    """Undecodable bytes (surrogates) become U+FFFD so every output can encode the value."""
    if value is None or value.isascii():
        return value
    return _SURROGATE.sub("\ufffd", value)


def _shown(source: str) -> str:
    short = source if len(source) <= _SHOWN_MAX else source[:_SHOWN_MAX] + "…"
    return repr(_clean(short))


def _digest(text: str) -> int:
    """A non-zero 64-bit digest, deterministic across runs (unlike ``hash``)."""
    data = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(data, "little") or 1


def _sha8(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


class _RowChecker:
    """Validates rows in order; remembers (digests of) sources and ids to reject repeats."""

    def __init__(self, *, base_dir: str, default_doc_type: str) -> None:
        self._base_dir = base_dir
        self._default = default_doc_type
        self._source_rows = FirstRows()
        self._id_rows = FirstRows()

    def check(self, row_no: int, values: dict[str, Any], problem: str | None) -> ManifestRow:
        source_col, type_col, id_col, passthrough_keys = _roles(tuple(values))
        raw = values
        if not all(v is None or v.isascii() for v in values.values()):
            raw = {k: _clean(v) for k, v in values.items()}
        given = _field(values, source_col)
        failure: tuple[str, str] | None = ("bad_row", problem) if problem else None
        source = None
        if failure is None:
            source, failure = _normalise_source(given, self._base_dir)
        doc_type = _field(raw, type_col).lower() or self._default
        if failure is None and doc_type not in DOC_TYPES:
            failure = ("unknown_doc_type", f"doc_type must be one of {', '.join(DOC_TYPES)}")
        explicit = _field(raw, id_col)
        if _PAGE_ID.search(explicit):
            failure = failure or ("reserved_doc_id", "a doc_id ending #p<N> is the id of a PDF or TIFF page")
            explicit = ""
        if explicit:
            first = self._id_rows.setdefault(_digest(explicit), row_no)
            if first != row_no:
                failure = failure or ("duplicate_doc_id", f"doc_id is already used by row {first}")
                explicit = ""
        if failure is None:
            # only a row that runs claims its source: a later row of a refused one's source runs
            first = self._source_rows.setdefault(_digest(source), row_no)
            if first != row_no:
                failure = ("duplicate_source", f"source {_shown(given)} repeats row {first}")
        if failure is not None:
            code, message = failure
            doc_id = explicit or self._claim(f"row-{row_no}", salt=f"row-{row_no}", row_no=row_no)
            error = ManifestRowError(f"row {row_no}: {message}", error_code=code)
            return ManifestRow(row_no, None, error, raw, doc_id)
        assert source is not None
        doc_id = explicit or self._claim(_stem_id(source), salt=given, row_no=row_no)
        document = Document(
            doc_id=doc_id,
            source=source,
            doc_type=doc_type,  # type: ignore[arg-type]  # checked against DOC_TYPES
            row_no=row_no,
            passthrough={k: raw[k] for k in passthrough_keys},
        )
        return ManifestRow(row_no, document, None, raw, doc_id)

    def _claim(self, candidate: str, *, salt: str, row_no: int) -> str:
        """``candidate`` if unused, else ``candidate-<sha1(salt)[:8]>`` (then ``-2``, ``-3``...)."""
        if self._id_rows.setdefault(_digest(candidate), row_no) == row_no:
            return candidate
        hashed = name = f"{candidate}-{_sha8(salt)}"
        n = 1
        while self._id_rows.setdefault(_digest(name), row_no) != row_no:
            n += 1
            name = f"{hashed}-{n}"
        return name


def _normalise_source(
    given: str, base_dir: str
) -> tuple[str, None] | tuple[None, tuple[str, str]]:
    """Canonical form of a source: ``s3://bucket/key`` or an absolute, normalised path."""
    if not given:
        return None, ("empty_source", "source is empty")

    def bad(why: str) -> tuple[None, tuple[str, str]]:
        return None, ("bad_source", f"source {_shown(given)} {why}")

    if not given.isascii() and _SURROGATE.search(given):
        return bad("is not valid UTF-8 (save the manifest as UTF-8)")
    match = _SCHEME.match(given)
    if match is None:
        if base_dir.startswith("s3://"):  # a manifest read from S3: relative to its S3 folder
            key = posixpath.normpath(posixpath.join(base_dir[5:].partition("/")[2], given)).lstrip("/")
            if key.startswith(".."):
                return bad("points outside the bucket")
            return f"s3://{base_dir[5:].partition('/')[0]}/{key}", None
        return os.path.normpath(os.path.join(base_dir, given)), None
    scheme, rest = match.group(1).lower(), given[match.end():]
    if scheme == "s3":
        bucket, _, key = rest.partition("/")
        if not BUCKET_NAME.fullmatch(bucket):
            return bad("has no valid bucket name")
        if not key or key.endswith("/"):
            return bad("names no object (empty key or a folder)")
        return f"s3://{bucket}/{key}", None
    if scheme == "file":
        path = file_uri_path(rest)
        return (path, None) if path else bad("is not a file:///absolute/path URI")
    return bad(f"has an unsupported scheme {scheme}:// (use s3://, file:// or a path)")


def file_uri_path(rest: str) -> str | None:
    host, slash, path = rest.partition("/")
    if host not in ("", "localhost") or not slash:
        return None
    return os.path.normpath("/" + unquote(path))


def _stem_id(source: str) -> str:
    """A readable id from the source's file stem, limited to ``[A-Za-z0-9._-]``."""
    stem = os.path.splitext(source.rsplit("/", 1)[-1])[0]
    if not stem.isascii():  # café -> cafe; other scripts become "_"
        decomposed = unicodedata.normalize("NFKD", stem)
        stem = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_ID.sub("_", stem).strip("._-")[:_ID_MAX].rstrip("._-") or "doc"

"""The sink contract of ``docbatch/sinks/base.py``, run against every format in ``SINKS``
and every table of the catalogue.

A format writes one table as numbered parts in one folder: each part carries the table's
schema (Parquet: exactly its Arrow schema; CSV: the catalogue's column names as header,
values in their documented text forms), an empty table still writes a part, and a part
becomes visible only when whole.  Reading a part back is this suite's own code (pyarrow
for Parquet, the ``csv`` module for CSV), not the sink's.
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import itertools
import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest

from docbatch.parse.catalog import TABLES as CATALOG
from docbatch.parse.catalog import Kind, Table
from docbatch.sinks import SINKS
from docbatch.sinks.schema import arrow_schema

from ..support.csv_cells import unescape

#: A manifest column carried through to the tables that take passthrough columns.
PASSTHROUGH = ("batch_ref",)
UTC = dt.timezone.utc

#: Realistic values of every kind the catalogue knows (two each; a third row is all None).
VALUES: dict[Kind, tuple[Any, ...]] = {
    "string": ("CORNER SHOP, 12 High St\nLondon\r\nSW1", '=HYPERLINK("http://x","y")', "Café Ünïcode € \"quoted\"",
               "0420", r"C:\new\scans \\share"),
    "int32": (3, -7),
    "int64": (2**40 + 1, 0),
    "bool": (True, False),
    "float32": (0.25, 0.875),  # exactly representable in float32
    "confidence": (99.5, 61.25),
    "money": (Decimal("1234.56"), Decimal("-0.50")),
    "quantity": (Decimal("1.250"), Decimal("12.000")),
    "date": (dt.date(2025, 12, 25), dt.date(1969, 7, 20)),
    "time": ("14:05:09", "00:00:00"),  # HH:MM:SS text: a type every engine (Athena, Glue) reads
    "timestamp": (dt.datetime(2025, 12, 25, 14, 5, 9, 123000, tzinfo=UTC),
                  dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))),
    "polygon": ([{"x": 0.125, "y": 0.25}, {"x": 0.875, "y": 0.25}, {"x": 0.875, "y": 0.5}, {"x": 0.125, "y": 0.5}],
                []),
}


def kinds_of(table: Table) -> dict[str, Kind]:
    kinds: dict[str, Kind] = {f.name: f.kind for f in table.fields}
    if table.passthrough:
        kinds.update(dict.fromkeys(PASSTHROUGH, "string"))
    return kinds


def schema_of(table: Table) -> pa.Schema:
    return arrow_schema(table, PASSTHROUGH)


def sample_rows(table: Table) -> list[dict[str, Any]]:
    """Two rows of realistic values (each column takes its kind's values in turn) and one all-None row."""
    kinds = kinds_of(table)
    rows = [{name: VALUES[kind][(row + i) % len(VALUES[kind])] for i, (name, kind) in enumerate(kinds.items())}
            for row in range(2)]
    return [*rows, dict.fromkeys(kinds)]


def typed(table: Table, rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema_of(table))


# -- reading parts back, per format -----------------------------------------------------------------


def _csv_text(kind: Kind, value: Any) -> str:
    """The documented CSV text form of a value (sinks/csv.py): ISO dates and times, UTC
    timestamps, decimals as written, JSON for polygons, formula-looking text neutralised."""
    if value is None:
        return ""
    if kind == "string":
        value = value.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")  # one record a line
        return "'" + value if value[:1] in ("=", "+", "-", "@", "\t") else value
    if kind == "bool":
        return "true" if value else "false"
    if kind in ("money", "quantity", "int32", "int64"):
        return str(value)
    if kind == "time":
        return value
    if kind == "date":
        return value.isoformat()
    if kind == "timestamp":
        utc = value.astimezone(UTC)
        return utc.strftime("%Y-%m-%d %H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    if kind == "polygon":
        return json.dumps(value, separators=(",", ":"))
    raise AssertionError(f"no text form for {kind}")


class ParquetReader:
    def columns(self, path: Path) -> list[str]:
        return pq.read_schema(path).names

    def count(self, path: Path) -> int:
        return pq.read_metadata(path).num_rows

    def check_types(self, path: Path, table: Table) -> None:
        """Exactly the Arrow schema, and each column's catalogue entry as its field metadata."""
        back, schema = pq.read_schema(path), schema_of(table)
        assert back.equals(schema)
        assert [f.metadata for f in back] == [f.metadata for f in schema]
        assert back.metadata == schema.metadata

    def check_rows(self, path: Path, table: Table, rows: list[dict[str, Any]]) -> None:
        back = pq.read_table(path)
        assert back.column_names == schema_of(table).names
        assert back.to_pylist() == rows


class CsvReader:
    def _read(self, path: Path) -> list[list[str]]:
        with open(path, newline="", encoding="utf-8") as fh:
            return list(csv.reader(fh))

    def columns(self, path: Path) -> list[str]:
        return self._read(path)[0]

    def count(self, path: Path) -> int:
        return len(self._read(path)) - 1

    def check_types(self, path: Path, table: Table) -> None:
        assert self.columns(path) == [*table.names, *(PASSTHROUGH if table.passthrough else ())]

    def check_rows(self, path: Path, table: Table, rows: list[dict[str, Any]]) -> None:
        header, *cells = self._read(path)
        kinds = kinds_of(table)
        assert header == list(kinds)
        assert len(cells) == len(rows)
        for row, line in zip(rows, cells):
            for name, cell in zip(header, line):
                kind, value = kinds[name], row[name]
                if kind in ("float32", "confidence") and value is not None:
                    assert float(cell) == value, name
                else:
                    assert cell == _csv_text(kind, value), name


READERS: dict[str, Any] = {"parquet": ParquetReader(), "csv": CsvReader()}


def _cases() -> list[Any]:
    return [pytest.param(fmt, name, id=f"{fmt}-{name}") for fmt in SINKS for name in CATALOG]


class Folder:
    """One table's folder written by one format, and what is in it."""

    def __init__(self, tmp_path: Path, fmt: str, table_name: str, fs: pafs.FileSystem | None = None) -> None:
        if fmt not in READERS:
            pytest.fail(f"format {fmt!r} is in SINKS but this suite cannot read it back: add a reader")
        self.fmt = fmt
        self.table = CATALOG[table_name]
        self.path = tmp_path / fmt / table_name
        self.reader = READERS[fmt]
        self.writer = SINKS[fmt]().writer(fs or pafs.LocalFileSystem(), self.path.as_posix(), schema_of(self.table))

    def names(self) -> list[str]:
        return sorted(p.name for p in self.path.iterdir())

    def parts(self) -> list[Path]:
        return sorted(p for p in self.path.iterdir() if p.name.startswith("part-"))

    def part_name(self, n: int) -> str:
        return f"part-{n:05d}.{self.writer.extension}"


# -- failures while a part is written ---------------------------------------------------------------


class _FullDisk:
    """A raw output file that takes ``room`` bytes and then fails like a full disk."""

    def __init__(self, path: str, room: int) -> None:
        self._fh = open(path, "wb")  # noqa: SIM115 - closed by close()
        self._room = room
        self.closed = False

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:
        data = bytes(data)
        fits = data[: max(0, self._room)]
        self._fh.write(fits)
        self._room -= len(fits)
        if len(fits) < len(data):
            raise OSError(errno.ENOSPC, "No space left on device")
        return len(data)

    def flush(self) -> None:
        self._fh.flush()

    def close(self) -> None:
        self.closed = True
        self._fh.close()


class FullDiskFS(pafs.FileSystemHandler):
    """The local filesystem, except that the first ``failures`` output streams fail after
    ``room`` bytes (a disk that was full, then freed)."""

    def __init__(self, room: int = 12, failures: int = 1) -> None:
        self.local = pafs.LocalFileSystem()
        self.room = room
        self.failures = failures

    def get_type_name(self) -> str:
        return "full-disk"

    def normalize_path(self, path: str) -> str:
        return path

    def get_file_info(self, paths: list[str]) -> list[pafs.FileInfo]:
        return self.local.get_file_info(paths)

    def get_file_info_selector(self, selector: pafs.FileSelector) -> list[pafs.FileInfo]:
        return self.local.get_file_info(selector)

    def create_dir(self, path: str, recursive: bool) -> None:
        self.local.create_dir(path, recursive=recursive)

    def delete_dir(self, path: str) -> None:
        self.local.delete_dir(path)

    def delete_dir_contents(self, path: str, missing_dir_ok: bool = False) -> None:
        self.local.delete_dir_contents(path, missing_dir_ok=missing_dir_ok)

    def delete_root_dir_contents(self) -> None:
        raise OSError("not on this filesystem")

    def delete_file(self, path: str) -> None:
        self.local.delete_file(path)

    def move(self, src: str, dest: str) -> None:
        self.local.move(src, dest)

    def copy_file(self, src: str, dest: str) -> None:
        self.local.copy_file(src, dest)

    def open_input_stream(self, path: str) -> Any:
        return self.local.open_input_stream(path)

    def open_input_file(self, path: str) -> Any:
        return self.local.open_input_file(path)

    def open_output_stream(self, path: str, metadata: Any) -> Any:
        if self.failures <= 0:
            return self.local.open_output_stream(path)
        self.failures -= 1
        return pa.PythonFile(_FullDisk(path, self.room), mode="w")

    def open_append_stream(self, path: str, metadata: Any) -> Any:
        raise OSError("not on this filesystem")


def _full_disk(tmp_path: Path, fmt: str, name: str) -> tuple[Folder, pa.Table]:
    folder = Folder(tmp_path, fmt, name, fs=pafs.PyFileSystem(FullDiskFS()))
    return folder, typed(folder.table, sample_rows(folder.table))


def _unwritable_column(tmp_path: Path, fmt: str, name: str) -> tuple[Folder, pa.Table]:
    """A table with an extra column that no format can encode (an interval): refused as not
    fitting the schema, or failing inside the part's write if the check ever goes."""
    folder = Folder(tmp_path, fmt, name)
    table = typed(folder.table, sample_rows(folder.table))
    interval = pa.array([pa.MonthDayNano([1, 2, 3])] * table.num_rows, pa.month_day_nano_interval())
    return folder, table.append_column("uncatalogued_interval", interval)


FAILURES: dict[str, Callable[[Path, str, str], tuple[Folder, pa.Table]]] = {
    "full-disk": _full_disk, "unwritable-column": _unwritable_column}


# -- the contract ---------------------------------------------------------------------------------

_PLACES = itertools.count()


@pytest.fixture(scope="module")
def sink_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sinks")


@pytest.fixture
def tmp_path(sink_root: Path) -> Path:
    """A fresh folder per test under one module folder (cheaper than pytest's own tmp_path
    for eighty small tests)."""
    return sink_root / str(next(_PLACES))


@pytest.mark.parametrize(("fmt", "name"), _cases())
def test_a_part_carries_the_tables_columns_and_types(tmp_path: Path, fmt: str, name: str) -> None:
    folder = Folder(tmp_path, fmt, name)
    folder.writer.write(typed(folder.table, sample_rows(folder.table)))
    (part,) = folder.parts()
    folder.reader.check_types(part, folder.table)


@pytest.mark.parametrize(("fmt", "name"), _cases())
def test_rows_of_every_kind_read_back_equal(tmp_path: Path, fmt: str, name: str) -> None:
    folder = Folder(tmp_path, fmt, name)
    rows = sample_rows(folder.table)
    folder.writer.write(typed(folder.table, rows))
    (part,) = folder.parts()
    folder.reader.check_rows(part, folder.table, rows)


@pytest.mark.parametrize("name", list(CATALOG))
def test_a_csv_part_holds_one_record_per_line(tmp_path: Path, name: str) -> None:
    folder = Folder(tmp_path, "csv", name)
    rows = sample_rows(folder.table)
    folder.writer.write(typed(folder.table, rows))
    (part,) = folder.parts()
    lines = part.read_bytes().decode("utf-8").split("\n")
    assert lines[-1] == "" and len(lines[:-1]) == 1 + len(rows)  # the header, then one line per row
    assert "\r" not in "".join(lines)
    assert all(next(csv.reader([line])) for line in lines[:-1])  # each line is a whole record on its own


def test_csv_text_with_a_backslash_n_reads_back_distinct_from_a_line_break(tmp_path: Path) -> None:
    # OCR'd text can hold a backslash and an n (a path, a typed "\n"): escaped like a line break
    # it could not be told from one, so the backslash is escaped too and the round trip is exact.
    folder = Folder(tmp_path, "csv", "receipts")
    vendors = ["C:\\new", "C:\nnew", "C:\r\nnew", "C:\\\nnew", "C:\\\\new", "\\", "ends\\"]
    folder.writer.write(typed(folder.table, [{"doc_id": str(i), "vendor_name": v} for i, v in enumerate(vendors)]))
    (part,) = folder.parts()
    header, *cells = CsvReader()._read(part)
    written = [line[header.index("vendor_name")] for line in cells]
    assert len(set(written)) == len(vendors)
    assert [unescape(cell) for cell in written] == vendors


@pytest.mark.parametrize("fmt", list(SINKS))
def test_a_format_reads_a_text_column_of_its_own_part_back_a_value_per_row(tmp_path: Path, fmt: str) -> None:
    # What docbatch merge counts a shard's rows and doc_ids by, whatever format its parts are.
    folder = Folder(tmp_path, fmt, "documents")
    ids = ["r000.png", "0420", "statement#p2", "1e5", "true"]  # text, even where it reads as a number or bool
    folder.writer.write(typed(folder.table, [{"doc_id": doc_id} for doc_id in ids]))
    (part,) = folder.parts()
    assert SINKS[fmt]().text_column(part.read_bytes(), "doc_id") == ids


@pytest.mark.parametrize("fmt", list(SINKS))
def test_parts_of_one_schema_declare_one_set_of_columns_and_a_part_lacking_a_column_another(
        tmp_path: Path, fmt: str) -> None:
    # What docbatch merge compares every shard's parts by: whatever rows a part holds (none, or
    # a column empty in one and filled in another), the same schema declares the same columns.
    folder = Folder(tmp_path, fmt, "receipts")
    rows = sample_rows(folder.table)
    folder.writer.write(typed(folder.table, rows))
    folder.writer.write(typed(folder.table, []))
    fs = pafs.LocalFileSystem()
    full, empty = (SINKS[fmt]().columns(fs, part.as_posix()) for part in folder.parts())
    assert full == empty and len(full) == len(schema_of(folder.table))
    narrower = typed(folder.table, rows).drop_columns(["vendor_aliases"])
    SINKS[fmt]().writer(fs, (tmp_path / "narrower").as_posix(), narrower.schema).write(narrower)
    (part,) = (tmp_path / "narrower").glob("part-*")
    assert len(SINKS[fmt]().columns(fs, part.as_posix())) == len(full) - 1


@pytest.mark.parametrize(("fmt", "name"), _cases())
def test_an_empty_table_still_writes_a_part_with_the_schema(tmp_path: Path, fmt: str, name: str) -> None:
    folder = Folder(tmp_path, fmt, name)
    folder.writer.write(typed(folder.table, []))
    assert folder.names() == [folder.part_name(0)]
    (part,) = folder.parts()
    assert folder.reader.columns(part) == schema_of(folder.table).names
    folder.reader.check_rows(part, folder.table, [])


@pytest.mark.parametrize(("fmt", "name"), _cases())
def test_successive_writes_are_numbered_parts(tmp_path: Path, fmt: str, name: str) -> None:
    folder = Folder(tmp_path, fmt, name)
    rows = sample_rows(folder.table)
    for n in range(3):
        folder.writer.write(typed(folder.table, rows[n:n + 1]))
    assert folder.names() == [folder.part_name(n) for n in range(3)]
    assert folder.writer.parts == 3
    assert [folder.reader.count(part) for part in folder.parts()] == [1, 1, 1]


@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize(("fmt", "name"), _cases())
def test_a_part_that_fails_mid_write_never_becomes_visible(tmp_path: Path, fmt: str, name: str, failure: str) -> None:
    folder, table = FAILURES[failure](tmp_path, fmt, name)
    with pytest.raises(Exception):  # noqa: B017 - whatever the failure, it must surface
        folder.writer.write(table)
    assert folder.parts() == []
    assert all(n.startswith(".") for n in folder.names()), folder.names()
    # The failed part's number is not used up: the same writer's next whole part is part-00000.
    folder.writer.write(typed(folder.table, []))
    assert [p.name for p in folder.parts()] == [folder.part_name(0)]


@pytest.mark.parametrize(("fmt", "name"), _cases())
def test_a_part_that_fails_mid_write_leaves_no_temp_file(tmp_path: Path, fmt: str, name: str) -> None:
    folder, table = _full_disk(tmp_path, fmt, name)
    with pytest.raises(OSError):
        folder.writer.write(table)
    assert folder.names() == []


@pytest.mark.parametrize(("fmt", "name"), _cases())
def test_a_table_that_does_not_fit_the_schema_never_becomes_a_part_of_another_schema(
        tmp_path: Path, fmt: str, name: str) -> None:
    folder = Folder(tmp_path, fmt, name)
    table = typed(folder.table, sample_rows(folder.table))
    table = table.append_column("uncatalogued", pa.array(["x"] * table.num_rows, pa.string()))
    try:
        folder.writer.write(table)
    except Exception:  # noqa: BLE001 - refusing the table is one correct answer
        assert folder.names() == []
        return
    (part,) = folder.parts()
    folder.reader.check_types(part, folder.table)

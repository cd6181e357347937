"""Manifests: streaming readers, row validation, derived ids, folder listing, writing."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from docbatch.errors import ConfigError, ManifestRowError
from docbatch.listing import list_sources, write_manifest
from docbatch.manifest import (
    ManifestRow,
    passthrough_columns,
    read_manifest,
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def rows_of(path: Path, **kwargs) -> list[ManifestRow]:
    return list(read_manifest(path, **kwargs))


def errors_of(rows: list[ManifestRow]) -> dict[int, str]:
    return {r.row_no: r.error.error_code for r in rows if r.error is not None}


# ---------------------------------------------------------------- formats


def test_csv_rows_become_documents_with_type_id_and_passthrough_in_column_order(tmp_path):
    path = write(
        tmp_path / "m.csv",
        "store,source,doc_type,doc_id,amount\n"
        "north,a.jpg,Receipt,r1, 1.50 \n"
        "south,b.png,,,\n",
    )
    first, second = rows_of(path)
    assert first.document.doc_id == "r1"
    assert first.document.doc_type == "receipt"
    assert first.document.source == str(tmp_path / "a.jpg")
    assert list(first.document.passthrough.items()) == [("store", "north"), ("amount", " 1.50 ")]
    assert second.document.doc_type == "auto"
    assert second.document.passthrough == {"store": "south", "amount": ""}
    assert [r.row_no for r in (first, second)] == [1, 2]


def test_tsv_is_tab_separated(tmp_path):
    path = write(tmp_path / "m.tsv", "source\tnote\nx, y.jpg\tcomma, inside\n")
    (row,) = rows_of(path)
    assert row.document.source == str(tmp_path / "x, y.jpg")
    assert row.document.passthrough == {"note": "comma, inside"}


def test_jsonl_values_become_strings_as_written_and_null_stays_none(tmp_path):
    lines = [
        '{"source": "a.jpg", "amount": 1.50, "count": 3, "paid": true, "memo": null,'
        ' "tags": ["x", "y"]}',
        "",
        '{"source": "b.jpg", "doc_type": "ID"}',
    ]
    path = write(tmp_path / "m.jsonl", "\n".join(lines) + "\n")
    first, second = rows_of(path)
    assert first.document.passthrough == {
        "amount": "1.50", "count": "3", "paid": "true", "memo": None, "tags": '["x", "y"]',
    }
    assert second.row_no == 2  # the blank line is not a data row
    assert second.document.doc_type == "id"


def test_parquet_is_read_in_batches_and_typed_values_become_strings(tmp_path):
    n = 2500  # more than one record batch and several row groups
    table = pa.table(
        {
            "source": [f"s3://bucket/img/{i:05d}.jpg" for i in range(n)],
            "doc_type": ["receipt"] * n,
            "amount": pa.array([i / 4 for i in range(n)], pa.float64()),
            "day": pa.array([None] + [19723] * (n - 1), pa.date32()),
        }
    )
    path = tmp_path / "m.parquet"
    pq.write_table(table, path, row_group_size=700)
    rows = rows_of(path)
    assert len(rows) == n and all(r.document for r in rows)
    assert rows[0].document.passthrough == {"amount": "0.0", "day": None}
    assert rows[-1].document.passthrough == {"amount": str((n - 1) / 4), "day": "2024-01-01"}
    assert rows[-1].document.source == "s3://bucket/img/02499.jpg"
    assert rows[-1].row_no == n


def test_gzipped_csv_reads_like_plain_csv(tmp_path):
    path = tmp_path / "m.csv.gz"
    path.write_bytes(gzip.compress(b"source\ns3://b/a.jpg\n"))
    assert [r.document.source for r in rows_of(path)] == ["s3://b/a.jpg"]


@pytest.mark.parametrize(
    ("name", "header", "row"),
    [
        ("m.csv", "source,note\n", "a.jpg,1\n"),
        ("m.jsonl", "", '{"source": "a.jpg", "note": "1"}\n'),
    ],
)
def test_rows_are_yielded_before_the_rest_of_the_file_exists(tmp_path, name, header, row):
    """A FIFO proves streaming: row 1 must arrive while the writer still holds row 2 back."""
    fifo = tmp_path / name
    os.mkfifo(fifo)
    got_first = threading.Event()
    waited_in_vain = []

    def writer() -> None:
        with open(fifo, "w") as f:
            f.write(header + row)
            f.flush()
            waited_in_vain.append(not got_first.wait(timeout=10))
            f.write(row.replace("a.jpg", "b.jpg"))

    thread = threading.Thread(target=writer, daemon=True)  # daemon: a failure cannot hang
    thread.start()
    rows = read_manifest(fifo)
    first = next(rows)
    got_first.set()
    rest = list(rows)
    thread.join(timeout=15)
    assert first.document.source.endswith("a.jpg")
    assert [r.document.source.endswith("b.jpg") for r in rest] == [True]
    assert waited_in_vain == [False]


# ---------------------------------------------------------------- whole-file problems


@pytest.mark.parametrize(
    ("name", "content"),
    [("m.csv", "path,doc_type\na.jpg,id\n"), ("m.jsonl", '{"path": "a.jpg"}\n')],
)
def test_missing_source_column_raises_config_error_at_call_time(tmp_path, name, content):
    path = write(tmp_path / name, content)
    with pytest.raises(ConfigError, match="no 'source' column"):
        read_manifest(path)


def test_parquet_without_source_column_raises_config_error(tmp_path):
    path = tmp_path / "m.parquet"
    pq.write_table(pa.table({"path": ["a.jpg"]}), path)
    with pytest.raises(ConfigError, match="no 'source' column"):
        read_manifest(path)


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("m.xlsx", "source\n", "unknown format"),
        ("m.csv", "", "empty"),
        ("m.csv", "source,note,note\n", "appears twice"),
        ("m.csv", "source,Source\n", "appears twice"),
        ("m.csv", "source,,note\n", "column 2 has no name"),
        ("m.jsonl", "source,note\n", "not a JSON object"),
        ("m.parquet", "source\n", "not a readable Parquet"),
    ],
)
def test_unusable_files_raise_config_error(tmp_path, name, content, match):
    path = write(tmp_path / name, content)
    with pytest.raises(ConfigError, match=match):
        read_manifest(path)


def test_missing_manifest_raises_config_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        read_manifest(tmp_path / "nope.csv")


def test_invalid_default_doc_type_raises_config_error(tmp_path):
    path = write(tmp_path / "m.csv", "source\na.jpg\n")
    with pytest.raises(ConfigError, match="default doc_type"):
        read_manifest(path, default_doc_type="invoice")


# ---------------------------------------------------------------- bad rows


BAD_ROWS = [
    ("", "empty_source"),
    ("   ", "empty_source"),
    ("a.jpg,invoice", "unknown_doc_type"),
    ("s3://bucket", "bad_source"),
    ("s3:///key.jpg", "bad_source"),
    ("s3://bucket/folder/", "bad_source"),
    ("https://example.com/a.jpg", "bad_source"),
    ("file://host/a.jpg", "bad_source"),
    ("a.jpg,id,x,surplus", "bad_row"),
]


@pytest.mark.parametrize(("line", "code"), BAD_ROWS)
def test_each_bad_row_kind_is_reported_with_its_row_number_and_later_rows_still_come(
    tmp_path, line, code
):
    path = write(tmp_path / "m.csv", f"source,doc_type,doc_id\nok1.jpg\n{line},\nok2.jpg\n")
    if not line.strip():  # an all-blank line is skipped, so give the row another value
        path = write(tmp_path / "m.csv", f"source,doc_type,doc_id\nok1.jpg\n{line},id\nok2.jpg\n")
    rows = rows_of(path)
    assert [r.row_no for r in rows] == [1, 2, 3]
    assert isinstance(rows[1].error, ManifestRowError)
    assert rows[1].error.error_code == code
    assert rows[1].error.message.startswith("row 2: ")
    assert rows[1].document is None
    assert rows[2].document.source == str(tmp_path / "ok2.jpg")


def test_a_quote_left_open_fails_the_row_it_swallowed_lines_into_and_names_the_quote(tmp_path):
    """An unclosed quote makes the CSV reader join the following lines into one source:
    that row must fail, never run as one strangely named document with the rows lost."""
    path = write(tmp_path / "m.csv", 'source,doc_type\na.jpg,receipt\n"b.jpg,receipt\nc.jpg,"receipt\nd.jpg,receipt\n')
    rows = rows_of(path)
    assert errors_of(rows) == {2: "bad_row"}
    assert "quote" in rows[1].error.message and "lines 3-4" in rows[1].error.message
    assert [r.document.source for r in rows if r.document] == [str(tmp_path / "a.jpg"), str(tmp_path / "d.jpg")]


def test_a_quoted_line_break_in_a_passthrough_column_is_kept(tmp_path):
    path = write(tmp_path / "m.csv", 'source,note\na.jpg,"two\nlines"\nb.jpg,x\n')
    rows = rows_of(path)
    assert errors_of(rows) == {}
    assert rows[0].document.passthrough == {"note": "two\nlines"}


def test_duplicate_source_names_the_first_row_even_when_spelled_differently(tmp_path):
    path = write(
        tmp_path / "m.csv", f"source\nimg/a.jpg\nb.jpg\n./img/../img/a.jpg\n{tmp_path}/b.jpg\n"
    )
    rows = rows_of(path)
    assert errors_of(rows) == {3: "duplicate_source", 4: "duplicate_source"}
    assert "repeats row 1" in rows[2].error.message
    assert "repeats row 2" in rows[3].error.message


def test_duplicates_are_caught_far_apart_in_a_long_manifest(tmp_path):
    n = 5000
    lines = [f"s3://b/{i}.jpg,id{i}" for i in range(1, n + 1)]
    lines += ["s3://b/1.jpg,new", "s3://b/new.jpg,id4999"]
    path = write(tmp_path / "m.csv", "source,doc_id\n" + "\n".join(lines) + "\n")
    rows = rows_of(path)
    assert errors_of(rows) == {n + 1: "duplicate_source", n + 2: "duplicate_doc_id"}
    assert rows[n].error.message.endswith("repeats row 1")
    assert rows[n + 1].error.message.endswith("used by row 4999")


def test_a_doc_id_of_a_pages_form_is_refused_and_its_row_keeps_a_row_id(tmp_path):
    # scan.pdf's pages are scan#p1, scan#p2...: a row claiming one would take that page's place
    path = write(tmp_path / "m.csv", "source,doc_id\na.png,scan#p1\nscan.pdf,scan\nb.png,scan#P1x\n")
    rows = rows_of(path)
    assert errors_of(rows) == {1: "reserved_doc_id"}
    assert [r.doc_id for r in rows] == ["row-1", "scan", "scan#P1x"]


def test_duplicate_doc_id_names_the_first_row(tmp_path):
    path = write(tmp_path / "m.csv", "source,doc_id\na.jpg,X1\nb.jpg,X2\nc.jpg,X1\n")
    rows = rows_of(path)
    assert errors_of(rows) == {3: "duplicate_doc_id"}
    assert rows[2].error.message == "row 3: doc_id is already used by row 1"


def test_malformed_json_line_is_a_bad_row_naming_its_line(tmp_path):
    lines = ['{"source": "a.jpg"}', '{"source": ', '["b.jpg"]', '{"source": "c.jpg"}']
    path = write(tmp_path / "m.jsonl", "\n".join(lines) + "\n")
    rows = rows_of(path)
    assert errors_of(rows) == {2: "bad_row", 3: "bad_row"}
    assert "line 2 is not valid JSON" in rows[1].error.message
    assert "line 3 is not a JSON object" in rows[2].error.message
    assert rows[3].document.source == str(tmp_path / "c.jpg")


def test_unparseable_csv_field_is_a_bad_row_and_reading_continues(tmp_path):
    huge = "x" * 200_000  # beyond the csv module's field size limit
    path = write(tmp_path / "m.csv", f"source,note\na.jpg,1\nb.jpg,{huge}\nc.jpg,3\n")
    rows = rows_of(path)
    assert errors_of(rows) == {2: "bad_row"}
    assert rows[-1].document.source == str(tmp_path / "c.jpg")


def test_error_messages_show_the_source_but_no_other_value(tmp_path):
    path = write(
        tmp_path / "m.csv",
        "source,doc_type,doc_id,secret\n"
        "a.jpg,PASSPORT-9,id1,SSN-123\n"
        "c.jpg,id,id3,SSN-000\n"
        "c.jpg,id,id2,SSN-456\n"
        "b.jpg,id,id1,SSN-789\n",
    )
    messages = [r.error.message for r in rows_of(path) if r.error is not None]
    assert messages == [
        "row 1: doc_type must be one of receipt, id, auto",
        "row 3: source 'c.jpg' repeats row 2",
        "row 4: doc_id is already used by row 1",
    ]


def test_a_very_long_source_is_shortened_in_the_message(tmp_path):
    long_source = "s3://bucket/" + "k" * 1000 + "/"
    path = write(tmp_path / "m.csv", f"source\n{long_source}\n")
    (row,) = rows_of(path)
    assert long_source not in row.error.message
    assert long_source[:200] in row.error.message
    assert len(row.error.message) < 300


def test_raw_keeps_the_row_as_written(tmp_path):
    path = write(tmp_path / "m.csv", "source,doc_type,note\n  ./a.jpg ,,n\n")
    (row,) = rows_of(path)
    assert row.raw == {"source": "  ./a.jpg ", "doc_type": "", "note": "n"}


def test_short_rows_are_padded_with_blanks(tmp_path):
    path = write(tmp_path / "m.csv", "source,doc_type,note\na.jpg\n")
    (row,) = rows_of(path)
    assert row.document.passthrough == {"note": ""}


# ---------------------------------------------------------------- ids


def test_derived_ids_are_sanitised_file_stems(tmp_path):
    path = write(
        tmp_path / "m.csv",
        "source\ns3://b/2024/Receipt 01 (copy).JPG\ncafé.png\n-x-.tif\n收据.jpg\n",
    )
    assert [r.doc_id for r in rows_of(path)] == ["Receipt_01_copy", "cafe", "x", "doc"]


def test_a_repeated_stem_gets_the_sources_sha1_prefix(tmp_path):
    path = write(tmp_path / "m.csv", "source\na/scan.jpg\nb/scan.jpg\nb/scan.png\n")
    ids = [r.doc_id for r in rows_of(path)]
    assert ids[0] == "scan"
    assert ids[1] == "scan-" + hashlib.sha1(b"b/scan.jpg").hexdigest()[:8]
    assert ids[2] == "scan-" + hashlib.sha1(b"b/scan.png").hexdigest()[:8]


def test_derived_ids_are_stable_across_reads_and_unique(tmp_path):
    lines = [f"d{i % 7}/page.jpg" if i % 3 else f"d{i % 5}/scan{i % 4}.png" for i in range(60)]
    path = write(tmp_path / "m.csv", "source\n" + "\n".join(dict.fromkeys(lines)) + "\n")
    first = [r.doc_id for r in rows_of(path)]
    assert first == [r.doc_id for r in rows_of(path)]
    assert len(set(first)) == len(first)


def test_derived_id_steps_around_an_explicit_id_already_taken(tmp_path):
    path = write(tmp_path / "m.csv", "source,doc_id\nx.jpg,scan\nscan.jpg,\n")
    ids = [r.doc_id for r in rows_of(path)]
    assert ids == ["scan", "scan-" + hashlib.sha1(b"scan.jpg").hexdigest()[:8]]


def test_bad_rows_are_named_row_n_unless_they_carry_a_unique_doc_id(tmp_path):
    path = write(tmp_path / "m.csv", "source,doc_id,note\n,mine,\n,,n\nrow-2.jpg,,\n")
    rows = rows_of(path)
    assert [r.doc_id for r in rows] == [
        "mine", "row-2", "row-2-" + hashlib.sha1(b"row-2.jpg").hexdigest()[:8],
    ]


# ---------------------------------------------------------------- sources


def test_relative_sources_resolve_against_the_manifest_folder_or_base_dir(tmp_path):
    (tmp_path / "sub").mkdir()
    path = write(tmp_path / "sub" / "m.csv", "source\nimg/a.jpg\n../b.jpg\n/abs/c.jpg\n")
    assert [r.document.source for r in rows_of(path)] == [
        str(tmp_path / "sub" / "img" / "a.jpg"), str(tmp_path / "b.jpg"), "/abs/c.jpg",
    ]
    base = tmp_path / "elsewhere"
    assert rows_of(path, base_dir=base)[0].document.source == str(base / "img" / "a.jpg")


def test_file_uris_and_s3_uris_are_normalised(tmp_path):
    path = write(
        tmp_path / "m.csv",
        "source\nfile:///data/my%20scan.jpg\nfile://localhost/data/b.jpg\n"
        " S3://bucket/k/a b.jpg \n",
    )
    assert [r.document.source for r in rows_of(path)] == [
        "/data/my scan.jpg", "/data/b.jpg", "s3://bucket/k/a b.jpg",
    ]


def test_utf8_bom_is_ignored(tmp_path):
    path = write(tmp_path / "m.csv", "\ufeffsource,doc_type\na.jpg,id\n")
    assert rows_of(path)[0].document.doc_type == "id"


def test_utf16_tab_text_from_a_spreadsheet_is_read(tmp_path):
    path = write(tmp_path / "m.tsv", "\ufeffsource\tnote\nreçu.jpg\tété\n", encoding="utf-16-le")
    (row,) = rows_of(path)
    assert row.document.source == str(tmp_path / "reçu.jpg")
    assert row.document.passthrough == {"note": "été"}


def test_semicolon_separated_csv_is_recognised(tmp_path):
    path = write(tmp_path / "m.csv", "source;amount\na.jpg;1,50\n")
    assert rows_of(path)[0].document.passthrough == {"amount": "1,50"}


def test_non_utf8_bytes_never_crash_and_only_fail_a_row_whose_source_has_them(tmp_path):
    path = tmp_path / "m.csv"
    path.write_bytes(b"source,note\na.jpg,caf\xe9\nre\xe7u.jpg,x\nb.jpg,y\n")
    rows = rows_of(path)
    assert rows[0].document.passthrough == {"note": "caf\ufffd"}
    assert rows[1].error.error_code == "bad_source"
    assert "UTF-8" in rows[1].error.message
    assert rows[1].raw["source"] == "re\ufffdu.jpg"
    assert rows[2].document is not None


# ---------------------------------------------------------------- passthrough_columns


def test_passthrough_columns_of_csv_and_parquet_follow_file_order(tmp_path):
    csv_path = write(tmp_path / "m.csv", "z,source,Doc_Type,a,doc_id\n")
    assert passthrough_columns(csv_path) == ["z", "a"]
    pq_path = tmp_path / "m.parquet"
    pq.write_table(pa.table({"b": [1], "source": ["x"], "a": [2]}), pq_path)
    assert passthrough_columns(pq_path) == ["b", "a"]


def test_passthrough_columns_of_jsonl_are_all_keys_in_first_seen_order(tmp_path):
    path = write(
        tmp_path / "m.jsonl",
        '{"source": "a", "k2": 1}\n{"k1": 2, "source": "b"}\nnot json\n{"k2": 3, "k3": 4}\n',
    )
    assert passthrough_columns(path) == ["k2", "k1", "k3"]


# ---------------------------------------------------------------- listing and writing


def test_local_listing_is_recursive_sorted_filtered_and_absolute(tmp_path):
    for name in ["b.JPG", "a/z.png", "a/notes.txt", "a.pdf", "c/d/e.tiff", ".hidden.jpg",
                 "._b.jpg", ".git/x.png", "a b/ü.heic", "folder.jpg/inner.webp"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    listed = list(list_sources(str(tmp_path)))
    expected = ["a b/ü.heic", "a.pdf", "a/z.png", "b.JPG", "c/d/e.tiff", "folder.jpg/inner.webp"]
    assert listed == [str(tmp_path / n) for n in expected]
    assert listed == sorted(listed)


def test_listing_respects_given_extensions_and_file_uris(tmp_path):
    (tmp_path / "a.jpg").write_bytes(b"x")
    (tmp_path / "b.png").write_bytes(b"x")
    assert list(list_sources(tmp_path.as_uri(), extensions=["PNG"])) == [str(tmp_path / "b.png")]


def test_listing_a_missing_folder_raises_config_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        list_sources(str(tmp_path / "nope"))
    (tmp_path / "f.jpg").write_bytes(b"x")
    with pytest.raises(ConfigError):
        list_sources(str(tmp_path / "f.jpg"))


def test_write_manifest_counts_rows_and_reads_back_odd_names(tmp_path):
    names = ['a,b.jpg', 'say "hi".png', "reçu €.jpg", "new\nline.jpg", "plain.jpg"]
    sources = [str(tmp_path / n) for n in names]
    path = tmp_path / "m.csv"
    with open(path, "w", newline="", encoding="utf-8") as out:
        assert write_manifest(sources, out, doc_type="Receipt") == 5
    assert path.read_text(encoding="utf-8").splitlines()[0] == "source,doc_type"
    rows = rows_of(path)
    assert [r.document.source for r in rows] == sources
    assert {r.document.doc_type for r in rows} == {"receipt"}


def test_write_manifest_without_doc_type_has_only_a_source_column():
    out = io.StringIO()
    assert write_manifest(iter(["s3://b/a.jpg"]), out) == 1
    assert out.getvalue() == "source\ns3://b/a.jpg\n"


def test_write_manifest_rejects_an_unknown_doc_type():
    with pytest.raises(ConfigError):
        write_manifest([], io.StringIO(), doc_type="invoice")


def test_a_source_whose_first_row_failed_runs_from_its_next_row(tmp_path):
    """A row refused for its doc_type or its doc_id never runs, so it claims no source: the
    corrected row added below it runs, rather than failing as a 'duplicate_source' whose
    first row ('its first row runs', says the hint) never ran."""
    path = write(tmp_path / "m.csv", "source,doc_type,doc_id\n"
                 "a.png,receipt,x\n"
                 "b.png,invoice,b1\n"     # unknown_doc_type
                 "c.png,receipt,x\n"      # duplicate_doc_id
                 "b.png,receipt,b2\n"
                 "c.png,receipt,c\n")
    rows = rows_of(path)
    assert errors_of(rows) == {2: "unknown_doc_type", 3: "duplicate_doc_id"}
    assert [r.document.source for r in rows if r.document is not None] == [
        str(tmp_path / n) for n in ("a.png", "b.png", "c.png")]

"""failed.csv stays faithful for re-feeding; csv/failed.csv is the spreadsheet-safe copy."""

from __future__ import annotations

import csv

from docbatch import RunConfig, run_batch


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_formula_cells_are_kept_in_failed_csv_and_escaped_in_its_csv_copy(tmp_path):
    (tmp_path / "replay").mkdir()
    manifest = tmp_path / "m.csv"
    manifest.write_text('source,note\nx/missing.png,"=HYPERLINK(""http://x"")"\n')
    run_batch(RunConfig(manifest=str(manifest), out=str(tmp_path / "out"), engine="replay",
                        replay_dir=str(tmp_path / "replay"), use_cache=False, formats=("parquet", "csv")))
    faithful = _rows(tmp_path / "out" / "failed.csv")
    escaped = _rows(tmp_path / "out" / "csv" / "failed.csv")
    assert faithful[0]["note"] == '=HYPERLINK("http://x")'
    assert escaped[0]["note"] == '\'=HYPERLINK("http://x")'
    assert faithful[0]["error_code"] == escaped[0]["error_code"] == "replay_missing"


def test_without_csv_output_there_is_no_csv_copy(tmp_path):
    (tmp_path / "replay").mkdir()
    manifest = tmp_path / "m.csv"
    manifest.write_text("source\nx/missing.png\n")
    run_batch(RunConfig(manifest=str(manifest), out=str(tmp_path / "out"), engine="replay",
                        replay_dir=str(tmp_path / "replay"), use_cache=False))
    assert (tmp_path / "out" / "failed.csv").is_file() and not (tmp_path / "out" / "csv").exists()


def test_the_closing_lines_name_every_error_code_beyond_the_three_they_explain(tmp_path):
    (tmp_path / "replay").mkdir()
    manifest = tmp_path / "m.csv"
    manifest.write_text("source,doc_type,doc_id\n"
                        "x/missing.png,receipt,a\nx/missing2.png,receipt,b\n"   # replay_missing x2
                        ",receipt,c\n,receipt,d\n"                               # empty_source x2
                        "c.png,banana,e\nd.png,banana,f\n"                       # unknown_doc_type x2
                        "s3://,receipt,g\n"                                      # bad_source
                        "x/missing.png,receipt,h\n")                             # duplicate_source
    summary = run_batch(RunConfig(manifest=str(manifest), out=str(tmp_path / "out"), engine="replay",
                                  replay_dir=str(tmp_path / "replay"), use_cache=False))
    assert summary.failed == 8
    assert "and 2 more in 2 other codes (bad_source, duplicate_source): see " in summary.message


def test_a_refused_row_keeps_its_doc_type_and_manifest_columns_in_the_documents_table(tmp_path):
    """A repeated source, an unknown doc_type, a row with a field too many: each is refused, and
    its documents row says what the manifest said (doc_type as asked, the passthrough columns),
    as failed.csv does: the run's own default doc_type and empty columns were written before."""
    import pyarrow.parquet as pq

    (tmp_path / "replay").mkdir()
    manifest = tmp_path / "m.csv"
    manifest.write_text("source,doc_type,cost_center\n"
                        "x/a.png,receipt,first\n"
                        "x/a.png,receipt,repeat\n"         # duplicate_source
                        "x/b.png,reciept,typo\n"           # unknown_doc_type
                        "x/c.png,id,surplus,extra\n")      # bad_row
    run_batch(RunConfig(manifest=str(manifest), out=str(tmp_path / "out"), engine="replay",
                        replay_dir=str(tmp_path / "replay"), use_cache=False))
    rows = {r["row_no"]: r for r in pq.read_table(tmp_path / "out" / "documents").to_pylist()}
    assert [rows[n]["error_code"] for n in (2, 3, 4)] == ["duplicate_source", "unknown_doc_type", "bad_row"]
    assert [rows[n]["doc_type"] for n in (2, 3, 4)] == ["receipt", "reciept", "id"]
    assert [rows[n]["cost_center"] for n in (2, 3)] == ["repeat", "typo"]


def test_a_formula_looking_manifest_column_name_is_neutralised_in_the_spreadsheet_copies(tmp_path):
    """A spreadsheet runs a header cell as a formula as readily as a value: the csv/ tables and
    csv/failed.csv escape the manifest's own column names too; failed.csv, a manifest, keeps them."""
    (tmp_path / "replay").mkdir()
    manifest = tmp_path / "m.csv"
    manifest.write_text('source,"=HYPERLINK(""http://x"")"\nx/missing.png,v\n')
    run_batch(RunConfig(manifest=str(manifest), out=str(tmp_path / "out"), engine="replay",
                        replay_dir=str(tmp_path / "replay"), use_cache=False, formats=("parquet", "csv")))
    formula = '=HYPERLINK("http://x")'
    documents = _rows(next((tmp_path / "out" / "csv" / "documents").glob("*.csv")))
    assert "'" + formula in documents[0] and formula not in documents[0]
    assert "'" + formula in _rows(tmp_path / "out" / "csv" / "failed.csv")[0]
    assert _rows(tmp_path / "out" / "failed.csv")[0][formula] == "v"

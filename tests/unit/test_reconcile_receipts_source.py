"""What ``--receipts`` accepts: a receipts table, never another of docbatch's tables read as one.

A folder that is not a run folder is read as a receipts table itself; an analyst who points
it at a run's ``ids/`` or ``documents/`` folder, or at a reconciliation's output, must be told,
not handed a ledger of "receipts" that are ID cards or matches, all unmatched, exit 0.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from docbatch.errors import ReceiptsNotFound
from docbatch.parse.catalog import ALL_TABLES
from docbatch.reconcile.receipts import read_receipt_rows
from docbatch.sinks.schema import arrow_schema


def _write_table(folder: Path, name: str) -> Path:
    """One part of docbatch's table ``name`` (its catalogue schema, one empty row), as a run writes it."""
    schema = arrow_schema(ALL_TABLES[name])
    (folder / name).mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist([{"doc_id": "x"} if "doc_id" in schema.names else {}], schema=schema),
                   folder / name / "part-00000.parquet")
    return folder / name


@pytest.mark.parametrize("table", ["ids", "documents", "detections", "receipt_items"])
def test_another_run_table_given_as_receipts_is_refused_naming_it(tmp_path, table):
    folder = _write_table(tmp_path, table)
    with pytest.raises(ReceiptsNotFound, match=f"holds docbatch's {table} table, not receipts"):
        read_receipt_rows(folder)
    with pytest.raises(ReceiptsNotFound, match=f"holds docbatch's {table} table"):
        read_receipt_rows(folder / "part-00000.parquet")


def test_a_reconciliation_folder_given_as_receipts_is_refused(tmp_path):
    for name in ("matches", "needs_review", "unmatched_receipts", "unmatched_transactions"):
        _write_table(tmp_path / "recon", name)
    with pytest.raises(ReceiptsNotFound, match="not receipts"):
        read_receipt_rows(tmp_path / "recon")


def test_a_receipts_folder_and_a_receipts_parquet_of_ones_own_are_read(tmp_path):
    folder = _write_table(tmp_path, "receipts")
    assert [r["doc_id"] for r in read_receipt_rows(folder)] == ["x"]
    own = tmp_path / "mine.parquet"  # no docbatch metadata: the user's own table, taken as receipts
    pq.write_table(pa.table({"doc_id": ["a"], "vendor_name": ["KOPI KING"], "total": [8.2]}), own)
    assert [r["doc_id"] for r in read_receipt_rows(own)] == ["a"]

"""Building the tables keeps a part's rows as Arrow columns, not as Python rows: the Python
memory it holds stays flat however many documents a part (50,000 by default) gathers."""

from __future__ import annotations

import datetime as dt
import tracemalloc
from pathlib import Path

import pytest

from docbatch.config import OutputSettings, ParseSettings
from docbatch.outputs import build_outputs
from docbatch.records import Document
from docbatch.runfolder import RunFolder
from docbatch.state import JournalRow


def _failed_rows(n: int):
    when = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
    for i in range(n):
        doc = Document(doc_id=f"d{i}", source=f"/in/d{i}.png", doc_type="receipt", row_no=i,
                       passthrough={"batch": f"b{i % 7}"})
        yield JournalRow(document=doc, status="failed", error_code="not_found", error_message="no such file",
                         engine="replay", attempts=1, latency_ms=3, processed_at=when, image_width=None,
                         image_height=None, manifest_row={"source": doc.source, "batch": f"b{i % 7}"})


def _peak_python_memory(tmp: Path, n: int) -> int:
    folder = RunFolder(tmp / f"out{n}")
    folder.claim()
    tracemalloc.start()
    try:
        build_outputs(_failed_rows(n), folder=folder, run_id="20261201T000000Z-abcdef", n_docs=n,
                      output=OutputSettings(formats=("parquet",)), parse=ParseSettings(),
                      passthrough_columns=["batch"], workers=1)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow  # builds 10,000 documents' rows under tracemalloc
def test_a_part_four_times_as_long_does_not_hold_four_times_the_python_memory(tmp_path: Path) -> None:
    _peak_python_memory(tmp_path, 10)  # imports and first-use caches are not what is measured
    small, large = _peak_python_memory(tmp_path, 2_000), _peak_python_memory(tmp_path, 8_000)
    assert large < 1.6 * small, (small, large)

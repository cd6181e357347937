"""``python benchmarks/overhead.py`` is a documented command: a small run of it measures every
row it prints (a broken helper must fail here, not in the hands of whoever reads the figures)."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import pytest

from benchmarks import overhead

pytestmark = pytest.mark.slow  # a server process, two small rounds against it


def test_a_small_overhead_run_fills_every_row_with_no_document_failed(tmp_path: Path) -> None:
    args = argparse.Namespace(docs=40, rounds=1, rows="")
    rows, failed = overhead.run(args, tmp_path)
    assert failed == 0
    measured = [r for r in rows if r[1] != "-"]
    assert len(measured) == 9  # docs/s, CPU and its split, the three ways of saving, server, ceiling
    for what, ours, *_ in measured:
        first = ours.split("–")[0].replace(",", "")
        assert not math.isnan(float(first)), what

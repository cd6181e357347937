"""``python benchmarks/overhead.py`` is a documented command: a small run of it measures every
row it prints (a broken helper must fail here, not in the hands of whoever reads the figures)."""

from __future__ import annotations

import argparse
import math
import re
from pathlib import Path

import pytest

from benchmarks import overhead

pytestmark = pytest.mark.slow  # a server process, two small rounds against it


def test_a_small_overhead_run_fills_every_row_with_no_document_failed(tmp_path: Path) -> None:
    args = argparse.Namespace(docs=40, rounds=1, rows="")
    rows, failed = overhead.run(args, tmp_path)
    assert failed == 0
    measured = [r for r in rows if r[1] != "-"]
    assert len(measured) == 12  # docs/s, CPU and its split, phases, the three ways of saving, server, ceilings
    for what, ours, *_ in measured:  # a cell holds a figure or a range, or several split by | or ;
        figures = [float(f.replace(",", "")) for f in re.findall(r"nan|\d[\d,]*(?:\.\d+)?", ours)]
        assert figures and not any(math.isnan(f) for f in figures), what

"""A reconciliation folder's tables and summary are published at once: a real ``docbatch
reconcile`` process SIGKILLed right after any rename or link of its publication leaves every
table and ``summary.json`` of one reconciliation, the one before or the new one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.dataset as ds
import pytest

from docbatch.parse.catalog import RECONCILIATION_TABLES

from ..support.dies_renaming import build_library, environment
from .test_reconcile_cli import run_folder  # noqa: F401  (the fixture: a run folder and its card.csv)

#: Renames inside a build folder (its parts' temporary names) are not the publication's.
NOT_PUBLISHING = ("/.staging-",)


def view(recon: Path) -> tuple:
    """What a reader of the folder's paths sees: rows of each table (Parquet and CSV) and the
    summary's transaction count."""
    rows = []
    for table in sorted(RECONCILIATION_TABLES):
        rows.append(ds.dataset(recon / table, format="parquet").count_rows() if (recon / table).exists() else None)
        rows.append(sum(pacsv.read_csv(p).num_rows for p in (recon / "csv" / table).glob("*.csv")))
    summary = json.loads((recon / "summary.json").read_text())
    return (*rows, summary["transactions"]["count"], summary["matched"]["count"])


def command(run: Path, card: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "docbatch", "-q", "reconcile", "--receipts", str(run),
            "--transactions", str(card), "--out", str(out), "--format", "parquet,csv"]


@pytest.mark.slow  # real `docbatch reconcile` child processes, SIGKILLed one after the other
def test_a_reconciliation_killed_between_any_two_renames_leaves_one_reconciliations_tables(run_folder, tmp_path):
    library = build_library(tmp_path)
    if library is None:
        pytest.skip("no C compiler for the LD_PRELOAD library that kills the process")
    full = run_folder.parent / "card.csv"
    fewer = tmp_path / "fewer.csv"  # the first transaction (a's match) and the last (unmatched) left out
    lines = full.read_text().splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Transaction Date"))
    fewer.write_text("\n".join(lines[:header + 1] + lines[header + 2:-1]) + "\n")
    expected = {}
    for name, card in (("full", full), ("fewer", fewer)):
        subprocess.run(command(run_folder, card, tmp_path / name), check=True, capture_output=True, timeout=120)
        expected[name] = view(tmp_path / name)
    assert expected["full"] != expected["fewer"]
    recon = tmp_path / "recon"
    subprocess.run(command(run_folder, full, recon), check=True, capture_output=True, timeout=120)
    seen = []
    for after in range(1, 40):  # dies right after its 1st, 2nd... rename or link of the publication
        done = subprocess.run(command(run_folder, fewer, recon), capture_output=True, text=True, timeout=120,
                              env=environment(library, recon, after=after, skip=NOT_PUBLISHING))
        now = view(recon)
        assert now in expected.values(), f"killed after rename {after}, a reader sees {now}, not {expected}"
        seen.append(now)
        if done.returncode == 0:
            break
        assert done.returncode == -9, done.stderr
    else:
        pytest.fail("the reconciliation was killed every time")
    assert after > 1 and seen[-1] == expected["fewer"]

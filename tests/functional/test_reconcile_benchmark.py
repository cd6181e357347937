"""The reconciliation benchmark measures the parser as it is now, not the one that parsed its cached run."""

from __future__ import annotations

import fcntl
import json
from pathlib import Path

import pytest

from benchmarks.reconcile import main, parsed_receipts, parser_fingerprint

BOX = ("10,10,300,10,300,30,10,30,KEDAI BUKU MAJU SDN BHD\n"
       "10,40,300,40,300,60,10,60,DATE: 03/12/2018\n"
       "10,70,200,70,200,90,10,90,PENCIL\n"
       "220,70,300,70,300,90,220,90,12.50\n"
       "10,100,200,100,200,120,10,120,TOTAL\n"
       "220,100,300,100,300,120,220,120,12.50\n")


@pytest.mark.slow
def test_a_cached_benchmark_run_is_reparsed_when_the_parser_changed(tmp_path: Path):
    sroie = tmp_path / "sroie-train"
    for sub in ("key", "box", "img"):
        (sroie / sub).mkdir(parents=True)
    for stem in ("000", "001"):
        (sroie / "box" / f"{stem}.csv").write_text(BOX, encoding="utf-8")
        (sroie / "key" / f"{stem}.json").write_text(json.dumps({"total": "12.50"}), encoding="utf-8")
    work = tmp_path / "work"
    run = parsed_receipts(sroie, work, ["000", "001"])
    tables = sorted((run / "receipts").rglob("*.parquet"))
    assert tables
    # Another parser made these tables: they are gone from view, and the stamp says so.
    for part in tables:
        part.unlink()
    (work / "parser-fingerprint.txt").write_text("an older parser")
    again = parsed_receipts(sroie, work, ["000", "001"])
    assert again == run and sorted((run / "receipts").rglob("*.parquet"))
    assert (work / "parser-fingerprint.txt").read_text() == parser_fingerprint()


@pytest.mark.slow
def test_a_parser_edited_while_the_benchmark_reparses_is_not_stamped_on_the_old_tables(tmp_path: Path, monkeypatch):
    import benchmarks.reconcile as bench

    sroie = tmp_path / "sroie-train"
    for sub in ("key", "box", "img"):
        (sroie / sub).mkdir(parents=True)
    (sroie / "box" / "000.csv").write_text(BOX, encoding="utf-8")
    (sroie / "key" / "000.json").write_text(json.dumps({"total": "12.50"}), encoding="utf-8")
    work = tmp_path / "work"
    parsed_receipts(sroie, work, ["000"])
    (work / "parser-fingerprint.txt").write_text("an older parser")
    before = parser_fingerprint()
    reparse = bench.reparse_run

    def reparse_then_edit(run):  # the sources change while this process reparses with the code it loaded
        out = reparse(run)
        monkeypatch.setattr(bench, "parser_fingerprint", lambda: "edited meanwhile")
        return out

    monkeypatch.setattr(bench, "reparse_run", reparse_then_edit)
    bench.parsed_receipts(sroie, work, ["000"])
    assert (work / "parser-fingerprint.txt").read_text() == before


def test_a_second_benchmark_in_the_same_work_folder_is_refused_before_it_writes(tmp_path: Path, capsys):
    sroie = tmp_path / "data" / "sroie-train"
    for sub in ("key", "box", "img"):
        (sroie / sub).mkdir(parents=True)
    (sroie / "box" / "000.csv").write_text(BOX, encoding="utf-8")
    (sroie / "key" / "000.json").write_text(json.dumps({"total": "12.50"}), encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    with open(work / ".benchmark.lock", "w") as held:  # the first benchmark, still running
        fcntl.flock(held, fcntl.LOCK_EX)
        code = main(["--data", str(tmp_path / "data"), "--work-dir", str(work)])
    assert code == 2
    assert f"another benchmark is using {work}" in capsys.readouterr().err
    assert sorted(p.name for p in work.iterdir()) == [".benchmark.lock"]

"""A local run folder's tables are published at once: a real ``docbatch run`` process SIGKILLed
between any two of its renames leaves every table a reader sees from one build; a shard killed
while it moves its parts is refused by ``docbatch merge`` until it has run again, then every row
is there once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import docbatch
from docbatch.cli import main
from docbatch.errors import ShardsIncomplete
from docbatch.merge import merge_shards
from docbatch.parse.catalog import TABLES
from docbatch.publication import local_build, switch_local

from ..support.dies_renaming import build_library, environment
from ..support.replay_run import replay_run

FORMATS = ("--format", "parquet,csv")
#: Renames of the build's own parts, the lock and run.json are not the publication's.
NOT_PUBLISHING = ("/.staging-", ".docbatch-lock", "run.json", "/runs/")


def builds_seen(out: Path) -> dict[str, set[str]]:
    """The run ids in each table there as a reader of the table paths reads them (pandas' and
    DuckDB's folders and globs), Parquet and CSV; a table with no rows shows none."""
    seen = {}
    for table in (t for t in TABLES if (out / t).exists()):
        seen[table] = set(ds.dataset(out / table, format="parquet").to_table(columns=["run_id"])
                          .column("run_id").to_pylist())
        for part in sorted((out / "csv" / table).glob("*.csv")):
            seen[f"csv/{table}"] = seen.get(f"csv/{table}", set()) | set(
                pacsv.read_csv(part, convert_options=pacsv.ConvertOptions(include_columns=["run_id"]))
                .column("run_id").to_pylist())
    return seen


def one_build(seen: dict[str, set[str]]) -> set[str]:
    return set().union(*seen.values())


@pytest.mark.slow  # real `docbatch run` child processes, SIGKILLed one after the other
def test_a_run_killed_between_any_two_renames_leaves_every_table_of_one_build(tmp_path):
    library = build_library(tmp_path)
    if library is None:
        pytest.skip("no C compiler for the LD_PRELOAD library that kills the run")
    out = replay_run(tmp_path, *FORMATS)
    first = one_build(builds_seen(out))
    assert len(first) == 1
    command = [sys.executable, "-m", "docbatch", "-q", "run", "--manifest", str(tmp_path / "m.csv"),
               "--out", str(out), "--engine", "replay", "--replay-dir", str(tmp_path / "replay"), "--no-cache",
               *FORMATS]
    views = [first]
    for after in range(1, 12):  # the run dies right after its 1st, 2nd... rename or link of the publication
        done = subprocess.run(command, env=environment(library, out, after=after, skip=NOT_PUBLISHING),
                              capture_output=True, text=True, timeout=120)
        seen = builds_seen(out)
        assert len(one_build(seen)) == 1, f"killed after rename {after}, a reader sees {seen}"
        assert set(seen) == set(TABLES) | {f"csv/{t}" for t in TABLES}, f"a table is missing after kill {after}"
        views.append(one_build(seen))
        if done.returncode == 0:
            break
        assert done.returncode == -9, done.stderr
    else:
        pytest.fail("the run was killed every time")
    assert after > 1 and views[-1] != views[0]  # it was killed inside the publication, then published
    # a reader going through docbatch reads the build the switch names, in its own folder
    parts = docbatch.published_parts(str(out), "receipts")
    assert parts and all(Path(p).parent.parent.name == local_build(str(out)) for p in parts)
    # the published build and the one before it stay (readers of that one may still be reading)
    assert len(list(out.glob(".staging-*"))) == 2 and not list(out.glob(".trash-*"))


def _build(out: Path, name: str, tables: dict[str, str]) -> str:
    for rel, text in tables.items():
        (out / name / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / name / rel).write_text(text)
    return name


def _read(out: Path, names: list[str]) -> dict[str, str]:
    return {n: (out / n).read_text() for n in names if (out / n).exists()}


def test_an_older_folder_whose_tables_are_folders_turns_at_once_to_the_new_build(tmp_path):
    names = ["receipts/part-00000.parquet", "csv/receipts/part-00000.csv", "failed.csv"]
    for name in names:  # the layout an older docbatch wrote: the tables are folders of their own
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("old")
    new = _build(tmp_path, ".staging-20261202T010203Z-aaaaaa", dict.fromkeys(names, "new"))

    switch_local(tmp_path.as_posix(), new, ["receipts", "csv/receipts", "failed.csv"])
    assert _read(tmp_path, names) == dict.fromkeys(names, "new") and local_build(tmp_path.as_posix()) == new
    assert os.readlink(tmp_path / "csv" / "receipts") == "../.published/csv/receipts"
    # the older tables became a build of their own (deleted when the next build starts)
    (older,) = [p for p in tmp_path.glob(".staging-*") if p.name != new]
    assert (older / "receipts" / "part-00000.parquet").read_text() == "old"


def test_a_table_the_new_build_lacks_is_unlinked_not_left_pointing_nowhere(tmp_path):
    first = _build(tmp_path, ".staging-20261202T010203Z-aaaaaa", {"receipts/p": "1", "csv/receipts/p": "1"})
    switch_local(tmp_path.as_posix(), first, ["receipts", "csv/receipts"])
    (tmp_path / "csv" / "theirs.txt").write_text("a user's file beside the tables")
    second = _build(tmp_path, ".staging-20261202T010204Z-bbbbbb", {"receipts/p": "2"})  # no CSV this time

    switch_local(tmp_path.as_posix(), second, ["receipts"])
    assert (tmp_path / "receipts" / "p").read_text() == "2"
    assert not os.path.lexists(tmp_path / "csv" / "receipts") and (tmp_path / "csv" / "theirs.txt").is_file()


@pytest.mark.slow  # real `docbatch run --shard` child processes, one SIGKILLed while it moves its parts
def test_a_shard_killed_while_it_moves_its_parts_is_refused_by_merge_then_rerun_to_every_row_once(tmp_path):
    library = build_library(tmp_path)
    if library is None:
        pytest.skip("no C compiler for the LD_PRELOAD library that kills the run")
    replay_run(tmp_path)  # the receipts' answers in replay/; the manifest made bigger below
    replay = tmp_path / "replay"
    lines = ["source,doc_type,doc_id"]
    for i in range(8):
        shutil.copy(sorted(replay.glob("*.json"))[i % 3], replay / f"r{i}.json")
        lines.append(f"scans/r{i}.jpg,receipt,r{i}")
    (tmp_path / "m8.csv").write_text("\n".join(lines) + "\n")
    (tmp_path / "job.toml").write_text("[job]\npart_rows = 1\n")  # a part a document: many moves
    out = tmp_path / "split"

    options = ["run", str(tmp_path / "job.toml"), "--manifest", str(tmp_path / "m8.csv"), "--out", str(out),
               "--engine", "replay", "--replay-dir", str(replay), "--no-cache", "--shard"]

    def shard(index: int) -> int:
        return CliRunner().invoke(main, ["-q", *options, f"{index}/2"]).exit_code

    assert [shard(0), shard(1)] == [0, 0]
    assert merge_shards(str(out)).counts["total"] == 8
    killed = subprocess.run([sys.executable, "-m", "docbatch", "-q", *options, "0/2"], capture_output=True,
                            text=True, timeout=120, env=environment(library, out, after=3, skip=NOT_PUBLISHING))
    assert killed.returncode == -9, killed.stderr  # its 3rd part moved into the table folders, then killed
    assert list((out / "shards" / "0-of-2").glob(".staging-*/*/*.parquet"))  # the rest not yet moved
    with pytest.raises(ShardsIncomplete, match="shard 0/2 is running, or was killed"):
        merge_shards(str(out))
    assert shard(0) == 0
    result = merge_shards(str(out))
    ids = [d for p in sorted((out / "documents").glob("*.parquet")) for d in pq.read_table(p).column("doc_id").to_pylist()]
    assert sorted(ids) == [f"r{i}" for i in range(8)] and result.counts["total"] == 8
    assert result.tables["documents"] == 8 and not list((out / "shards" / "0-of-2").glob(".staging-*"))

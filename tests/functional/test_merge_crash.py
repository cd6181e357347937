"""``docbatch merge`` after a crash: a shard killed while it moves its parts into the run folder's
table folders is refused by merge until it has run again, then every row is there once."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from docbatch.cli import main
from docbatch.errors import ShardsIncomplete
from docbatch.merge import merge_shards

from ..support.dies_renaming import build_library, environment
from ..support.replay_run import replay_run

#: Renames of the build's own parts, the lock and run.json are not the publication's.
NOT_PUBLISHING = ("/.staging-", ".docbatch-lock", "run.json", "/runs/")


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

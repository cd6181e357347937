"""A run folder is docbatch's alone: foreign folders are refused, one run at a time, stale locks taken over."""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import subprocess
import sys

import pytest

from docbatch import RunConfig, run_batch
from docbatch.errors import FolderLocked, ForeignFolder
from docbatch.runfolder import LOCK, MARKER, RunFolder

EMPTY = {"TextDetections": [], "TextModelVersion": "3.0"}


def _config(tmp_path, out) -> RunConfig:
    replay = tmp_path / "replay"
    replay.mkdir(exist_ok=True)
    (replay / "a.json").write_text(json.dumps(EMPTY))
    manifest = tmp_path / "m.csv"
    manifest.write_text("source\nx/a.png\n")
    return RunConfig(manifest=str(manifest), out=str(out), engine="replay", replay_dir=str(replay), use_cache=False)


def _foreign_folder(root):
    """Someone's folder that happens to use names docbatch writes."""
    files = {
        "documents/report.parquet": b"theirs", "receipts/notes.txt": b"theirs", "run.json": b"{}",
        "failed.csv": b"theirs", ".staging-old/keep.txt": b"theirs", ".trash-x/keep.txt": b"theirs",
    }
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return files


def test_a_non_empty_folder_without_the_marker_is_refused_and_left_untouched(tmp_path):
    out = tmp_path / "theirs"
    files = _foreign_folder(out)
    with pytest.raises(ForeignFolder, match="not a docbatch run folder"):
        run_batch(_config(tmp_path, out))
    for rel, data in files.items():
        assert (out / rel).read_bytes() == data
    assert not (out / "state.sqlite").exists() and not (out / MARKER).exists()


@pytest.mark.slow  # a real `docbatch run` child process
def test_the_cli_says_so_in_one_line_and_exits_2(tmp_path):
    out = tmp_path / "theirs"
    _foreign_folder(out)
    cfg = _config(tmp_path, out)
    proc = subprocess.run([sys.executable, "-m", "docbatch", "run", "--manifest", cfg.manifest, "--out", str(out),
                           "--engine", "replay", "--replay-dir", cfg.replay_dir, "--no-cache"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1].startswith("docbatch: error: --out")
    assert "Traceback" not in proc.stderr


def test_new_and_empty_folders_become_run_folders_and_rerun_resumes(tmp_path):
    (tmp_path / "empty").mkdir()
    for out in (tmp_path / "new", tmp_path / "empty"):
        assert run_batch(_config(tmp_path, out)).ok == 1
        assert json.loads((out / MARKER).read_text())["format"] == 1
        assert run_batch(_config(tmp_path, out)).resumed == 1


def test_only_staging_folders_docbatch_names_are_cleaned_up(tmp_path):
    out = tmp_path / "out"
    run_batch(_config(tmp_path, out))
    (out / ".staging-mine" / "x").mkdir(parents=True)
    killed = out / ".staging-20260101T000000Z-abc123"
    (killed / "documents").mkdir(parents=True)
    run_batch(_config(tmp_path, out))
    assert (out / ".staging-mine" / "x").is_dir() and not killed.exists()


def test_a_second_run_into_a_locked_folder_stops_naming_the_holder(tmp_path):
    out = tmp_path / "out"
    folder = RunFolder(out)
    folder.claim()
    with folder.lock("20261201T000000Z-aaaaaa"):
        with pytest.raises(FolderLocked, match=f"pid {os.getpid()} on {socket.gethostname()}"):
            run_batch(_config(tmp_path, out))
    assert run_batch(_config(tmp_path, out)).ok == 1
    assert not (out / LOCK).exists()


def test_a_lock_left_by_a_killed_process_is_taken_over(tmp_path):
    out = tmp_path / "out"
    RunFolder(out).claim()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (out / LOCK).write_text(json.dumps({"host": socket.gethostname(), "pid": dead.pid, "run_id": "old",
                                        "heartbeat": 4e9}))
    assert run_batch(_config(tmp_path, out)).ok == 1


def test_a_lock_whose_heartbeat_stopped_long_ago_is_taken_over(tmp_path):
    out = tmp_path / "out"
    RunFolder(out).claim()
    (out / LOCK).write_text(json.dumps({"host": "another-host", "pid": 1, "run_id": "old", "heartbeat": 0}))
    assert run_batch(_config(tmp_path, out)).ok == 1


@pytest.mark.slow  # a child process
def test_a_sigterm_while_the_run_closes_lets_it_finish_and_release_its_lock(tmp_path):
    """AWS Batch stops a job with SIGTERM (then SIGKILL): one arriving as the run writes its
    closing files (journal checkpoint, run.json, the last subscriber) must not kill it there,
    leaving a lock that a retry on another host waits out for ten minutes."""
    config = _config(tmp_path, tmp_path / "out")
    script = tmp_path / "late_sigterm.py"
    script.write_text(
        "import os, signal, sys\n"
        "from docbatch import RunConfig, run_batch\n"
        "class Late:\n"
        "    def on_start(self, s): pass\n"
        "    def on_skip(self, d): pass\n"
        "    def on_result(self, r, s): pass\n"
        "    def on_end(self, s): os.kill(os.getpid(), signal.SIGTERM)\n"
        f"summary = run_batch(RunConfig(manifest={config.manifest!r}, out={config.out!r}, engine='replay',\n"
        f"                              replay_dir={config.replay_dir!r}, use_cache=False), subscribers=[Late()])\n"
        "print(summary.outcome, summary.ok)\n")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert (proc.returncode, proc.stdout.split()) == (0, ["completed", "1"]), proc.stderr
    assert not (tmp_path / "out" / LOCK).exists()


def test_the_published_parts_of_a_folder_that_is_no_run_folder_are_refused_in_one_line(tmp_path):
    from click.testing import CliRunner

    from docbatch.cli import main

    result = CliRunner().invoke(main, ["parts", str(tmp_path / "not-a-run"), "receipts"])
    assert result.exit_code == 2 and "is not a docbatch run folder" in result.output


def test_the_published_parts_of_a_format_the_run_did_not_write_are_refused_in_one_line(tmp_path):
    """Every table has at least one part once a run wrote its format (a schema-only one when it
    has no rows), so no parts means the run did not write it: an empty list, exit 0, would read
    as an empty table (or fail later in DuckDB's ``read_parquet([])``)."""
    from click.testing import CliRunner

    from docbatch.cli import main

    out = tmp_path / "out"
    run_batch(dataclasses.replace(_config(tmp_path, out), formats=("csv",)))
    assert CliRunner().invoke(main, ["parts", str(out), "receipts", "--format", "csv"]).output.strip()
    result = CliRunner().invoke(main, ["parts", str(out), "receipts"])
    assert result.exit_code == 2 and "--format parquet" in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1

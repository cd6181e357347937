"""The docbatch command as a user types it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from docbatch.cli import main
from docbatch.testing.fake_rekognition import image_key

from ..conftest import text_png
from ..support.servers import listening_url

COMMANDS = ["run", "manifest", "reparse", "reconcile", "fake-rekognition"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_subcommand_has_useful_help(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output and len(result.output.splitlines()) > 5


def test_top_level_help_shows_the_quick_start():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0 and "docbatch run jobs/sample.toml" in result.output


def test_manifest_lists_a_folder_recursively_as_csv(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "x.png").write_bytes(b"x")
    (tmp_path / "a" / "b" / "y.JPG").write_bytes(b"x")
    (tmp_path / "a" / "notes.txt").write_text("no")
    result = CliRunner().invoke(main, ["manifest", str(tmp_path / "a"), "--doc-type", "receipt"])
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "source,doc_type"
    assert sorted(Path(line.split(",")[0]).name for line in lines[1:]) == ["x.png", "y.JPG"]


def test_a_missing_manifest_is_a_one_line_error_with_exit_code_2(tmp_path):
    result = CliRunner().invoke(main, ["run", "--engine", "local", "--manifest", str(tmp_path / "nope.csv"), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "manifest not found" in result.output


def _empty_parquet(path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"source": pa.array([], pa.string())}), path)


@pytest.mark.parametrize("name, write", [
    ("m.csv", lambda p: p.write_text("source,doc_type\n")),  # `docbatch manifest` of an empty night
    ("m.csv", lambda p: p.write_text("\ufeffsource\n\n\n")),  # BOM, header, blank lines
    ("m.jsonl", lambda p: p.write_text("")),
    ("m.parquet", _empty_parquet),
])
def test_a_manifest_of_no_rows_is_refused_as_an_empty_prefix_is(tmp_path, name, write):
    """Exit 2 and one line, nothing written: before, it ran nothing and exited 0 over empty
    tables, while an empty S3 prefix exited 2 (a scheduler saw one empty night fail, the other pass)."""
    write(tmp_path / name)
    result = CliRunner().invoke(main, ["run", "--engine", "replay", "--replay-dir", str(tmp_path),
                                       "--manifest", str(tmp_path / name), "--out", str(tmp_path / "out")])
    assert (result.exit_code, result.output) == (2, f"docbatch: error: manifest {tmp_path / name} holds no rows: "
                                                    "nothing to run [config_error]\n")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("option, value", [("--read-timeout", "0"), ("--read-timeout", "-1")])
def test_a_timeout_that_is_not_positive_is_a_one_line_error_with_exit_code_2(tmp_path, aws_env, option, value):
    """Before, botocore's client refused it with a ValueError traceback (exit 1) in the preflight."""
    (tmp_path / "m.csv").write_text("source\na.png\n")
    result = CliRunner().invoke(main, ["run", "--engine", "rekognition", "--region", "us-east-1",
                                       "--endpoint-url", "http://127.0.0.1:9", "--manifest", str(tmp_path / "m.csv"),
                                       "--out", str(tmp_path / "out"), option, value])
    assert (result.exit_code, result.output) == (2, "docbatch: error: read_timeout is a number of seconds above 0 "
                                                    "[config_error]\n")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("option, value, name", [
    ("--tps", "inf", "tps"), ("--tps", "nan", "tps"), ("--read-timeout", "inf", "read_timeout"),
    ("--lock-wait", "nan", "lock_wait"),
])
def test_an_infinite_or_nan_number_is_a_one_line_error_with_exit_code_2(tmp_path, aws_env, option, value, name):
    """Before, --tps inf or nan was an OverflowError/ValueError traceback (exit 1), and --read-timeout inf
    ran the batch with every call failing on the socket's timeout: every document retried, then failed."""
    (tmp_path / "m.csv").write_text("source\na.png\n")
    result = CliRunner().invoke(main, ["run", "--engine", "rekognition", "--region", "us-east-1",
                                       "--endpoint-url", "http://127.0.0.1:9", "--manifest", str(tmp_path / "m.csv"),
                                       "--out", str(tmp_path / "out"), option, value])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"docbatch: error: {name} ") and "finite" in result.output
    assert len(result.output.splitlines()) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.slow  # two child processes: `docbatch fake-rekognition` and `docbatch run`
def test_run_against_the_fake_rekognition_command(tmp_path, aws_env):
    replay = tmp_path / "replay"
    replay.mkdir()
    response = {"TextDetections": [{"DetectedText": "TOTAL 9.99", "Type": "LINE", "Id": 0, "Confidence": 99.0}],
                "TextModelVersion": "3.0"}
    for i in range(3):
        image = text_png(f"r{i}")
        (tmp_path / f"r{i}.png").write_bytes(image)
        (replay / f"{image_key(image)}.json").write_text(json.dumps(response))
    (tmp_path / "m.csv").write_text("source,doc_type\n" + "".join(f"r{i}.png,receipt\n" for i in range(3)))
    server = subprocess.Popen([sys.executable, "-m", "docbatch.cli", "fake-rekognition", "--port", "0",
                               "--replay-dir", str(replay), "--fault", "http500:first=1"],
                              stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        url = listening_url(server)
        result = subprocess.run(
            [sys.executable, "-m", "docbatch.cli", "run", "--manifest", str(tmp_path / "m.csv"), "--out",
             str(tmp_path / "out"), "--engine", "rekognition", "--region", "us-east-1", "--endpoint-url", url,
             "--no-cache"],
            capture_output=True, text=True, timeout=120, env=os.environ.copy())
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert result.returncode == 0, result.stderr[-2000:]
    docs = pd.read_parquet(tmp_path / "out" / "documents")
    assert (docs["status"] == "ok").all() and (docs["attempts"] == 2).all()
    assert str(pd.read_parquet(tmp_path / "out" / "receipts")["total"].iloc[0]) == "9.99"

"""Scheduler conventions: a required engine, DOCBATCH_* variables, templates, -v after the
subcommand, JSON log lines, a dry run that calls nothing."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from docbatch.jobfile import build_config, load_job
from docbatch.errors import ConfigError

from ..support.bench import Bench, text_image, write_manifest

ROOT = Path(__file__).resolve().parents[2]
EMPTY = {"TextDetections": [], "TextModelVersion": "3.0"}


def _docbatch(*args, cwd, env=None):
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "docbatch", *args], capture_output=True, text=True, cwd=cwd,
                          env=full, timeout=120)


def _replay_job(tmp_path):
    replay = tmp_path / "replay"
    replay.mkdir()
    (replay / "a.json").write_text(json.dumps(EMPTY))
    (tmp_path / "m.csv").write_text("source\nx/a.png\nx/b.png\n")
    return replay


def test_a_command_line_without_an_engine_is_refused_naming_the_choices(tmp_path):
    with pytest.raises(ConfigError, match="no engine given.*local.*rekognition"):
        build_config({"manifest": "m.csv", "out": "out"})


def test_job_templates_fill_the_date_yesterday_and_the_run_id(tmp_path):
    job = tmp_path / "nightly.toml"
    job.write_text('[job]\nengine = "replay"\nmanifest = "in/{date}.csv"\nout = "runs/{yesterday:%Y/%m/%d}-{run_id}"\n')
    cfg = load_job(job, date=dt.date(2026, 3, 1))
    assert cfg.manifest == str(tmp_path / "in" / "2026-03-01.csv")
    assert cfg.out.startswith(str(tmp_path / "runs" / "2026" / "02" / "28-"))
    assert cfg.run_id and cfg.out.endswith(cfg.run_id)


def test_a_run_folder_named_from_run_id_says_how_to_resume_it(tmp_path, caplog):
    """The same command run again names another folder: a crash's re-run (a scheduler's retry)
    resumed nothing and paid again, and the closing lines told it to re-run the same command."""
    from docbatch import run_batch

    replay = _replay_job(tmp_path)
    job = tmp_path / "adhoc.toml"
    job.write_text(f'[job]\nengine = "replay"\nreplay_dir = "{replay}"\nmanifest = "m.csv"\n'
                   'out = "runs/{run_id}"\nuse_cache = false\n')
    cfg = load_job(job)
    with caplog.at_level("WARNING", logger="docbatch"):
        summary = run_batch(cfg)
    warned = [r.getMessage() for r in caplog.records if "{run_id}" in r.getMessage()]
    assert len(warned) == 1 and f"run with --out {cfg.out}" in warned[0]
    assert summary.exit_code == 3 and f"run with --out {cfg.out})" in summary.message
    resumed = run_batch(load_job(job, {"out": cfg.out}))
    assert (resumed.processed, resumed.resumed, resumed.out_dir) == (0, 2, cfg.out)


def test_a_run_folder_named_from_the_date_says_which_date_resumes_it(tmp_path):
    """A night's run retried after midnight UTC names the next day's folder: the closing lines
    say which --date gives this run's folder back (it resumes there, nothing paid again)."""
    from docbatch import run_batch

    replay = _replay_job(tmp_path)
    job = tmp_path / "nightly.toml"
    job.write_text(f'[job]\nengine = "replay"\nreplay_dir = "{replay}"\nmanifest = "m.csv"\n'
                   'out = "runs/{yesterday}"\nuse_cache = false\n')
    summary = run_batch(load_job(job, date=dt.date(2026, 3, 1)))
    assert summary.exit_code == 3 and "add --date 2026-03-01)" in summary.message
    next_day = load_job(job, date=dt.date(2026, 3, 2))
    assert next_day.out != summary.out_dir
    resumed = run_batch(load_job(job, date=dt.date(2026, 3, 1)))
    assert (resumed.processed, resumed.resumed, resumed.out_dir) == (0, 2, summary.out_dir)


def test_a_fixed_run_id_names_one_folder_and_no_warning_is_given(tmp_path, caplog):
    with caplog.at_level("WARNING", logger="docbatch"):
        cfg = build_config({"engine": "replay", "manifest": "m.csv", "out": "runs/{run_id}", "run_id": "nightly"})
        cfg.stages()
    assert (cfg.out, cfg.out_per_run, caplog.records) == ("runs/nightly", False, [])


def test_shards_are_refused_a_run_folder_named_from_run_id(tmp_path):
    """Each array child makes its own run id: the shards would never meet in one folder."""
    cfg = build_config({"engine": "replay", "manifest": "m.csv", "out": "s3://b/runs/{run_id}/"})
    with pytest.raises(ConfigError, match="shards .* folder of their own"):
        cfg.stages(environ={"AWS_BATCH_JOB_ARRAY_INDEX": "0", "AWS_BATCH_JOB_ARRAY_SIZE": "4"})


def test_an_unknown_template_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="unknown template"):
        build_config({"engine": "replay", "manifest": "{day}.csv", "out": "o"})


@pytest.mark.slow  # a real `docbatch run` child process
def test_options_come_from_docbatch_variables_and_flags_after_the_subcommand(tmp_path):
    replay = _replay_job(tmp_path)
    env = {"DOCBATCH_ENGINE": "replay", "DOCBATCH_REPLAY_DIR": str(replay), "DOCBATCH_MANIFEST": "m.csv",
           "DOCBATCH_OUT": "out", "DOCBATCH_NO_CACHE": "1"}
    proc = _docbatch("run", "-v", "--log-format", "json", cwd=tmp_path, env=env)
    assert proc.returncode == 3, proc.stderr  # b has no saved response
    lines = [json.loads(line) for line in proc.stderr.splitlines() if line.startswith("{")]
    failed = [r for r in lines if r.get("code") == "replay_missing"]
    assert failed and failed[0]["doc_id"] == "b" and failed[0]["level"] == "debug" and failed[0]["run_id"]
    assert not [r for r in lines if r["logger"].startswith(("PIL", "botocore", "urllib3"))]
    assert "1 x replay_missing: no saved response" in proc.stderr


@pytest.mark.slow  # a real `docbatch run --dry-run` child process
def test_a_dry_run_checks_and_counts_but_calls_nothing(tmp_path, moto_url, aws_env):
    bench = Bench(tmp_path, moto_url=moto_url)
    (tmp_path / "a.png").write_bytes(text_image("a"))
    manifest = write_manifest(tmp_path / "m.csv", [{"source": "a.png", "doc_id": "a"}, {"source": "gone.png", "doc_id": "g"},
                                                  {"source": "", "doc_id": "empty"}])
    with bench.server() as server:
        proc = bench.cli(manifest, tmp_path / "out", server, "--dry-run")
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert server.request_log == []
    assert "malformed rows:      1" in out and "unreadable sources:  1" in out and "to process:          1" in out
    assert "paid calls:          1" in out and "$0.00" in out
    assert not (tmp_path / "out").exists()

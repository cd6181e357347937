"""The bundled job files load and their templates fill."""

import datetime as dt
from pathlib import Path

import pytest

from docbatch.errors import ConfigError
from docbatch.jobfile import load_job

JOBS = Path(__file__).resolve().parents[2] / "jobs"


def test_the_nightly_job_reads_yesterdays_prefix_into_yesterdays_run_folder():
    cfg = load_job(JOBS / "nightly-receipts.toml", date=dt.date(2026, 12, 1))
    assert cfg.manifest == "s3://my-bucket/receipts/2026-11-30/"
    assert cfg.out == "s3://my-bucket/runs/receipts/2026-11-30/"
    assert cfg.engine == "rekognition"


def test_the_sample_job_runs_the_embedded_engine_on_the_bundled_sample():
    cfg = load_job(JOBS / "sample.toml")
    assert cfg.engine == "local" and Path(cfg.manifest).is_file()


def test_a_job_key_spelt_as_its_command_line_flag_is_refused_naming_the_job_key(tmp_path):
    """``format = ...`` and ``no_cache = true`` mirror ``--format`` and ``--no-cache``; the
    job file's keys are ``formats`` and ``use_cache``: the error says so, not only "unknown"."""
    job = tmp_path / "j.toml"
    job.write_text('[job]\nmanifest = "m.csv"\nout = "out"\nengine = "replay"\nformat = "csv"\nno_cache = true\n')
    with pytest.raises(ConfigError) as refused:
        load_job(job)
    assert str(refused.value) == ("unknown option(s): format (in a job file: formats), "
                                  "no_cache (in a job file: use_cache = false)")

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


@pytest.mark.parametrize("line, named", [
    ('replace = "false"', "replace"),  # a string is truthy: it made the folder's batch this manifest's
    ('redact = "no"', "redact"),
    ('use_cache = "false"', "use_cache"),
    ('max_attempts = true', "max_attempts"),  # a bool is an int to Python: one attempt
    ('concurrency = 2.5', "concurrency"),
    ('concurrency = "4"', "concurrency"),  # before: "'<' not supported between instances of 'str' and 'int'"
    ('read_timeout = "30"', "read_timeout"),
    ('engine_options = 3', "engine_options"),  # before: a TypeError traceback
    ('formats = 3', "formats"),  # before: a TypeError traceback
])
def test_a_job_value_of_the_wrong_type_is_refused_naming_its_key(tmp_path, line, named):
    job = tmp_path / "j.toml"
    job.write_text(f'[job]\nmanifest = "m.csv"\nout = "out"\nengine = "replay"\n{line}\n')
    with pytest.raises(ConfigError) as refused:
        load_job(job)
    assert str(refused.value).startswith(f"{named} = ")

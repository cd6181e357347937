"""The bundled job files load and their templates fill."""

import datetime as dt
from pathlib import Path

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

"""Job files and overrides build one frozen RunConfig."""

import pytest

from docbatch.config import load_job
from docbatch.errors import ConfigError


def test_job_paths_are_relative_to_the_job_file_and_flags_override(tmp_path):
    job = tmp_path / "jobs" / "nightly.toml"
    job.parent.mkdir()
    job.write_text('[job]\nmanifest = "../m.csv"\nout = "../out"\nengine = "rekognition"\ntps = 3\n')
    cfg = load_job(job, {"tps": 7.5, "region": None})
    assert cfg.manifest == str(tmp_path / "m.csv")
    assert cfg.out == str(tmp_path / "out")
    assert (cfg.engine, cfg.tps) == ("rekognition", 7.5)


def test_unknown_key_in_job_is_an_error(tmp_path):
    job = tmp_path / "j.toml"
    job.write_text('[job]\nmanifest = "m.csv"\nout = "o"\ntsp = 3\n')
    with pytest.raises(ConfigError, match="tsp"):
        load_job(job)


def test_bad_format_is_an_error(tmp_path):
    job = tmp_path / "j.toml"
    job.write_text('[job]\nmanifest = "m.csv"\nout = "o"\nengine = "local"\nformats = ["xlsx"]\n')
    with pytest.raises(ConfigError, match="xlsx"):
        load_job(job)

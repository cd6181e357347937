"""Job files and overrides build one frozen RunConfig."""

import pytest

from docbatch.jobfile import load_job
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


def test_partition_by_from_a_job_list_a_flag_or_the_environment(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from docbatch.cli import main

    job = tmp_path / "j.toml"
    job.write_text('[job]\nmanifest = "m.csv"\nout = "o"\nengine = "local"\npartition_by = ["run_date", "doc_type"]\n')
    assert load_job(job).partition_by == ("run_date", "doc_type")
    assert load_job(job, {"partition_by": "status"}).partition_by == ("status",)
    assert load_job(job).stages().output.partition_by == ("run_date", "doc_type")
    monkeypatch.setenv("DOCBATCH_PARTITION_BY", "run_dat")  # read by `docbatch run`, refused before any work
    result = CliRunner().invoke(main, ["run", str(job), "--dry-run"])
    assert result.exit_code == 2 and "partition_by ['run_dat']" in result.output


def test_a_partition_key_docbatch_cannot_fill_is_an_error(tmp_path):
    job = tmp_path / "j.toml"
    job.write_text('[job]\nmanifest = "m.csv"\nout = "o"\nengine = "local"\npartition_by = ["vendor_name"]\n')
    with pytest.raises(ConfigError, match="vendor_name"):
        load_job(job)


def test_the_executor_is_local_or_ray_and_a_ray_address_needs_ray(tmp_path):
    from docbatch.config import RunConfig

    stages = RunConfig(manifest="m.csv", out="o", executor="ray", ray_address="auto").stages()
    assert (stages.executor.kind, stages.executor.ray_address) == ("ray", "auto")
    with pytest.raises(ConfigError, match="executor must be local or ray"):
        RunConfig(manifest="m.csv", out="o", executor="dask")
    with pytest.raises(ConfigError, match="ray_address is for"):
        RunConfig(manifest="m.csv", out="o", ray_address="auto")


def test_the_ray_executor_refuses_an_engine_that_runs_in_threads_before_starting_ray(tmp_path):
    from docbatch.config import RunConfig
    from docbatch.engines.replay import ReplayEngine
    from docbatch.executors import open_executor

    stages = RunConfig(manifest="m.csv", out="o", executor="ray").stages()
    with pytest.raises(ConfigError, match="runs in threads of one process"):
        open_executor(stages, ReplayEngine, "replay", sleep=lambda s: None)


def test_a_default_currency_that_is_not_an_iso_4217_code_is_refused():
    # default_currency = "$" would be written as the currency of every receipt printing no sign.
    from docbatch.config import RunConfig
    from docbatch.errors import ConfigError

    for value in ("$", "RM", "EURO"):
        with pytest.raises(ConfigError, match=r"default_currency '.*' is not an ISO 4217 currency code"):
            RunConfig(manifest="m.csv", out="out", engine="local", default_currency=value)
    assert RunConfig(manifest="m.csv", out="out", engine="local", default_currency="myr").default_currency == "MYR"


def test_every_parse_and_output_setting_is_a_table_setting_but_the_day_the_key_and_the_part_size():
    # One owner: merge compares and reparse records these keys, so an option added to the
    # parse or output settings is compared across shards without being listed anywhere else.
    import dataclasses

    from docbatch.config import TABLE_SETTINGS, OutputSettings, ParseSettings

    fields = {f.name for cls in (ParseSettings, OutputSettings) for f in dataclasses.fields(cls)}
    assert set(TABLE_SETTINGS) == {"doc_type", "redact_key_id"} | fields - {"run_date", "redact_key", "part_rows"}


def test_a_run_records_its_table_settings_as_its_options_spell_them_and_the_key_by_its_fingerprint():
    # Shards' run.json and a re-parse's are compared key by key: a tuple in one and a list in
    # the other, or the key itself, would make equal settings differ (or leak the secret).
    from docbatch.config import RunConfig, table_settings

    config = RunConfig(manifest="m.csv", out="o", formats=("csv", "parquet"), partition_by=("run_date",),
                       date_order="DMY", decimal_separator=",", default_currency="eur", redact=True)
    stages = config.stages(environ={"DOCBATCH_REDACT_KEY": "nightly-secret"})
    recorded = table_settings(stages.parse, stages.output)
    public = config.public_dict()
    assert {k: public[k] for k in recorded if k != "redact_key_id"} == {
        k: v for k, v in recorded.items() if k != "redact_key_id"}
    assert recorded["default_currency"] == "EUR" and recorded["formats"] == ["csv", "parquet"]
    assert len(recorded["redact_key_id"]) == 16 and "nightly-secret" not in str(recorded)
    assert table_settings(config.stages(environ={}).parse, stages.output)["redact_key_id"] is None

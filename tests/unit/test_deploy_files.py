"""The AWS Batch deployment files under deploy/aws/ are valid and say what docbatch accepts:
the job's command and DOCBATCH_* variables are options of the real ``docbatch run``, the
schedule submits that job as an array, and the policy names every action outright."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from docbatch.cli.run import run
from docbatch.jobfile import build_config

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "aws"


def load(name: str) -> dict:
    return json.loads((DEPLOY / name).read_text())


@pytest.mark.parametrize("name", sorted(p.name for p in DEPLOY.glob("*.json")))
def test_every_deployment_file_is_valid_json(name):
    assert isinstance(load(name), dict)


def job_environment() -> dict[str, str]:
    return {e["name"]: e["value"] for e in load("job-definition.json")["containerProperties"]["environment"]}


def test_the_job_environment_names_only_variables_docbatch_run_reads():
    envvars = {p.envvar for p in run.params if isinstance(p, click.Option)}
    assert set(job_environment()) - envvars == set()


def test_the_job_command_and_environment_parse_as_a_docbatch_run_with_its_engine(monkeypatch):
    command = load("job-definition.json")["containerProperties"]["command"]
    assert command[0] == "run"  # the image's entry point is docbatch
    for name, value in job_environment().items():
        monkeypatch.setenv(name, value)
    ctx = run.make_context("run", list(command[1:]))  # raises on any option docbatch run does not have
    options = {k: v for k, v in ctx.params.items() if v is not None and k not in ("job", "no_cache", "job_date",
                                                                                  "dry_run")}
    config = build_config(options)
    assert config.engine == "rekognition" and config.tps == "auto"
    assert config.manifest.startswith("s3://example-docbatch-inputs/incoming/")
    assert config.out.startswith("s3://example-docbatch-runs/runs/")


def test_the_schedule_submits_the_job_definition_as_an_array():
    rule, targets = load("schedule-rule.json"), load("schedule-targets.json")
    assert rule["ScheduleExpression"].startswith("cron(") and targets["Rule"] == rule["Name"]
    batch = targets["Targets"][0]["BatchParameters"]
    assert batch["JobDefinition"] == load("job-definition.json")["jobDefinitionName"]
    assert batch["ArrayProperties"]["Size"] >= 2


@pytest.mark.parametrize("name", ["job-role-policy.json", "events-submit-policy.json"])
def test_policies_name_every_action_without_wildcards(name):
    actions = [a for s in load(name)["Statement"] for a in s["Action"]]
    assert actions and not [a for a in actions if "*" in a or "?" in a]
    assert all(s["Effect"] == "Allow" and "NotAction" not in s for s in load(name)["Statement"])

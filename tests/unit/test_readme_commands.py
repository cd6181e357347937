"""The README's commands, its opening lines and "Using it", are ones the command line takes as
written: every subcommand and option exists and parses, and a ``docbatch run`` builds its
settings (the job files it names load, their templates fill).  Running them needs AWS or the
embedded engine; the functional tests do that part.  README and command line cannot drift apart."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from docbatch.cli import main
from docbatch.cli.run import config_from

ROOT = Path(__file__).resolve().parents[2]
#: ``NAME=value`` before a command: its environment.
ASSIGNMENT = re.compile(r"([A-Z][A-Z0-9_]*)=(\S*)")


def readme_commands() -> list[tuple[dict[str, str], list[str]]]:
    """(environment, arguments after ``docbatch``) of every ``docbatch`` command in the README's
    bash blocks before its first section and in "Using it" (continuation lines joined, ``&&``
    chains split, a redirection dropped, an option shown ``[--optional]`` given)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    opening = text.split("\n## ", 1)[0]
    using = text.split("\n## Using it\n", 1)[1].split("\n## ", 1)[0]
    out = []
    for block in re.findall(r"```bash\n(.*?)```", opening + using, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            for piece in line.split("&&"):
                words = [w.removeprefix("[").removesuffix("]") for w in shlex.split(piece, comments=True)]
                env = {}
                while words and (m := ASSIGNMENT.fullmatch(words[0])):
                    env[m.group(1)] = m.group(2)
                    words.pop(0)
                if words[:1] == ["docbatch"]:
                    args = words[1:]
                    out.append((env, args[: args.index(">")] if ">" in args else args))
    return out


def test_the_readme_shows_its_commands() -> None:
    """The reader of the tests below: the sample's run, the nightly job's, the fake server's."""
    commands = [" ".join(args) for _, args in readme_commands()]
    assert "run jobs/sample.toml" in commands and "reparse out/" in commands
    assert any(c.startswith("fake-rekognition ") for c in commands) and len(commands) > 10


@pytest.mark.parametrize(("env", "args"), readme_commands(), ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_a_readme_command_is_one_the_command_line_takes(env: dict[str, str], args: list[str], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from a folder holding the project's job files and, empty, the other files and folders
    it names (``card.csv``, ``recon/``): the command's checks that they exist pass, as for a user's."""
    (tmp_path / "jobs").symlink_to(ROOT / "jobs")
    for word in args:
        if re.fullmatch(r"[\w.-]+/", word):
            (tmp_path / word).mkdir(exist_ok=True)
        elif re.fullmatch(r"[\w.-]+\.(csv|ofx|qfx|qif|json)", word):
            (tmp_path / word).touch()
    monkeypatch.chdir(tmp_path)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    command: click.Command = main
    rest = list(args)
    while isinstance(command, click.Group):
        name = rest.pop(0)
        assert name in command.commands, f"docbatch has no command {name!r}"
        command = command.commands[name]
    ctx = command.make_context(command.name or "", rest)  # raises on an option the command does not have
    if command.name == "run":
        params = dict(ctx.params)
        config_from(params.pop("job"), params.pop("no_cache"), params.pop("job_date"),
                    {k: v for k, v in params.items() if k != "dry_run"})


def test_ci_runs_the_readme_test_command() -> None:
    """The README's second command is what CI runs (``.ci/run``): the test extras installed, and
    pytest with every option the README gives it (CI adds only its cache being off)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## ", 1)[0]
    readme = next(line for line in text.splitlines() if "pytest" in line)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -e '.[test]'" in readme and "install -q -e '.[test]'" in ci
    readme_pytest = shlex.split(readme.split("&&")[-1])
    ci_pytest = shlex.split(next(line for line in ci.splitlines() if line.startswith("python -m pytest")))
    assert readme_pytest[:3] == ["python", "-m", "pytest"]
    assert [a for a in ci_pytest if a not in ("-p", "no:cacheprovider")] == readme_pytest

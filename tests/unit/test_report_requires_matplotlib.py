"""Without the ``report`` extra, ``docbatch report`` says what to install, in one line."""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner

from docbatch.cli import main


@pytest.mark.slow  # imports the report package fresh (~0.8 s)
def test_report_without_matplotlib_names_the_extra_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as in an install without [report]
    result = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert result.exit_code == 2, (result.output, result.exception)
    assert result.output.strip().splitlines() == [
        "docbatch: error: docbatch report draws its plots with matplotlib, which is not installed: "
        "pip install 'docbatch[report]' [config_error]"]

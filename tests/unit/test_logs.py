"""The CLI's log lines: docbatch's own at the chosen level, every other library's only from warnings up."""

from __future__ import annotations

import logging

import pytest

from docbatch import logs


@pytest.fixture
def restore_logging():
    """logs.setup configures the process's root logger; put it back for the other tests."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level, logging.getLogger("docbatch").level)
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved[0]:
        root.addHandler(handler)
    root.setLevel(saved[1])
    logging.getLogger("docbatch").setLevel(saved[2])


def _lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().err.strip().splitlines()


def test_a_library_the_list_of_noisy_ones_never_named_logs_no_info_line(restore_logging, capsys):
    # matplotlib's first start on a new machine logs "generated new fontManager" at INFO: a
    # command meant to print one line (the error) printed two.
    logs.setup()
    logging.getLogger("matplotlib.font_manager").info("generated new fontManager")
    logging.getLogger("docbatch.report").info("report written")
    lines = _lines(capsys)
    assert len(lines) == 1 and lines[0].endswith("docbatch.report: report written")


def test_verbose_shows_docbatchs_debug_lines_and_still_no_librarys(restore_logging, capsys):
    logs.setup(verbose=1)
    logging.getLogger("some.library").debug("request body ...")
    logging.getLogger("some.library").info("connected")
    logging.getLogger("docbatch").debug("why the document failed")
    assert [line.split(": ", 1)[1] for line in _lines(capsys)] == ["why the document failed"]


def test_a_librarys_warning_is_shown(restore_logging, capsys):
    logs.setup(quiet=True)
    logging.getLogger("some.library").warning("connection pool is full")
    logging.getLogger("docbatch").info("progress")
    assert [line.split(": ", 1)[1] for line in _lines(capsys)] == ["connection pool is full"]

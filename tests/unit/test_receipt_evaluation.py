"""The receipt evaluation reads a finished run's ``raw/`` folder as well as plain JSON."""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

import pytest

from evals.pipeline import run_folder_name, saved_responses
from evals.receipts import engine_option, response_stem


def test_stems_of_saved_responses_drop_image_and_json_suffixes():
    assert [response_stem(n) for n in ("000.jpg.json.gz", "001.json", "002.jpg.json")] == ["000", "001", "002"]


def test_a_runs_gzipped_raw_response_loads_by_image_path(tmp_path: Path):
    response = {"TextDetections": [], "TextModelVersion": "x"}
    (tmp_path / "007.jpg.json.gz").write_bytes(gzip.compress(json.dumps(response).encode()))
    assert saved_responses(tmp_path)(Path("/anywhere/img/007.jpg")) == response


def test_an_engine_option_value_is_read_as_json_else_kept_as_text():
    assert engine_option("rec_batch=1") == ("rec_batch", 1)
    assert engine_option("orientation=false") == ("orientation", False)
    assert engine_option("mode=fast") == ("mode", "fast")


def test_an_engine_option_without_a_value_is_refused():
    with pytest.raises(argparse.ArgumentTypeError):
        engine_option("rec_batch")


def test_each_set_of_engine_options_is_run_in_its_own_folder():
    # a run resumed with other options would keep the answers of the first
    assert run_folder_name({}) == "run"
    assert run_folder_name({"rec_batch": 1, "orientation": False}) == "run-orientation=false,rec_batch=1"
    assert run_folder_name({"rec_batch": 1}) != run_folder_name({"rec_batch": 6})

"""The receipt evaluation reads a finished run's ``raw/`` folder as well as plain JSON."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from evals.pipeline import saved_responses
from evals.receipts import response_stem


def test_stems_of_saved_responses_drop_image_and_json_suffixes():
    assert [response_stem(n) for n in ("000.jpg.json.gz", "001.json", "002.jpg.json")] == ["000", "001", "002"]


def test_a_runs_gzipped_raw_response_loads_by_image_path(tmp_path: Path):
    response = {"TextDetections": [], "TextModelVersion": "x"}
    (tmp_path / "007.jpg.json.gz").write_bytes(gzip.compress(json.dumps(response).encode()))
    assert saved_responses(tmp_path)(Path("/anywhere/img/007.jpg")) == response

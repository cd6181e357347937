"""A 200 answer that is not a DetectText response is sent again, never kept, never cached."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from docbatch import run_batch
from docbatch.testing.fake_rekognition import FakeRekognitionServer
from docbatch.testing.faults import Fault

from ..support.bench import Bench, TinyReceiptEngine, sent_forms

GARBAGE = ["html200", "truncated200", "notext200", "null200", "misshapen200"]


@pytest.mark.slow  # a whole batch through servers per kind
@pytest.mark.parametrize("kind", GARBAGE)
def test_a_garbage_200_is_retried_and_the_good_answer_kept(tmp_path, moto_url, aws_env, kind):
    bench = Bench(tmp_path, moto_url=moto_url, docs=3)
    with bench.server(faults=[Fault(kind, first=1)]) as server:
        summary = run_batch(bench.config(bench.manifest(), tmp_path / "out", server))
        calls = len(server.request_log)
    docs = pd.read_parquet(tmp_path / "out" / "documents")
    assert (summary.ok, summary.failed, calls) == (3, 0, 6)
    assert (docs["n_lines"] == 3).all() and (docs["attempts"] == 2).all()


@pytest.mark.slow  # two runs each, ~2 s
@pytest.mark.parametrize("kind", GARBAGE)
def test_only_garbage_fails_retryably_is_not_cached_and_the_next_run_fetches_it(tmp_path, moto_url, aws_env, kind):
    bench = Bench(tmp_path, moto_url=moto_url, docs=2)
    cache = tmp_path / "cache"
    with bench.server(faults=[Fault(kind, every=1)]) as server:
        bad = run_batch(bench.config(bench.manifest(), tmp_path / "out", server, use_cache=True,
                                     cache_dir=str(cache), max_attempts=2))
    assert (bad.ok, bad.failed) == (0, 2)
    assert set(bad.errors) == {"retries_exhausted:invalid_response"}
    assert not list(cache.rglob("*.json.gz"))
    with bench.server() as server:
        good = run_batch(bench.config(bench.manifest(), tmp_path / "out", server, use_cache=True,
                                      cache_dir=str(cache)))
        assert len(server.request_log) == 2
    assert (good.ok, good.failed) == (2, 0)


class _MistypedAnswers(TinyReceiptEngine):
    """Far side whose answer for one image holds a field of the wrong type (an Id that is text
    or past int32, a polygon point that is not a number, text with a lone surrogate, a
    TextModelVersion that is a number): JSON a 200 can carry, whatever the service's
    documentation says."""

    def __init__(self, spoil: str, bad_source: bytes) -> None:
        super().__init__()
        self.spoil, self.bad_forms = spoil, sent_forms(bad_source)

    def detect_text(self, image: Any, document: Any) -> dict[str, Any]:
        answer = super().detect_text(image, document)
        if image.data in self.bad_forms:
            det = answer["TextDetections"][-1]
            if self.spoil == "id":
                det["Id"] = "w7"
            elif self.spoil == "big_id":
                det["ParentId"] = 2**31  # an integer the int32 columns cannot hold
            elif self.spoil == "text":
                det["DetectedText"] = "TOT\ud800AL"  # JSON can carry a lone surrogate escape
            elif self.spoil == "model_version":
                answer["TextModelVersion"] = 3.0  # a number for the documents table's text column
            else:
                det["Geometry"]["Polygon"][0]["X"] = "left"
        return answer


@pytest.mark.slow  # a whole batch through servers per kind
@pytest.mark.parametrize("spoil", ["id", "big_id", "polygon", "text", "model_version"])
def test_a_mistyped_detection_fails_its_own_document_and_the_batch_gets_its_tables(tmp_path, moto_url, aws_env,
                                                                                    spoil):
    bench = Bench(tmp_path, moto_url=moto_url, docs=3)
    manifest = bench.manifest()
    bad = (tmp_path / "img" / "r001.png").read_bytes()
    server = FakeRekognitionServer(engine=_MistypedAnswers(spoil, bad))
    with server:
        summary = run_batch(bench.config(manifest, tmp_path / "out", server, max_attempts=2))
    docs = pd.read_parquet(tmp_path / "out" / "documents").set_index("doc_id")
    assert (summary.ok, summary.failed) == (2, 1)
    assert docs.loc["r001", "error_code"] == "retries_exhausted:invalid_response"
    assert {"id": "Id", "big_id": "ParentId", "polygon": "Polygon", "text": "DetectedText",
            "model_version": "TextModelVersion"}[spoil] \
        in docs.loc["r001", "error_message"]
    assert len(pd.read_parquet(tmp_path / "out" / "receipts")) == 2

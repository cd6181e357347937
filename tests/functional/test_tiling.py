"""Tiling through the real path: boto3, the project's Rekognition-protocol server with its
100-word cap, crops of the prepared bytes, the limiter and the one retry layer, the cache,
the journal and the tables.

The far side is :class:`~tests.support.long_receipt.StripeReceiptEngine`, which reads any
crop of its receipts exactly (a garbled line where a crop cuts one), so the merged answer
can be compared with what the far side reads on the whole image.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from docbatch import RunConfig, run_batch
from docbatch.records import ImageInput
from docbatch.runfolder import RunFolder
from docbatch.testing.fake_rekognition import FakeRekognitionServer
from docbatch.testing.faults import Fault

from ..support.bench import dummy_aws_env
from ..support.long_receipt import (BarReceiptEngine, StripeReceiptEngine, comparable, receipt_jpeg, receipt_png,
                                    receipt_texts)

LONG = receipt_texts(60)  # 202 words: three answers of at most 100
SHORT = receipt_texts(8, total="9.00")  # 46 words: one answer
LONG_TOTAL = "145.50"


@pytest.fixture
def receipts(tmp_path: Path) -> Path:
    """A manifest of the long receipt and a short one, as local PNGs."""
    (tmp_path / "long.png").write_bytes(receipt_png(LONG, receipt=0))
    (tmp_path / "short.png").write_bytes(receipt_png(SHORT, receipt=1))
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("source,doc_type,doc_id\nlong.png,receipt,long\nshort.png,receipt,short\n")
    return manifest


@pytest.fixture(autouse=True)
def _dummy_aws() -> Any:
    with dummy_aws_env():
        yield


def config(manifest: Path, out: Path, server: FakeRekognitionServer, **kw: Any) -> RunConfig:
    base: dict[str, Any] = dict(manifest=str(manifest), out=str(out), engine="rekognition", region="us-east-1",
                                endpoint_url=server.endpoint_url, tps=100, concurrency=2, use_cache=False,
                                backoff_base=0.01, backoff_max=0.05)
    return RunConfig(**{**base, **kw})


def documents(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "documents").set_index("doc_id")


def totals(out: Path) -> dict[str, str]:
    receipts = pd.read_parquet(out / "receipts").set_index("doc_id")
    return {doc_id: f"{total:.2f}" for doc_id, total in receipts["total"].items()}


def whole(engine: StripeReceiptEngine, texts: list[str], receipt: int) -> list[tuple[Any, ...]]:
    """What the far side reads on the whole image, uncapped."""
    return comparable(engine.detect_text(ImageInput(data=receipt_png(texts, receipt=receipt))))


@pytest.mark.slow  # a whole batch through servers: over a second
def test_a_long_receipt_comes_back_whole_through_the_capped_server_with_its_calls_counted(receipts, tmp_path):
    engine = StripeReceiptEngine(LONG, SHORT)
    with FakeRekognitionServer(engine=engine) as server:
        summary = run_batch(config(receipts, tmp_path / "out", server))
        requests = len(server.request_log)
    docs = documents(tmp_path / "out")
    assert docs.loc["long", ["n_words", "tiles", "n_calls", "attempts", "word_cap_hit"]].tolist() == \
        [202, 3, 3, 3, False]
    assert docs.loc["short", ["n_words", "tiles", "n_calls", "word_cap_hit"]].tolist() == [46, 1, 1, False]
    assert totals(tmp_path / "out") == {"long": LONG_TOTAL, "short": "9.00"}
    assert comparable(RunFolder(tmp_path / "out").read_raw("long")) == whole(engine, LONG, 0)
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert requests == summary.engine_calls == run["counts"]["engine_calls"] == 4
    if "calls" in run:  # the rate limiter's own count, when run.json reports it
        assert run["calls"]["calls"] == 4
    if "prep" in docs.columns:  # what preparation did, when the documents table says
        assert "tiled:3" in docs.loc["long", "prep"] and "tiled" not in (docs.loc["short", "prep"] or "")


@pytest.mark.slow  # a run per way the server may choose its 100 words
@pytest.mark.parametrize("order", ["reading", "confidence", "random"])
def test_whatever_words_the_server_keeps_the_receipt_comes_back_whole(receipts, tmp_path, order):
    engine = StripeReceiptEngine(LONG, SHORT)
    with FakeRekognitionServer(engine=engine, word_cap_order=order) as server:
        run_batch(config(receipts, tmp_path / "out", server))
        requests = len(server.request_log)
    docs = documents(tmp_path / "out")
    assert comparable(RunFolder(tmp_path / "out").read_raw("long")) == whole(engine, LONG, 0)
    assert not docs.loc["long", "word_cap_hit"] and totals(tmp_path / "out")["long"] == LONG_TOTAL
    assert requests == docs["n_calls"].sum() == docs["tiles"].sum()


@pytest.mark.slow  # two runs
def test_with_tiling_off_words_are_lost_and_the_receipt_needs_review_for_word_cap(receipts, tmp_path):
    with FakeRekognitionServer(engine=StripeReceiptEngine(LONG, SHORT)) as server:
        run_batch(config(receipts, tmp_path / "off", server, tiling="off"))
        off_requests = len(server.request_log)
    docs = documents(tmp_path / "off")
    assert docs.loc["long", ["n_words", "tiles", "word_cap_hit"]].tolist() == [100, 1, True]
    assert not docs.loc["short", "word_cap_hit"] and off_requests == 2
    rows = pd.read_parquet(tmp_path / "off" / "receipts").set_index("doc_id")
    assert rows.loc["long", "needs_review"] and "word_cap" in rows.loc["long", "review_reason"].split(";")
    assert "word_cap" not in str(rows.loc["short", "review_reason"])
    assert totals(tmp_path / "off")["long"] != LONG_TOTAL


@pytest.mark.slow  # runs against injected faults and a quota
def test_every_tile_goes_through_the_retry_layer_and_the_limiter_and_is_counted(receipts, tmp_path):
    with FakeRekognitionServer(engine=StripeReceiptEngine(LONG, SHORT), faults=[Fault("http503", first=1)],
                               tps=20, burst=1) as server:
        summary = run_batch(config(receipts, tmp_path / "out", server, tps=20, max_attempts=6))
        log = server.request_log
    docs = documents(tmp_path / "out")
    assert docs.loc["long", ["tiles", "n_calls", "word_cap_hit"]].tolist() == [3, 3, False]
    assert docs.loc["long", "attempts"] >= 6  # each tile failed once, then was answered
    assert sum(r.outcome == "ok" for r in log) == docs["n_calls"].sum() == 4
    assert summary.engine_calls == len(log) == docs["attempts"].sum()
    assert totals(tmp_path / "out")["long"] == LONG_TOTAL


@pytest.mark.slow  # three runs
def test_every_tile_is_cached_so_a_rerun_or_a_new_run_pays_none(receipts, tmp_path):
    cache = tmp_path / "cache"
    with FakeRekognitionServer(engine=StripeReceiptEngine(LONG, SHORT)) as server:
        run_batch(config(receipts, tmp_path / "a", server, use_cache=True, cache_dir=str(cache)))
        first = len(server.request_log)
        again = run_batch(config(receipts, tmp_path / "a", server, use_cache=True, cache_dir=str(cache)))
        fresh = run_batch(config(receipts, tmp_path / "b", server, use_cache=True, cache_dir=str(cache)))
        later = len(server.request_log)
    assert (first, later, again.resumed, fresh.engine_calls, fresh.cache_hits) == (4, 4, 2, 0, 2)
    docs = documents(tmp_path / "b")
    assert docs.loc["long", ["tiles", "n_calls", "n_words"]].tolist() == [3, 0, 202]
    assert totals(tmp_path / "b")["long"] == LONG_TOTAL


@pytest.mark.slow  # moto S3
def test_an_s3_object_read_by_the_service_is_downloaded_only_when_it_needs_tiles(tmp_path, moto_url, monkeypatch):
    import boto3

    from docbatch import sources

    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    s3.create_bucket(Bucket="tiles")
    s3.put_object(Bucket="tiles", Key="long.png", Body=receipt_png(LONG, receipt=0))
    s3.put_object(Bucket="tiles", Key="short.png", Body=receipt_png(SHORT, receipt=1))
    manifest = tmp_path / "m.csv"
    manifest.write_text("source,doc_type,doc_id\ns3://tiles/long.png,receipt,long\ns3://tiles/short.png,receipt,short\n")
    downloads: list[str] = []
    read = sources.S3Reader.read

    def counted(self: Any, location: Any, *a: Any, **kw: Any) -> bytes:
        downloads.append(location.key)
        return read(self, location, *a, **kw)

    monkeypatch.setattr(sources.S3Reader, "read", counted)
    with FakeRekognitionServer(engine=StripeReceiptEngine(LONG, SHORT), s3_endpoint_url=moto_url) as server:
        run_batch(config(manifest, tmp_path / "out", server, s3_endpoint_url=moto_url))
        keys = [r.image_key for r in server.request_log]
    from docbatch.testing.fake_rekognition import image_key

    assert downloads == ["long.png"]  # the short one went as an S3Object only
    assert keys.count(image_key("s3://tiles/long.png")) == 1 and keys.count(image_key("s3://tiles/short.png")) == 1
    assert len(keys) == 4 and totals(tmp_path / "out") == {"long": LONG_TOTAL, "short": "9.00"}
    assert documents(tmp_path / "out").loc["long", "tiles"] == 3


@pytest.mark.slow  # a batch through moto S3 and the capped server
def test_a_phone_photo_on_s3_turned_by_exif_is_tiled_from_its_upright_pixels(tmp_path, moto_url):
    """The service reads an S3 JPEG upright (EXIF orientation), so its first answer is in the
    upright frame: the tiles must be cut from the upright image too, never from the stored
    sideways pixels.  The same receipt stored upright is the reference."""
    import boto3

    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    s3.create_bucket(Bucket="photos")
    s3.put_object(Bucket="photos", Key="turned.jpg", Body=receipt_jpeg(LONG, orientation=6))
    s3.put_object(Bucket="photos", Key="upright.jpg", Body=receipt_jpeg(LONG))
    manifest = tmp_path / "m.csv"
    manifest.write_text("source,doc_type,doc_id\ns3://photos/turned.jpg,receipt,turned\n"
                        "s3://photos/upright.jpg,receipt,upright\n")
    engine = BarReceiptEngine(LONG)
    with FakeRekognitionServer(engine=engine, s3_endpoint_url=moto_url) as server:
        summary = run_batch(config(manifest, tmp_path / "out", server, s3_endpoint_url=moto_url))
    folder, docs = RunFolder(tmp_path / "out"), documents(tmp_path / "out")
    assert summary.ok == 2
    assert docs.loc["turned", ["n_words", "tiles", "word_cap_hit"]].tolist() == [202, 3, False]
    assert comparable(folder.read_raw("turned"), 6) == comparable(folder.read_raw("upright"), 6) \
        == comparable(engine.detect_text(ImageInput(data=receipt_jpeg(LONG))), 6)
    assert totals(tmp_path / "out") == {"turned": LONG_TOTAL, "upright": LONG_TOTAL}


@pytest.mark.slow  # a real `docbatch run` child process, SIGKILLed between two tiles, then a second run
def test_a_sigkill_between_tiles_then_a_rerun_repays_no_tile(tmp_path):
    (tmp_path / "long.png").write_bytes(receipt_png(LONG))
    manifest = tmp_path / "m.csv"
    manifest.write_text("source,doc_type,doc_id\nlong.png,receipt,long\n")
    out, cache = tmp_path / "out", tmp_path / "cache"
    # The third request (the third tile) stalls until the server stops: the kill lands while it is
    # in flight, however late this process sees it arrive (a fixed latency let a slow poll miss it).
    stall = Fault("slow", every=3, seconds=120)
    with FakeRekognitionServer(engine=StripeReceiptEngine(LONG), faults=[stall]) as server:
        def cli() -> subprocess.Popen[str]:
            return subprocess.Popen(
                [sys.executable, "-m", "docbatch.cli", "run", "--manifest", str(manifest), "--out", str(out),
                 "--engine", "rekognition", "--region", "us-east-1", "--endpoint-url", server.endpoint_url,
                 "--cache-dir", str(cache), "--tps", "50"],
                cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                env={**os.environ, "TMPDIR": str(tmp_path)})  # a SIGKILLed child leaves its temp folder

        child = cli()
        deadline = time.monotonic() + 60
        while len(server.request_log) < 3 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.01)  # the third tile is asked for: the first two are answered and cached
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)
        before = server.request_log
        rerun = cli()
        _, err = rerun.communicate(timeout=120)
        after = server.request_log[len(before):]
    assert child.returncode == -signal.SIGKILL and len(before) == 3, err
    assert rerun.returncode == 0, err
    paid = {r.image_key for r in before[:2]}
    assert not paid & {r.image_key for r in after}  # no answered tile was asked for again
    assert [r.image_key for r in after] == [before[2].image_key]  # only the one the kill cut off
    docs = documents(out)
    assert docs.loc["long", ["tiles", "n_calls", "n_words", "word_cap_hit"]].tolist() == [3, 1, 202, False]
    assert totals(out)["long"] == LONG_TOTAL


@pytest.mark.slow  # two command-line runs
def test_the_command_line_tiles_a_replayed_capped_service_and_tiling_off_keeps_the_cap(tmp_path):
    from click.testing import CliRunner

    from docbatch.cli import main

    engine = StripeReceiptEngine(LONG)
    (tmp_path / "saved").mkdir()
    (tmp_path / "saved" / "long.json").write_text(
        json.dumps(engine.detect_text(ImageInput(data=receipt_png(LONG)))))
    (tmp_path / "m.csv").write_text("source,doc_type,doc_id\nlong.png,receipt,long\n")
    (tmp_path / "job.toml").write_text(
        '[job]\nmanifest = "m.csv"\nengine = "replay"\nreplay_dir = "saved"\nengine_options = {word_cap = 100}\n')
    for out, extra in (("on", []), ("off", ["--tiling", "off"])):
        result = CliRunner().invoke(main, ["run", str(tmp_path / "job.toml"), "--out", str(tmp_path / out), *extra])
        assert result.exit_code == 0, result.output
    on, off = documents(tmp_path / "on"), documents(tmp_path / "off")
    assert on.loc["long", ["n_words", "tiles", "word_cap_hit"]].tolist() == [202, 3, False]
    assert off.loc["long", ["n_words", "tiles", "word_cap_hit"]].tolist() == [100, 1, True]


@pytest.mark.slow  # two runs
def test_the_prep_column_records_tiling_as_a_known_step_whatever_the_engine(receipts, tmp_path):
    """Bytes cropped by a service engine and saved words cut by the replay engine alike:
    ``tiled:<answers>``, one of PREP_STEPS; a document read whole says nothing of tiling."""
    from docbatch.prep import PREP_STEPS

    engine = StripeReceiptEngine(LONG, SHORT)
    (tmp_path / "saved").mkdir()
    for name, texts, receipt in (("long", LONG, 0), ("short", SHORT, 1)):
        (tmp_path / "saved" / f"{name}.json").write_text(
            json.dumps(engine.detect_text(ImageInput(data=receipt_png(texts, receipt=receipt)))))
    with FakeRekognitionServer(engine=engine) as server:
        run_batch(config(receipts, tmp_path / "bytes", server))
    run_batch(RunConfig(manifest=str(receipts), out=str(tmp_path / "replay"), engine="replay",
                        replay_dir=str(tmp_path / "saved"), engine_options={"word_cap": 100}, use_cache=False))
    for out in ("bytes", "replay"):
        prep = documents(tmp_path / out)["prep"].fillna("")
        steps = {name: [s.split(":")[0] for s in value.split("; ") if s] for name, value in prep.items()}
        assert "tiled:3" in prep["long"].split("; ") and "tiled" not in steps["short"], out
        assert {s for found in steps.values() for s in found} <= set(PREP_STEPS), out

"""Real Rekognition responses re-parsed through the replay engine round-trip into the tables."""

from __future__ import annotations

import csv
import json
import shutil

import pandas as pd
import pytest

from docbatch import RunConfig, run_batch
from docbatch.reparse import reparse_run

from ..conftest import shared
from ..support import packs
from ..support.responses import response_from_rows


def test_real_rekognition_detections_round_trip(tmp_path):
    src = shared("rekognition-detecttext")
    replay = tmp_path / "replay"
    replay.mkdir()
    names = ["aws-sample-response1", "aws-sample-response2"]
    for n in names:
        shutil.copy(src / f"{n}.json", replay / f"{n}.json")
    manifest = tmp_path / "m.csv"
    with open(manifest, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "doc_type"])
        for n in names:
            w.writerow([f"s3://never-read/{n}.jpg", "receipt"])
    summary = run_batch(RunConfig(manifest=str(manifest), out=str(tmp_path / "out"), engine="replay",
                                  replay_dir=str(replay), use_cache=False))
    assert summary.ok == 2
    det = pd.read_parquet(tmp_path / "out" / "detections")
    for n in names:
        original = json.loads((src / f"{n}.json").read_text())["TextDetections"]
        mine = det[det["doc_id"] == n].sort_values("id")
        assert len(mine) == len(original)
        first = original[0]
        row = mine.iloc[0]
        assert row["text"] == first["DetectedText"] and row["type"] == first["Type"]
        assert abs(row["left"] - first["Geometry"]["BoundingBox"]["Left"]) < 1e-6
        assert len(row["polygon"]) == len(first["Geometry"]["Polygon"])
    docs = pd.read_parquet(tmp_path / "out" / "documents").set_index("doc_id")
    assert docs.loc[names[0], "text_model_version"] == "3.0"
    assert docs["n_words"].gt(0).all()


def replay_config(tmp_path, sources: list[str]) -> RunConfig:
    """A replay run over ``sources`` where only ``a`` has a saved (empty) response."""
    replay = tmp_path / "replay"
    replay.mkdir()
    (replay / "a.json").write_text(json.dumps({"TextDetections": [], "TextModelVersion": "3.0"}))
    manifest = tmp_path / "m.csv"
    manifest.write_text("source\n" + "".join(f"{s}\n" for s in sources))
    return RunConfig(manifest=str(manifest), out=str(tmp_path / "out"), engine="replay", replay_dir=str(replay),
                     use_cache=False)


def test_a_missing_saved_response_fails_only_that_document(tmp_path):
    summary = run_batch(replay_config(tmp_path, ["x/a.png", "x/b.png"]))
    docs = pd.read_parquet(tmp_path / "out" / "documents").set_index("doc_id")
    assert docs.loc["a", "status"] == "ok"
    assert docs.loc["b", "error_code"] == "replay_missing"
    assert summary.exit_code == 3


@pytest.mark.parametrize("answer", [
    '{"TextDetections": {"Type": "LINE"}}',
    '{"TextDetections": [{"Type": "LINE", "DetectedText": "TOTAL 1.00", "Id": 0, "Confidence": NaN}]}',
], ids=["detections-an-object", "nan-confidence"])
def test_a_saved_response_the_answer_check_refuses_fails_its_document_at_once(tmp_path, answer):
    """A file reads the same on every attempt: before, it was ``invalid_response`` and sent through the
    retry layer's eight attempts and their backoff (seconds per document), then called transient."""
    cfg = replay_config(tmp_path, ["x/a.png", "x/b.png"])
    (tmp_path / "replay" / "b.json").write_text(answer)
    summary = run_batch(cfg)
    docs = pd.read_parquet(tmp_path / "out" / "documents").set_index("doc_id")
    assert (docs.loc["a", "status"], summary.exit_code) == ("ok", 3)
    assert (docs.loc["b", "error_code"], docs.loc["b", "attempts"]) == ("bad_replay_file", 1)
    assert docs.loc["b", "error_message"].startswith("saved response b.json: the answer ")


@pytest.mark.slow  # starts a pool of parser worker processes
def test_parsing_in_worker_processes_gives_the_same_tables_as_in_one(tmp_path):
    from docbatch.config import OutputSettings, ParseSettings
    from docbatch.outputs import build_outputs
    from docbatch.runfolder import RunFolder
    from docbatch.state import Journal

    src = shared("rekognition-detecttext")
    replay = tmp_path / "replay"
    replay.mkdir()
    rows = []
    for i in range(40):
        name = f"aws-sample-response{1 + i % 2}"
        shutil.copy(src / f"{name}.json", replay / f"doc{i}.json")
        rows.append(f"scans/doc{i}.jpg,receipt,{i % 3}")
    manifest = tmp_path / "m.csv"
    manifest.write_text("source,doc_type,team\n" + "\n".join(rows) + "\n")
    out = tmp_path / "out"
    summary = run_batch(RunConfig(manifest=str(manifest), out=str(out), engine="replay", replay_dir=str(replay),
                                  use_cache=False))
    serial = {t: pd.read_parquet(out / t) for t in ("documents", "receipts", "receipt_items", "detections")}
    journal = Journal(out / "state.sqlite")
    try:
        build_outputs(journal.rows(summary.run_id), folder=RunFolder(out), run_id=summary.run_id, n_docs=40,
                      output=OutputSettings(formats=("parquet",)), parse=ParseSettings(),
                      passthrough_columns=["team"], workers=2)
    finally:
        journal.close()
    for table, before in serial.items():
        pd.testing.assert_frame_equal(pd.read_parquet(out / table), before)


def test_a_corrupt_saved_response_is_reported_then_fetched_again_on_the_next_run(tmp_path):
    cfg = replay_config(tmp_path, ["x/a.png"])
    assert run_batch(cfg).exit_code == 0
    packs.damage(tmp_path / "out", "a")
    second = run_batch(cfg)
    docs = pd.read_parquet(tmp_path / "out" / "documents")
    assert (second.exit_code, docs.loc[0, "error_code"]) == (3, "raw_response_missing")
    third = run_batch(cfg)
    assert (third.exit_code, third.processed) == (0, 1)
    assert pd.read_parquet(tmp_path / "out" / "documents").loc[0, "status"] == "ok"


def poisoned_run(tmp_path) -> RunConfig:
    """A finished replay run of a, b, c whose saved answer for b has a ParentId past int32."""
    replay = tmp_path / "replay"
    replay.mkdir()
    good = response_from_rows([("KOPI KING", 0.1, 0.1), ("TOTAL 8.20", 0.1, 0.3)])
    for doc_id in "abc":
        (replay / f"{doc_id}.json").write_text(json.dumps(good))
    manifest = tmp_path / "m.csv"
    manifest.write_text("source\nx/a.png\nx/b.png\nx/c.png\n")
    cfg = RunConfig(manifest=str(manifest), out=str(tmp_path / "out"), engine="replay", replay_dir=str(replay),
                    use_cache=False)
    assert run_batch(cfg).exit_code == 0
    good["TextDetections"][-1]["ParentId"] = 2**31
    packs.resave(tmp_path / "out", "b", good)
    return cfg


def test_a_saved_answer_a_later_check_refuses_fails_its_document_alone_and_is_asked_again_once(tmp_path):
    """A folder holding an answer saved before docbatch refused it at call time (a ParentId
    past int32, now ``invalid_response``) stopped every table build of the folder, run or reparse."""
    cfg = poisoned_run(tmp_path)
    second = run_batch(cfg)
    docs = pd.read_parquet(tmp_path / "out" / "documents").set_index("doc_id")
    assert (second.exit_code, second.errors) == (3, {"raw_response_invalid": 1})
    assert docs.loc["b", "error_code"] == "raw_response_invalid"
    assert "ParentId is past the int32 range" in docs.loc["b", "error_message"]
    assert list(docs["status"]) == ["ok", "failed", "ok"]
    assert set(pd.read_parquet(tmp_path / "out" / "detections")["doc_id"]) == {"a", "c"}
    third = run_batch(cfg)
    assert (third.exit_code, third.processed) == (0, 1)
    assert (run_batch(cfg).exit_code, run_batch(cfg).processed) == (0, 0)


def test_reparse_of_a_folder_holding_a_refused_saved_answer_builds_the_other_documents(tmp_path):
    cfg = poisoned_run(tmp_path)
    counts = reparse_run(tmp_path / "out")
    docs = pd.read_parquet(tmp_path / "out" / "documents").set_index("doc_id")
    assert (counts["documents"], docs.loc["b", "error_code"]) == (3, "raw_response_invalid")
    assert run_batch(cfg).processed == 1  # the next run asks for b again


def test_reparse_that_finds_an_unusable_saved_answer_says_so_in_run_json(tmp_path):
    """docbatch merge sums the shards' run.json counts and takes their worst exit code: a
    reparse that failed a document left them saying every document was ok, exit 0."""
    poisoned_run(tmp_path)
    reparse_run(tmp_path / "out")
    meta = json.loads((tmp_path / "out" / "run.json").read_text())
    assert (meta["counts"]["ok"], meta["counts"]["failed"], meta["exit_code"]) == (2, 1, 3)
    assert meta["errors"] == {"raw_response_invalid": 1}


def test_a_run_folders_raw_folder_replays_its_packed_answers(tmp_path):
    """``--replay-dir out/raw`` (the folder of a run's answers itself, as the engine table
    of the README names it) replays the answers packed there, as ``--replay-dir out`` does."""
    first = run_batch(replay_config(tmp_path, ["x/a.png"]))
    assert first.ok == 1
    again = RunConfig(manifest=str(tmp_path / "m.csv"), out=str(tmp_path / "again"), engine="replay",
                      replay_dir=str(tmp_path / "out" / "raw"), use_cache=False)
    summary = run_batch(again)
    docs = pd.read_parquet(tmp_path / "again" / "documents")
    assert (summary.ok, docs["status"].tolist()) == (1, ["ok"])


@pytest.mark.parametrize("formats", ["xml", ",", "parquet,xlsx"])
def test_reparse_with_an_unknown_format_is_refused_and_leaves_the_folder_as_it_was(tmp_path, formats):
    """Before, a KeyError traceback from the table writers, after the folder was locked and a
    staging build begun (left behind)."""
    from click.testing import CliRunner

    from docbatch.cli import main

    assert run_batch(replay_config(tmp_path, ["x/a.png"])).exit_code == 0
    out = tmp_path / "out"
    before = sorted(p.name for p in out.iterdir())
    result = CliRunner().invoke(main, ["reparse", str(out), "--format", formats])
    assert result.exit_code == 2 and result.output.startswith("docbatch: error: unknown output format(s)"), result.output
    assert sorted(p.name for p in out.iterdir()) == before

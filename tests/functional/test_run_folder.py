"""The run folder names files from doc_ids one way, so a run folder replays as it is."""

from __future__ import annotations

import csv
import json
import shutil

import pandas as pd

from docbatch import RunConfig, run_batch
from docbatch.runfolder import RunFolder

from ..conftest import shared

#: doc_ids that are not safe file names: each is saved under a sanitised name plus a hash.
AWKWARD_IDS = ["scan 01#a", "scan_01_a", "r/ü 2?.png"]


def _manifest(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "doc_type", "doc_id"])
        w.writerows(rows)


def _first_run(tmp_path):
    """A replay run of two real Rekognition responses under awkward doc_ids."""
    src = shared("rekognition-detecttext")
    saved = tmp_path / "saved"
    saved.mkdir()
    rows = []
    for i, doc_id in enumerate(AWKWARD_IDS):
        stem = f"resp{i}"
        shutil.copy(src / f"aws-sample-response{1 + i % 2}.json", saved / f"{stem}.json")
        rows.append([f"s3://never-read/{stem}.jpg", "receipt", doc_id])
    _manifest(tmp_path / "m.csv", rows)
    out = tmp_path / "first"
    summary = run_batch(RunConfig(manifest=str(tmp_path / "m.csv"), out=str(out), engine="replay",
                                  replay_dir=str(saved), use_cache=False))
    assert summary.ok == len(AWKWARD_IDS)
    return out


def test_a_run_folder_replays_for_doc_ids_that_are_not_file_names(tmp_path):
    first = _first_run(tmp_path)
    # The same ids, sources the replay cannot match by file stem: only raw/ by doc_id can answer.
    _manifest(tmp_path / "again.csv", [[f"/elsewhere/other{i}.jpg", "receipt", d] for i, d in enumerate(AWKWARD_IDS)])
    second = tmp_path / "second"
    summary = run_batch(RunConfig(manifest=str(tmp_path / "again.csv"), out=str(second), engine="replay",
                                  replay_dir=str(first), use_cache=False))
    assert (summary.ok, summary.failed) == (len(AWKWARD_IDS), 0)
    cols = ["doc_id", "id", "type", "text", "left", "top"]
    before = pd.read_parquet(first / "detections")[cols].sort_values(["doc_id", "id"]).reset_index(drop=True)
    after = pd.read_parquet(second / "detections")[cols].sort_values(["doc_id", "id"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(before, after)


def test_distinct_awkward_ids_never_share_a_saved_response(tmp_path):
    names = {RunFolder(tmp_path).raw_path(d) for d in AWKWARD_IDS}
    assert len(names) == len(AWKWARD_IDS)
    assert all("/raw/" in n and ".." not in n for n in names)


def test_a_doc_id_cannot_name_a_file_outside_the_replay_folder(tmp_path):
    outside = tmp_path / "secret.json"
    outside.write_text(json.dumps({"TextDetections": [], "TextModelVersion": "3.0"}))
    replay = tmp_path / "replay" / "inner"
    replay.mkdir(parents=True)
    _manifest(tmp_path / "m.csv", [["/x/nothing.jpg", "receipt", "../../secret"]])
    summary = run_batch(RunConfig(manifest=str(tmp_path / "m.csv"), out=str(tmp_path / "out"), engine="replay",
                                  replay_dir=str(replay), use_cache=False))
    docs = pd.read_parquet(tmp_path / "out" / "documents")
    assert summary.failed == 1 and docs["error_code"].tolist() == ["replay_missing"]


def test_saved_responses_are_gzip_json_lines_that_any_tool_reads_naming_their_document(tmp_path):
    import gzip

    first = _first_run(tmp_path)
    (pack,) = (first / "raw").iterdir()  # one pack for the run, not a file per answer
    answers = [json.loads(line) for line in gzip.decompress(pack.read_bytes()).splitlines()]
    assert sorted(a["Docbatch"]["doc_id"] for a in answers) == sorted(AWKWARD_IDS)
    assert all("TextDetections" in a for a in answers)

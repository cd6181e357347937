"""A run that writes its tables in other formats than the folder's last build leaves no table
of the formats it dropped: a reader of ``receipts/`` would take the old build's rows (another
batch's, after ``--replace``) for this run's."""

from __future__ import annotations

import uuid

import boto3
import pandas as pd
import pytest

from docbatch import RunConfig, run_batch

from ..support.bench import Bench

pytestmark = pytest.mark.slow  # whole batches against loopback servers

BUCKET = "docbatch-format-change"


def _two_batches(bench: Bench, out: str, **kw) -> None:
    """The bench's batch as Parquet, then another batch (its first 2 rows) --replace'd in as CSV."""
    manifest = bench.manifest()
    rows = manifest.read_text().splitlines()
    other = manifest.with_name("other.csv")
    other.write_text("\n".join(rows[:3]) + "\n")
    with bench.server() as server:
        run_batch(bench.config(manifest, out, server, formats=("parquet",), **kw))
        run_batch(bench.config(other, out, server, formats=("csv",), replace=True, **kw))


@pytest.mark.parametrize("shard", [None, "0/1"], ids=["unsharded", "sharded"])
def test_a_local_folder_keeps_no_table_of_a_format_the_last_build_did_not_write(tmp_path, moto_url, aws_env, shard):
    bench = Bench(tmp_path, moto_url=moto_url, docs=6)
    out = tmp_path / "out"
    _two_batches(bench, str(out), shard=shard)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.parquet")) == []
    assert len(pd.concat(pd.read_csv(p) for p in (out / "csv" / "documents").rglob("*.csv"))) == 2


def test_an_s3_folder_keeps_no_table_of_a_format_the_last_build_did_not_write(tmp_path, moto_url, aws_env):
    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    prefix = f"runs/{uuid.uuid4().hex[:6]}/"
    bench = Bench(tmp_path, moto_url=moto_url, docs=6)
    _two_batches(bench, f"s3://{BUCKET}/{prefix}")
    keys = [o["Key"][len(prefix):] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
            for o in page.get("Contents", ())]
    assert [k for k in keys if k.split("/")[0] in ("receipts", "documents", "detections", "ids", "receipt_items",
                                                         "_symlink_format_manifest")] == []
    assert any(k.startswith("csv/documents/") for k in keys)


def test_a_local_folder_keeps_no_empty_csv_folder_once_csv_is_dropped(tmp_path):
    """``--format parquet`` after a Parquet and CSV run: ``ls out`` must not show a ``csv/``
    that holds nothing (before, the tables and csv/failed.csv went, their folder stayed)."""
    replay = tmp_path / "replay"
    replay.mkdir()
    (replay / "a.json").write_text('{"TextDetections": [], "TextModelVersion": "3.0"}')
    (tmp_path / "m.csv").write_text("source\nx/a.png\n")
    out = tmp_path / "out"
    for formats in (("parquet", "csv"), ("parquet",)):
        run_batch(RunConfig(manifest=str(tmp_path / "m.csv"), out=str(out), engine="replay", replay_dir=str(replay),
                            use_cache=False, formats=formats))
    assert not (out / "csv").exists()
    assert (out / "documents").is_dir()

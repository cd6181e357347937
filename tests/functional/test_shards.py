"""A run split in shards into one run folder (local, and S3 on moto) equals the run of one
process row for row: every manifest row once, no paid call twice, `docbatch merge` whole."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import boto3
import pandas as pd
import pytest
from PIL import Image

from docbatch import run_batch
from docbatch.errors import ConfigError, ShardsIncomplete
from docbatch.merge import merge_shards
from docbatch.shards import of

from ..support.bench import Bench, count_calls, load_table, table_differences, text_image, write_manifest
from ..support.formats import multipage_tiff

# Whole batches against loopback servers, some in child processes.
pytestmark = pytest.mark.slow

DOCS = 16
BUCKET = "docbatch-shards"


def _manifest(root: Path) -> Path:
    """16 receipts, a row that is malformed and a 3-page TIFF (its pages must stay together)."""
    (root / "img").mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(DOCS):
        (root / "img" / f"r{i:03d}.png").write_bytes(text_image(f"shard receipt {i}"))
        rows.append({"source": f"img/r{i:03d}.png", "doc_type": "receipt", "cost_center": f"{i:04d}"})
    pages = [Image.open(io.BytesIO(text_image(f"statement page {n}", size=(400, 160)))) for n in range(3)]
    (root / "img" / "statement.tif").write_bytes(multipage_tiff(pages))
    rows += [{"source": "img/statement.tif", "doc_type": "receipt", "doc_id": "statement"},
             {"source": "", "doc_type": "receipt", "doc_id": "empty-row"}]
    return write_manifest(root / "manifest.csv", rows, columns=["source", "doc_type", "doc_id", "cost_center"])


@pytest.fixture
def bench(tmp_path, moto_url, aws_env):
    return Bench(tmp_path, moto_url=moto_url)


def _single(bench: Bench, manifest: Path) -> Path:
    out = bench.folder("single")
    with bench.server() as server:
        run_batch(bench.config(manifest, out, server))
    return out


def test_four_shards_equal_one_process_row_for_row_and_pay_no_call_twice(bench, tmp_path):
    manifest = _manifest(tmp_path)
    single = _single(bench, manifest)
    out = bench.folder("sharded")
    with bench.server() as server:
        summaries = [run_batch(bench.config(manifest, out, server, shard=f"{i}/4")) for i in range(4)]
        calls = count_calls(server.request_log)
    assert table_differences(out, single) == []
    docs = pd.read_parquet(out / "documents")
    assert docs["doc_id"].is_unique and len(docs) == DOCS + 3 + 1
    assert (calls.requests, calls.repeated) == (DOCS + 3, 0)
    assert sum(s.total for s in summaries) == DOCS + 3 + 1
    parts = {p.name for p in (out / "documents").iterdir()}
    assert parts == {f"shard-{i}-of-4-part-00000.parquet" for i in range(4)}
    import duckdb

    assert duckdb.sql(f"SELECT count(*), count(DISTINCT doc_id) FROM '{out}/receipts/*.parquet'").fetchall() == [(
        DOCS + 3, DOCS + 3)]
    pages = pd.read_parquet(out / "documents" / f"shard-{of('statement', 4)}-of-4-part-00000.parquet")
    assert {"statement#p1", "statement#p2", "statement#p3"} <= set(pages["doc_id"])


def test_a_shard_run_again_resumes_and_leaves_the_other_shards_parts_alone(bench, tmp_path):
    manifest = _manifest(tmp_path)
    out = bench.folder("sharded")
    with bench.server() as server:
        for i in range(4):
            run_batch(bench.config(manifest, out, server, shard=f"{i}/4"))
        others = {p.name: p.read_bytes() for p in (out / "receipts").iterdir() if not p.name.startswith("shard-2")}
        again = run_batch(bench.config(manifest, out, server, shard="2/4"))
        assert len(server.request_log) == DOCS + 3  # nothing paid again
    assert again.engine_calls == 0 and again.processed == again.failed  # only a malformed row is noted again
    assert {p.name: p.read_bytes() for p in (out / "receipts").iterdir() if p.name in others} == others
    assert pd.read_parquet(out / "documents")["doc_id"].is_unique


def test_four_concurrent_shard_processes_fill_one_folder_and_merge_says_it_is_whole(bench, tmp_path):
    manifest = _manifest(tmp_path)
    single = _single(bench, manifest)
    out = bench.folder("sharded")
    with bench.server(latency=0.02) as server:
        procs = [bench.cli(manifest, out, server, "--no-cache", "--shard", f"{i}/4") for i in range(4)]
        results = [p.communicate(timeout=300) for p in procs]
        calls = count_calls(server.request_log)
    codes = [p.returncode for p in procs]
    assert codes[of("empty-row", 4)] == 3 and sorted(codes) == [0, 0, 0, 3], results  # the malformed row's shard
    assert (calls.requests, calls.repeated) == (DOCS + 3, 0)
    assert table_differences(out, single) == []
    merged = subprocess.run([sys.executable, "-m", "docbatch.cli", "merge", str(out)], capture_output=True,
                            text=True, timeout=120)
    assert merged.returncode == 0, merged.stderr
    assert "4 shards complete: 20 documents" in merged.stdout
    run = json.loads((out / "run.json").read_text())
    assert run["counts"]["total"] == DOCS + 4 and len(run["shards"]) == 4
    shard_counts = [json.loads((out / "shards" / f"{i}-of-4" / "run.json").read_text())["counts"] for i in range(4)]
    assert run["counts"] == {k: sum(c[k] for c in shard_counts) for k in shard_counts[0]}  # every count, summed
    shard_runs = [json.loads((out / "shards" / f"{i}-of-4" / "run.json").read_text())["timings"] for i in range(4)]
    assert run["timings"] == {"started_at": min(t["started_at"] for t in shard_runs),
                              "finished_at": max(t["finished_at"] for t in shard_runs)}
    failed = pd.read_csv(out / "failed.csv", dtype=str)
    assert list(failed["doc_id"]) == ["empty-row"]


def test_merge_names_the_shard_that_has_not_run_or_did_not_finish(bench, tmp_path):
    manifest = _manifest(tmp_path)
    out = bench.folder("sharded")
    with bench.server() as server:
        for i in (0, 1, 3):
            run_batch(bench.config(manifest, out, server, shard=f"{i}/4"))
        with pytest.raises(ShardsIncomplete, match=r"shard 2/4 has not run"):
            merge_shards(str(out))
        stop = threading.Event()
        stop.set()  # stopped before its first document: the run is interrupted
        run_batch(bench.config(manifest, out, server, shard="2/4"), stop=stop)
        with pytest.raises(ShardsIncomplete, match=r"shard 2/4 did not complete .* interrupted"):
            merge_shards(str(out))
        run_batch(bench.config(manifest, out, server, shard="2/4"))
    assert merge_shards(str(out)).counts["total"] == DOCS + 4
    assert json.loads((out / "run.json").read_text())["outcome"] == "completed"


def test_merge_refuses_shards_that_read_different_contents_of_the_manifest_and_names_those_to_rerun(
        bench, tmp_path):
    """A prefix listed again, or a manifest file edited, between the shards' runs (an AWS Batch
    child retried an hour later): rows the earlier shards never saw would be lost in silence."""
    manifest = _manifest(tmp_path)
    out = bench.folder("sharded")
    with bench.server() as server:
        for i in range(4):
            run_batch(bench.config(manifest, out, server, shard=f"{i}/4"))
        late = [f"late-{n}" for n in range(12)]
        for name in late:
            (tmp_path / "img" / f"{name}.png").write_bytes(text_image(name))
        with manifest.open("a") as fh:
            fh.writelines(f"img/{name}.png,receipt,{name},\n" for name in late)
        assert {of(name, 4) for name in late} == {0, 1, 2, 3}
        run_batch(bench.config(manifest, out, server, shard="1/4"))  # the retried child reads the new rows
        with pytest.raises(ShardsIncomplete, match=r"different contents of the manifest.*re-run shard 0/4, "
                                                   r"2/4, 3/4"):
            merge_shards(str(out))
        assert not (out / "run.json").exists()
        for i in (0, 2, 3):
            run_batch(bench.config(manifest, out, server, shard=f"{i}/4"))
    assert merge_shards(str(out)).counts["total"] == DOCS + 4 + len(late)
    assert set(late) <= set(pd.read_parquet(out / "documents")["doc_id"])


def test_shards_given_the_same_manifest_by_other_paths_merge(bench, tmp_path, monkeypatch):
    """Array children started in other folders name one manifest file by other paths (relative
    here, absolute there); the rows they read are the same (their manifest_sha256), so the split
    is whole."""
    manifest = _manifest(tmp_path)
    out = bench.folder("sharded")
    monkeypatch.chdir(tmp_path)
    with bench.server() as server:
        for i in range(4):
            run_batch(bench.config(manifest if i % 2 else Path(manifest.name), out, server, shard=f"{i}/4"))
    assert merge_shards(str(out)).counts["total"] == DOCS + 4


def test_merge_refuses_shards_whose_tables_were_built_with_other_settings_and_names_them(bench, tmp_path):
    """One child re-run by hand without the job definition's DOCBATCH_REDACT: its shard's ids
    and detections are plain text beside the others' hashes, and run.json would say redacted."""
    manifest = _manifest(tmp_path)
    out = bench.folder("sharded")
    with bench.server() as server:
        for i in range(4):
            run_batch(bench.config(manifest, out, server, shard=f"{i}/4", redact=i != 2, date_order="DMY"))
        with pytest.raises(ShardsIncomplete, match=r"other table settings: redact \(shard 2/4: False; "
                                                   r"shards 0/4, 1/4, 3/4: True\).*re-run"):
            merge_shards(str(out))
        assert not (out / "run.json").exists()
        calls = len(server.request_log)
        run_batch(bench.config(manifest, out, server, shard="2/4", redact=True, date_order="DMY"))
        assert len(server.request_log) == calls
    assert merge_shards(str(out)).counts["total"] == DOCS + 4
    assert json.loads((out / "run.json").read_text())["config"]["redact"] is True


def test_merge_refuses_shards_that_differ_in_any_table_setting_and_names_it(bench, tmp_path):
    """Every option the tables are built with (``config.TABLE_SETTINGS``, the one list a run and a
    re-parse record by): a shard whose run.json names another value for one is refused, by name."""
    from docbatch.config import TABLE_SETTINGS

    manifest = _manifest(tmp_path)
    out = bench.folder("sharded")
    with bench.server() as server:
        for i in range(2):
            run_batch(bench.config(manifest, out, server, shard=f"{i}/2"))
    shard_json = out / "shards" / "1-of-2" / "run.json"
    built = json.loads(shard_json.read_text())
    for key in TABLE_SETTINGS:
        shard_json.write_text(json.dumps({**built, "config": {**built["config"], key: "another"}}))
        with pytest.raises(ShardsIncomplete, match=rf"other table settings: {key} \(shard 0/2: .*; shard 1/2: another\)"):
            merge_shards(str(out))
    shard_json.write_text(json.dumps(built))
    assert merge_shards(str(out)).counts["total"] == DOCS + 4


def test_shards_written_as_csv_only_merge_by_their_csv_parts(bench, tmp_path):
    """Without Parquet parts merge counts each shard's rows and doc_ids in its CSV parts."""
    manifest = _manifest(tmp_path)
    out = bench.folder("sharded")
    with bench.server() as server:
        for i in range(4):
            run_batch(bench.config(manifest, out, server, shard=f"{i}/4", formats=("csv",)))
    assert not (out / "documents").exists()
    result = merge_shards(str(out))
    assert result.counts["total"] == DOCS + 4 and result.tables["documents"] == DOCS + 4


def test_another_split_or_an_unsharded_run_is_refused_in_a_split_folder(bench, tmp_path):
    manifest = _manifest(tmp_path)
    out = bench.folder("sharded")
    with bench.server() as server:
        run_batch(bench.config(manifest, out, server, shard="0/4"))
        with pytest.raises(ConfigError, match="split in 4 shards, not 3"):
            run_batch(bench.config(manifest, out, server, shard="0/3"))
        with pytest.raises(ConfigError, match="--shard i/4"):
            run_batch(bench.config(manifest, out, server))
        assert len(server.request_log) == len(pd.read_parquet(out / "documents").query("status == 'ok'"))


def test_aws_batch_array_variables_select_the_shard_and_an_option_wins(bench, tmp_path, monkeypatch):
    manifest = _manifest(tmp_path)
    monkeypatch.setenv("AWS_BATCH_JOB_ARRAY_INDEX", "1")
    monkeypatch.setenv("AWS_BATCH_JOB_ARRAY_SIZE", "3")
    by_env, by_option = bench.folder("env"), bench.folder("option")
    with bench.server() as server:
        run_batch(bench.config(manifest, by_env, server))
        run_batch(bench.config(manifest, by_option, server, shard="0/2"))
    held = set(pd.read_parquet(by_env / "documents")["doc_id"].str.split("#").str[0])
    assert held and {of(d, 3) for d in held} == {1}
    assert json.loads((by_env / "shards" / "1-of-3" / "run.json").read_text())["shard"] == {"index": 1, "count": 3}
    assert (by_option / "shards" / "0-of-2" / "run.json").is_file()


@pytest.fixture
def s3(moto_url, aws_env):
    client = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    return client


def test_four_concurrent_shards_into_one_s3_folder_equal_one_process(bench, tmp_path, s3, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    manifest = _manifest(tmp_path)
    single_out = f"s3://{BUCKET}/single-{uuid.uuid4().hex[:6]}"
    out = f"s3://{BUCKET}/sharded-{uuid.uuid4().hex[:6]}"
    with bench.server() as server:
        run_batch(bench.config(manifest, single_out, server))
        before = len(server.request_log)
        errors: list[BaseException] = []

        def shard(i: int) -> None:
            try:
                run_batch(bench.config(manifest, out, server, shard=f"{i}/4"))
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=shard, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        sharded_calls = count_calls(server.request_log[before:])
    assert errors == []
    assert (sharded_calls.requests, sharded_calls.repeated) == (DOCS + 3, 0)
    for table in ("documents", "detections", "receipts"):
        got = load_table(out, table, s3_endpoint_url=bench.moto_url)
        want = load_table(single_out, table, s3_endpoint_url=bench.moto_url)
        ignore = ["run_id", "processed_at", "latency_ms", "attempts"]
        keys = [c for c in ("doc_id", "id") if c in got.columns]
        tidy = lambda df: df.drop(columns=[c for c in ignore if c in df]).sort_values(keys).reset_index(drop=True)  # noqa: E731
        pd.testing.assert_frame_equal(tidy(got), tidy(want))
    from docbatch.config import SourceSettings
    from docbatch.publication import published_parts

    published = published_parts(out, "documents", sources=SourceSettings(s3_endpoint_url=bench.moto_url))
    assert len(published) == 4 and all("/shards/" in uri and "/.staging-" in uri for uri in published)
    result = merge_shards(out, sources=SourceSettings(s3_endpoint_url=bench.moto_url))
    assert result.counts["total"] == DOCS + 4
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=out.split("/", 3)[3] + "/")["Contents"]]
    assert sum(k.endswith("/state.sqlite") for k in keys) == 4
    builds = {k.split("/.staging-")[0] + "/.staging-" + k.split("/.staging-")[1].split("/")[0]
              for k in keys if "/.staging-" in k}
    assert len(builds) == 4  # each shard keeps only the build it published (_published.json names it)
    prefix = out.split("/", 3)[3] + "/_symlink_format_manifest/documents/"
    manifests = sorted(k[len(prefix):] for k in keys if k.startswith(prefix))
    assert manifests == [f"shard-{i}-of-4-manifest" for i in range(4)]  # Athena reads each shard's beside the others'
    named = [line for k in manifests
             for line in s3.get_object(Bucket=BUCKET, Key=prefix + k)["Body"].read().decode().split()]
    assert sorted(named) == sorted(published)


def test_reparse_of_a_split_folder_is_per_shard_and_refused_without_one(bench, tmp_path):
    from docbatch.reparse import reparse_run

    manifest = _manifest(tmp_path)
    single = _single(bench, manifest)
    out = bench.folder("sharded")
    with bench.server() as server:
        for i in range(4):
            run_batch(bench.config(manifest, out, server, shard=f"{i}/4"))
    merge_shards(str(out))  # writes OUT/run.json: reparse must still not take the folder for an unsharded run
    with pytest.raises(ConfigError, match="--shard i/4"):
        reparse_run(out)
    for i in range(4):
        reparse_run(out, shard=f"{i}/4")
    assert table_differences(out, single) == []
    assert not (out / "state.sqlite").exists()


def test_tps_auto_gives_each_shard_its_share_of_the_quota(bench, tmp_path, monkeypatch):
    from docbatch.testing.fake_service_quotas import FakeServiceQuotas

    manifest = _manifest(tmp_path)
    out = bench.folder("sharded")
    with FakeServiceQuotas(applied={"DetectText": 40.0}) as quotas, bench.server() as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SERVICE_QUOTAS", quotas.endpoint_url)
        run_batch(bench.config(manifest, out, server, shard="1/4", tps="auto"))
    tps = json.loads((out / "shards" / "1-of-4" / "run.json").read_text())["calls"]["tps"]
    assert (tps["source"], tps["start"], tps["ceiling"]) == ("service-quotas:L-FAKE0003/4 shards", 10.0, 10.0)


def test_a_shard_over_the_quota_left_to_it_cuts_its_rate_and_loses_nothing(bench, tmp_path):
    manifest = _manifest(tmp_path)
    out = bench.folder("sharded")
    with bench.server(tps=4, burst=1) as server:  # the account's quota, the other shards' share taken
        summary = run_batch(bench.config(manifest, out, server, shard="0/2", tps=40))
        calls = count_calls(server.request_log)
    tps = summary.calls["tps"]
    assert tps["start"] == 20.0 and tps["cuts"] >= 1 and tps["final"] < 20.0
    assert calls.repeated == 0 and summary.failed == sum(1 for d in ("empty-row",) if of(d, 2) == 0)


def test_shards_of_a_partitioned_run_fill_the_same_partition_folders_and_merge(bench, tmp_path):
    manifest = _manifest(tmp_path)
    single = bench.folder("single")
    out = bench.folder("sharded")
    keys = ("doc_type", "status")
    with bench.server() as server:
        run_batch(bench.config(manifest, single, server, partition_by=keys))
        for i in range(4):
            run_batch(bench.config(manifest, out, server, shard=f"{i}/4", partition_by=keys))
    assert table_differences(out, single) == []
    assert any(p.name.startswith("shard-") for p in (out / "documents" / "doc_type=receipt").rglob("*.parquet"))
    assert merge_shards(str(out)).counts["total"] == DOCS + 4


def test_partitioned_shards_put_their_parts_side_by_side_in_each_partition_and_merge(bench, tmp_path):
    manifest = _manifest(tmp_path)
    out = bench.folder("sharded-partitioned")
    with bench.server() as server:
        for _ in range(2):  # the second pass resumes each shard and swaps its parts over its own only
            for i in range(2):
                run_batch(bench.config(manifest, out, server, shard=f"{i}/2", partition_by=("status",)))
    merge_shards(out)
    assert {p.relative_to(out / "documents").as_posix() for p in (out / "documents").rglob("*.parquet")} == {
        f"status={s}/shard-{i}-of-2-part-00000.parquet" for s in ("ok", "failed") for i in range(2)
        if (s == "ok" or of("empty-row", 2) == i)}
    docs = pd.read_parquet(out / "documents")
    assert docs["doc_id"].is_unique and len(docs) == DOCS + 3 + 1
    assert docs.set_index("doc_id").loc["empty-row", "status"] == "failed"


@pytest.mark.parametrize("where", ["local", "s3"])
def test_reconcile_refuses_a_split_folder_a_shard_of_which_has_not_run(bench, tmp_path, where, request,
                                                                        monkeypatch):
    """Shard 1/2's receipts are not in the tables yet: matched against the whole statement, the
    other shard's receipts alone would leave its transactions 'unmatched' (exit 0), a wrong
    answer; the reconciliation names the missing shard instead, as merge does."""
    from docbatch import reconcile
    from docbatch.config import SourceSettings

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    manifest = _manifest(tmp_path)
    if where == "s3":
        request.getfixturevalue("s3")
        out: str = f"s3://{BUCKET}/half-{uuid.uuid4().hex[:6]}/"
    else:
        out = str(bench.folder("half"))
    card = tmp_path / "card.csv"
    card.write_text("Transaction Date,Description,Amount\n2026-11-30,SHOP,-1.00\n")
    with bench.server() as server:
        run_batch(bench.config(manifest, out, server, shard="0/2"))
    with pytest.raises(ShardsIncomplete, match=r"shard 1/2 has not run"):
        reconcile(out, str(card), sources=SourceSettings(s3_endpoint_url=bench.moto_url))


def test_a_shard_reparsed_with_redact_is_told_apart_by_merge(bench, tmp_path):
    """`docbatch reparse OUT --shard 1/2 --redact` redacts that shard's tables only; its run.json
    must say so, or merge reads every shard as unredacted and says the folder is whole."""
    from docbatch.reparse import reparse_run

    manifest = _manifest(tmp_path)
    out = bench.folder("sharded")
    with bench.server() as server:
        for i in range(2):
            run_batch(bench.config(manifest, out, server, shard=f"{i}/2"))
    reparse_run(str(out), shard="1/2", redact=True)
    assert json.loads((out / "shards" / "1-of-2" / "run.json").read_text())["config"]["redact"] is True
    with pytest.raises(ShardsIncomplete, match=r"redact \(shard 0/2: False; shard 1/2: True\)"):
        merge_shards(str(out))
    reparse_run(str(out), shard="0/2", redact=True)
    assert merge_shards(str(out)).counts["total"] == DOCS + 4


def test_merge_refuses_shards_redacted_with_another_key_or_none_and_a_reparse_with_the_key_mends_it(
        bench, tmp_path, monkeypatch):
    """An array child whose job definition lacks DOCBATCH_REDACT_KEY hashes its ids with no key
    (common names can be guessed back) or another one: the same person hashes two ways across the
    folder.  run.json keeps the key's fingerprint, never the key; merge names the shard."""
    from docbatch.reparse import reparse_run

    manifest = _manifest(tmp_path)
    out = bench.folder("sharded")
    with bench.server() as server:
        for i in range(2):
            if i == 1:
                monkeypatch.delenv("DOCBATCH_REDACT_KEY", raising=False)
            else:
                monkeypatch.setenv("DOCBATCH_REDACT_KEY", "nightly-secret")
            run_batch(bench.config(manifest, out, server, shard=f"{i}/2", redact=True))
    assert "nightly-secret" not in (out / "shards" / "0-of-2" / "run.json").read_text()
    with pytest.raises(ShardsIncomplete, match=r"redact_key_id \(shard 0/2: [0-9a-f]{16}; shard 1/2: None\)"):
        merge_shards(str(out))
    monkeypatch.setenv("DOCBATCH_REDACT_KEY", "nightly-secret")
    reparse_run(str(out), shard="1/2")
    assert merge_shards(str(out)).counts["total"] == DOCS + 4


def _without_parquet_column(part: Path, column: str) -> None:
    import pyarrow.parquet as pq

    pq.write_table(pq.read_table(part).drop_columns([column]), part)


def _without_csv_column(part: Path, column: str) -> None:
    pd.read_csv(part, dtype=str, keep_default_na=False).drop(columns=[column]).to_csv(part, index=False)


@pytest.mark.parametrize(("fmt", "without"), [("parquet", _without_parquet_column), ("csv", _without_csv_column)])
def test_merge_refuses_shards_whose_parts_have_other_columns_and_a_reparse_of_the_shard_mends_it(
        bench, tmp_path, fmt, without):
    """A night re-run with --date after an upgrade: one shard's parts built by another docbatch
    (here: shard 1's receipts written again without a column, as an older build had them).
    A reader takes one file's columns for the folder: a column one shard lacks is nulls or gone.
    CSV keeps no types, so its header's names are compared (csv failed before: only Parquet was)."""
    from docbatch.reparse import reparse_run
    from docbatch.sinks import SINKS

    manifest = _manifest(tmp_path)
    out = bench.folder("sharded")
    with bench.server() as server:
        for i in range(2):
            run_batch(bench.config(manifest, out, server, shard=f"{i}/2", formats=(fmt,)))
    (part,) = (out / SINKS[fmt].subdir / "receipts").glob(f"shard-1-of-2-part-*.{fmt}")
    without(part, "vendor_aliases")
    with pytest.raises(ShardsIncomplete, match=r"table receipts .* other columns \(shard\(s\) 0/2: 40 columns; "
                                               r"shard\(s\) 1/2: 39 columns\).*reparse"):
        merge_shards(str(out))
    assert not (out / "run.json").exists()
    reparse_run(str(out), shard="1/2")
    assert merge_shards(str(out)).counts["total"] == DOCS + 4

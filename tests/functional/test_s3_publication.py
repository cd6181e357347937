"""A run's tables on S3 are published all at once, as a reader sees them: a crash between any two
objects of a build leaves the previous run's tables or this run's, every table whole, never a mix
and never a table missing; a run that lost its lock while building publishes nothing.

Real HTTP against moto in server mode; the crash is the far side refusing every write from the
Nth one on (reads still answer, so the test reads what a reader would read at that instant)."""

from __future__ import annotations

import contextlib
import io
import uuid

import boto3
import pyarrow.parquet as pq
import pytest

from click.testing import CliRunner

from docbatch import run_batch
from docbatch.cli import main
from docbatch.config import SourceSettings
from docbatch.errors import DocbatchError
from docbatch.publication import published_parts
from docbatch.runlock import RunLock

from ..support.bench import TABLES, Bench, count_calls, dummy_aws_env
from ..support.fused_s3 import FusedS3
from ..support.takeover import THEIR_JOURNAL, THEIR_LOCK, THEIR_RUN, take_over_once_called

pytestmark = pytest.mark.slow

BUCKET = "docbatch-publication"
DOCS = 3


@pytest.fixture(scope="module")
def s3():
    with dummy_aws_env(), FusedS3() as server:
        boto3.client("s3", endpoint_url=server.url, region_name="us-east-1").create_bucket(Bucket=BUCKET)
        yield server


def _seen(s3: FusedS3, out: str) -> dict[str, tuple[frozenset[str], int]]:
    """What a reader of the published tables sees: per table, its run_ids and its rows."""
    client = boto3.client("s3", endpoint_url=s3.url, region_name="us-east-1")
    seen = {}
    for table in TABLES:
        rows = [pq.read_table(io.BytesIO(client.get_object(Bucket=BUCKET, Key=uri.split("/", 3)[3])["Body"].read()),
                              columns=["run_id"]).column("run_id").to_pylist()
                for uri in published_parts(out, table, sources=SourceSettings(s3_endpoint_url=s3.url))]
        seen[table] = (frozenset(r for part in rows for r in part), sum(map(len, rows)))
    return seen


def _published(s3: FusedS3, out: str) -> dict[str, list[str]]:
    sources = SourceSettings(s3_endpoint_url=s3.url)
    return {table: sorted(published_parts(out, table, sources=sources)) for table in TABLES}


def _symlinked(s3: FusedS3, out: str, *, partitions: bool = False) -> dict[str, list[str]]:
    """The files each table's symlink manifests name, as Athena's SymlinkTextInputFormat reads
    them (every file of the table's manifest folder, partition folders included); ``partitions``:
    keyed by the manifest's path below the table's folder instead."""
    client = boto3.client("s3", endpoint_url=s3.url, region_name="us-east-1")
    prefix = out[len(f"s3://{BUCKET}/"):] + "_symlink_format_manifest/"
    named: dict[str, list[str]] = {}
    for o in client.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", []):
        table, _, below = o["Key"][len(prefix):].partition("/")
        body = client.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read().decode().split()
        named.setdefault(below if partitions else table, []).extend(body)
    return {k: sorted(v) for k, v in named.items()}


def _fresh_folder(tmp_path, s3: FusedS3, monkeypatch) -> tuple[Bench, str, str, object]:
    """A bench, a new run folder's prefix and URI in the bucket, and a client of the bucket."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    prefix = f"runs/{uuid.uuid4().hex[:6]}/"
    return (Bench(tmp_path, moto_url=s3.url, docs=DOCS), prefix, f"s3://{BUCKET}/{prefix}",
            boto3.client("s3", endpoint_url=s3.url, region_name="us-east-1"))


def _whole(seen: dict[str, tuple[frozenset[str], int]]) -> str:
    """The one run whose tables a reader sees, every table whole; fails on a mix or a table missing."""
    runs = {r for ids, _ in seen.values() for r in ids}
    assert len(runs) == 1, f"a reader sees tables of several runs: {seen}"
    assert seen["documents"][1] == DOCS and seen["receipts"][1] == DOCS, seen
    return runs.pop()


def test_a_crash_between_any_two_objects_of_a_publication_leaves_one_whole_run_visible(
        tmp_path, s3, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(RunLock, "STALE_AFTER", -1.0)  # the crashed run's lock is taken over, as once it is gone
    bench = Bench(tmp_path, moto_url=s3.url, docs=DOCS)
    prefix = f"runs/{uuid.uuid4().hex[:6]}/"
    out = f"s3://{BUCKET}/{prefix}"
    with bench.server() as server:
        config = lambda run_id: bench.config(bench.manifest(), out, server, formats=("parquet",),  # noqa: E731
                                             run_id=run_id)
        run_batch(config("20261201T000000Z-00000a"))
        visible = "20261201T000000Z-00000a"
        # every part built and the commit refused (as any crash before it); committed, its symlink
        # manifests written, cut in the copy into the table folders (documents and detections copied)
        cuts = [("/_published.json", False), (f"/{prefix}receipts/part-", True)]
        for n, (at, committed) in enumerate(cuts):
            run_id = f"20261201T000000Z-c0000{n}"
            s3.blow_after(0, at=at)
            with contextlib.suppress(DocbatchError):
                run_batch(config(run_id))  # a resume: no call, the tables built again, cut
            s3.blow_after(None)
            assert _whole(_seen(s3, out)) == (run_id if committed else visible), at
            assert _symlinked(s3, out) == _published(s3, out), at  # what Athena's symlink tables read
            visible = run_id if committed else visible
        calls = count_calls(server.request_log)
    assert (calls.answered, calls.repeated) == (DOCS, 0)  # the crashed builds paid for nothing
    listed = CliRunner().invoke(main, ["parts", out, "receipts", "--s3-endpoint-url", s3.url])
    assert listed.stdout.split() == published_parts(out, "receipts", sources=SourceSettings(s3_endpoint_url=s3.url))
    _docbatch_readers_see_only(out, s3, visible)


def _docbatch_readers_see_only(out: str, s3: FusedS3, run_id: str) -> None:
    """docbatch's own readers (report, reconcile --receipts) read the published run too, though
    the crash in the copy left the table folders mixed (checked first, so this cannot pass idly)."""
    from docbatch.reconcile.receipts import read_receipt_rows
    from docbatch.report.gather import gather
    from docbatch.runfolder import RunFolder
    from docbatch.table_folders import read_table

    sources = SourceSettings(s3_endpoint_url=s3.url)
    folder = RunFolder(out, sources=sources)
    assert len({r["run_id"] for t in ("documents", "receipts") for r in read_table(folder.fs, folder.path(t))}) == 2
    report = gather(folder).tables
    assert {t: {r["run_id"] for r in report[t]} for t in ("documents", "receipts")} == \
        {"documents": {run_id}, "receipts": {run_id}}
    assert [r["run_id"] for r in read_receipt_rows(out, sources=sources)] == [run_id] * DOCS


def test_a_run_whose_lock_is_taken_over_while_it_builds_its_tables_publishes_none_of_them(tmp_path, s3, monkeypatch):
    """Another host takes the folder over while this run writes its first part (this run looked
    hung to it): at the commit point the lock's compare-and-swap fails, so neither the pointer nor
    the table folders get this run's tables, and the new holder's lock stays."""
    from docbatch.errors import FolderLocked

    bench, prefix, out, client = _fresh_folder(tmp_path, s3, monkeypatch)
    with bench.server() as server:
        s3.before_write("/.staging-", lambda: client.put_object(Bucket=BUCKET, Key=f"{prefix}.docbatch-lock.json",
                                                                Body=THEIR_LOCK))
        with pytest.raises(FolderLocked, match=f"taken over by run {THEIR_RUN}"):
            run_batch(bench.config(bench.manifest(), out, server, formats=("parquet",)))
    keys = {o["Key"][len(prefix):] for o in client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)["Contents"]}
    assert "_published.json" not in keys and not [k for k in keys if k.startswith(("documents/", "receipts/"))]
    assert client.get_object(Bucket=BUCKET, Key=f"{prefix}.docbatch-lock.json")["Body"].read() == THEIR_LOCK


def test_a_run_taken_over_between_two_heartbeats_does_not_checkpoint_its_journal_over_the_new_holders(
        tmp_path, s3, monkeypatch):
    """The heartbeat beats once a minute, the journal is checkpointed every 30 s: a run that lost its
    lock in between must learn so before its next checkpoint, not after it overwrote the new
    holder's journal in the bucket."""
    from docbatch import runner
    from docbatch.errors import FolderLocked

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(runner, "CHECKPOINT_EVERY", 0.0)  # at every document
    bench = Bench(tmp_path, moto_url=s3.url, docs=DOCS)
    prefix = f"runs/{uuid.uuid4().hex[:6]}/"
    client = boto3.client("s3", endpoint_url=s3.url, region_name="us-east-1")
    with bench.server(latency=0.5) as server:
        thief = take_over_once_called(client, BUCKET, prefix, server)
        # by the heartbeat's compare-and-swap, or, when the new holder's journal landed between
        # it and the put, by the put's own condition
        with pytest.raises(FolderLocked, match="taken over by"):
            run_batch(bench.config(bench.manifest(), f"s3://{BUCKET}/{prefix}", server, concurrency=1,
                                   formats=("parquet",)))
        thief.join()
    assert client.get_object(Bucket=BUCKET, Key=f"{prefix}state.sqlite")["Body"].read() == THEIR_JOURNAL



def _glob_keys(keys: list[str], pattern: str) -> list[str]:
    """The keys a recursive glob matches as DuckDB's S3 glob does: ``**`` any folders, dot-folders
    included (measured with DuckDB's httpfs against moto), ``*`` within one name."""
    import re

    regex = "".join(".*" if part == "**" else "[^/]*" if part == "*" else re.escape(part)
                    for part in re.split(r"(\*\*|\*)", pattern))
    return sorted(k for k in keys if re.fullmatch(regex, k))


def test_a_recursive_glob_from_above_the_run_folders_reads_each_row_once(tmp_path, s3, monkeypatch):
    """Two nightly runs keep their last two builds beside the table folders; a reader globbing
    every night's receipts (``s3://bucket/runs/**/receipts/*.parquet``) or every CSV must still
    find each row in one file only: the kept builds' names match no such glob."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    bench = Bench(tmp_path, moto_url=s3.url, docs=DOCS)
    root = f"nightly-{uuid.uuid4().hex[:6]}"
    client = boto3.client("s3", endpoint_url=s3.url, region_name="us-east-1")
    with bench.server() as server:
        for night in ("2026-11-30", "2026-12-01"):
            out = f"s3://{BUCKET}/{root}/runs/{night}/"
            run_batch(bench.config(bench.manifest(), out, server, formats=("parquet", "csv")))
            run_batch(bench.config(bench.manifest(), out, server, formats=("parquet", "csv")))  # kept: two builds
    keys = [o["Key"] for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=root)
            for o in page.get("Contents", [])]
    assert [k for k in keys if "/.staging-" in k], "the runs kept no build: nothing to be found twice"
    parquet = _glob_keys(keys, f"{root}/runs/**/receipts/*.parquet")
    rows = sum(pq.read_metadata(io.BytesIO(client.get_object(Bucket=BUCKET, Key=k)["Body"].read())).num_rows
               for k in parquet)
    assert rows == 2 * DOCS, parquet
    for pattern in ("**/*.parquet", "**/*.csv", "**/failed.csv"):
        assert not [k for k in _glob_keys(keys, f"{root}/{pattern}") if "/.staging-" in k], pattern


def test_symlink_manifests_name_each_partition_of_the_published_build_and_no_partition_it_dropped(
        tmp_path, s3, monkeypatch):
    """Athena's symlink tables (``docbatch schema --format athena --symlink``) read the manifests:
    each partition folder's manifest names that partition's parts of the committed build, every
    one readable, and a partition an earlier build had and this one lacks loses its manifest."""
    bench, prefix, out, client = _fresh_folder(tmp_path, s3, monkeypatch)
    with bench.server() as server:
        run_batch(bench.config(bench.manifest(), out, server, formats=("parquet", "csv"), partition_by=("status",)))
        dropped = f"{prefix}_symlink_format_manifest/documents/status=failed/manifest"  # as a build with failures left it
        client.put_object(Bucket=BUCKET, Key=dropped, Body=b"s3://elsewhere/part-00000.parquet\n")
        run_batch(bench.config(bench.manifest(), out, server, formats=("parquet", "csv"), partition_by=("status",)))
    by_partition = _symlinked(s3, out, partitions=True)
    # status=none: the empty tables' schema-only part (ids, receipt_items)
    assert by_partition.keys() == {"status=ok/manifest", "status=none/manifest"}, by_partition
    assert _symlinked(s3, out) == _published(s3, out)
    for manifest, uris in by_partition.items():
        for uri in uris:
            assert "/.staging-" in uri and f"/{manifest.split('/')[0]}/" in uri, (manifest, uri)
            pq.read_metadata(io.BytesIO(client.get_object(Bucket=BUCKET, Key=uri.split("/", 3)[3])["Body"].read()))
    receipts = [pq.read_table(io.BytesIO(client.get_object(Bucket=BUCKET, Key=u.split("/", 3)[3])["Body"].read()))
                for u in _published(s3, out)["receipts"]]
    assert sum(t.num_rows for t in receipts) == DOCS


def test_a_partition_the_new_build_lacks_leaves_no_object_in_the_table_folders(tmp_path, s3, monkeypatch):
    """A partition an earlier build had (``status=failed/``) and this one lacks must leave no
    object behind in the table folders, not even an empty folder marker: pandas'
    ``pd.read_parquet("s3://.../documents/")`` (s3fs) fails opening one, and Athena's
    ``MSCK REPAIR TABLE`` adds it as a partition."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    bench = Bench(tmp_path, moto_url=s3.url, docs=DOCS)
    manifest = bench.manifest()
    failing = manifest.with_name("with-a-missing-image.csv")
    failing.write_text(manifest.read_text() + "img/missing.png,receipt,,0999,gone\n")
    prefix = f"runs/{uuid.uuid4().hex[:6]}/"
    out = f"s3://{BUCKET}/{prefix}"
    with bench.server() as server:
        run_batch(bench.config(failing, out, server, partition_by=("status",)))
        run_batch(bench.config(manifest, out, server, partition_by=("status",), replace=True))
    client = boto3.client("s3", endpoint_url=s3.url, region_name="us-east-1")
    keys = [o["Key"] for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
            for o in page.get("Contents", [])]
    assert [k for k in keys if "/.staging-" in k and "status=failed" in k], "the first build had no failed partition"
    assert [k for k in keys if "status=failed" in k and "/.staging-" not in k] == []


def test_a_crash_between_the_commit_and_the_symlink_manifests_never_leaves_them_naming_deleted_parts(
        tmp_path, s3, monkeypatch):
    """The commit lands, the manifests do not (a crash right after the pointer): they still name
    the build before, which the next build's start deletes.  That start names the committed build
    in them first, so at no moment of the next run does Athena read a part that is gone."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(RunLock, "STALE_AFTER", -1.0)
    bench = Bench(tmp_path, moto_url=s3.url, docs=DOCS)
    prefix = f"runs/{uuid.uuid4().hex[:6]}/"
    out = f"s3://{BUCKET}/{prefix}"
    client = boto3.client("s3", endpoint_url=s3.url, region_name="us-east-1")
    missing: list[str] = []

    def named_parts_exist() -> None:  # as the next build writes its first part
        for uris in _symlinked(s3, out).values():
            for uri in uris:
                try:
                    client.head_object(Bucket=BUCKET, Key=uri.split("/", 3)[3])
                except client.exceptions.ClientError:
                    missing.append(uri)

    with bench.server() as server:
        config = bench.config(bench.manifest(), out, server, formats=("parquet",))
        run_batch(config)
        run_batch(config)
        s3.blow_after(1, at="/_published.json")  # the pointer lands, nothing after it
        with contextlib.suppress(DocbatchError):
            run_batch(config)
        s3.blow_after(None)
        assert _symlinked(s3, out) != _published(s3, out)  # the manifests name the build before the commit
        s3.before_write(f"/{prefix}.staging-", named_parts_exist)
        run_batch(config)
    assert missing == []
    assert _symlinked(s3, out) == _published(s3, out)


def test_tables_published_by_a_newer_docbatch_are_refused_not_misread(tmp_path, s3, monkeypatch):
    """A pointer of a format this docbatch does not know may name builds laid out otherwise: reading
    its tables (``docbatch parts``) and running into the folder both stop with one line saying to
    upgrade, and the pointer is left as it was."""
    import json

    bench, prefix, out, client = _fresh_folder(tmp_path, s3, monkeypatch)
    with bench.server() as server:
        config = bench.config(bench.manifest(), out, server, formats=("parquet",))
        run_batch(config)
        key = f"{prefix}_published.json"
        newer = json.loads(client.get_object(Bucket=BUCKET, Key=key)["Body"].read()) | {"format": 99}
        client.put_object(Bucket=BUCKET, Key=key, Body=json.dumps(newer).encode())
        listed = CliRunner().invoke(main, ["parts", out, "receipts", "--s3-endpoint-url", s3.url])
        assert (listed.exit_code, listed.stdout) == (2, "") and "newer docbatch" in listed.output, listed.output
        before = len(server.request_log)
        with pytest.raises(DocbatchError, match="newer docbatch"):
            more = Bench(tmp_path / "more", moto_url=s3.url, docs=DOCS + 2)  # documents not yet paid for
            run_batch(more.config(more.manifest(), out, server, formats=("parquet",), replace=True))
        assert len(server.request_log) == before  # refused before any call was paid for
    assert json.loads(client.get_object(Bucket=BUCKET, Key=key)["Body"].read()) == newer


def test_a_journal_checkpoint_never_overwrites_a_journal_another_run_wrote_since_it_was_read(tmp_path, s3, monkeypatch):
    """Between a heartbeat that still found the lock ours and the checkpoint's put, the new holder
    may write its journal: the put is conditional on the version this run read, so it fails as
    FolderLocked and the new holder's journal stays (said again, never written, after that)."""
    from docbatch.errors import FolderLocked
    from docbatch.runfolder import RunFolder

    bench, prefix, out, client = _fresh_folder(tmp_path, s3, monkeypatch)
    client.put_object(Bucket=BUCKET, Key=f"{prefix}state.sqlite", Body=b"the journal this run resumes")
    folder = RunFolder(out, sources=SourceSettings(s3_endpoint_url=s3.url))
    folder.restore_journal()
    ours = lambda path: path.write_bytes(b"this run's journal")  # noqa: E731
    folder.checkpoint_journal(ours)  # still the version read: written
    assert client.get_object(Bucket=BUCKET, Key=f"{prefix}state.sqlite")["Body"].read() == b"this run's journal"
    client.put_object(Bucket=BUCKET, Key=f"{prefix}state.sqlite", Body=b"their journal")
    for _ in range(2):
        with pytest.raises(FolderLocked, match="taken over"):
            folder.checkpoint_journal(ours)
    assert client.get_object(Bucket=BUCKET, Key=f"{prefix}state.sqlite")["Body"].read() == b"their journal"

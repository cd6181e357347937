"""``docbatch report`` on the command line: where the page goes, S3 run folders, bad folders."""

from __future__ import annotations

import html
import json
import re

import pyarrow as pa
import pytest
from click.testing import CliRunner

from docbatch.cli import main

from ..support.report_run import make_report_run, make_s3_report_run


def keyed_values(page: str) -> dict[str, str]:
    """``data-key`` -> text shown, from the page's markup."""
    return {k: html.unescape(v) for k, v in re.findall(r'data-key="([^"]+)">([^<]*)<', page)}


def test_a_folder_without_run_json_is_refused_with_one_line(tmp_path):
    result = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert result.exit_code == 2
    assert "holds no run.json" in result.output and len(result.output.strip().splitlines()) == 1


def _replay_batch(base, name: str, receipts) -> tuple:
    """A manifest of ``receipts`` (RECEIPTS rows) and their saved answers, named ``name``."""
    from ..support.report_run import rows_of
    from ..support.responses import response_from_rows

    replay = base / f"replay-{name}"
    replay.mkdir()
    lines = ["source,doc_type,doc_id"]
    for doc_id, vendor, date, total, conf in receipts:
        (replay / f"{doc_id}.json").write_text(json.dumps(response_from_rows(rows_of(vendor, date, total),
                                                                             confidence=conf)))
        lines.append(f"scans/{doc_id}.jpg,receipt,{doc_id}")
    (base / f"{name}.csv").write_text("\n".join(lines) + "\n")
    return base / f"{name}.csv", replay


@pytest.mark.slow
def test_a_run_folder_on_s3_gets_its_report_beside_its_tables(tmp_path, aws_env, moto_url):
    s3, bucket, uri = make_s3_report_run(tmp_path, moto_url)
    result = CliRunner().invoke(main, ["report", uri, "--s3-endpoint-url", moto_url, "--region", "us-east-1"])
    assert result.exit_code == 0, result.output
    run = json.loads(s3.get_object(Bucket=bucket, Key="nightly/2026-12-01/run.json")["Body"].read())
    page = s3.get_object(Bucket=bucket, Key="nightly/2026-12-01/report.html")["Body"].read().decode()
    seen = keyed_values(page)
    assert seen["counts.total"] == str(run["counts"]["total"]) and seen["counts.failed"] == "2"
    assert seen["calls.calls"] == str(run["calls"]["calls"])
    assert page.count('src="data:image/jpeg;base64,') == 4  # the faint receipt's fields, cut from local images


@pytest.mark.slow
def test_a_partitioned_run_is_read_through_its_key_value_folders(tmp_path):
    from docbatch import RunConfig, run_batch
    from docbatch.report import build_report

    from ..support.report_run import RECEIPTS

    manifest, replay = _replay_batch(tmp_path, "m", RECEIPTS[-3:])
    out = tmp_path / "run"
    run_batch(RunConfig(manifest=str(manifest), out=str(out), engine="replay", replay_dir=str(replay),
                        use_cache=False, partition_by=("doc_type", "status")))
    assert (out / "documents" / "doc_type=receipt" / "status=ok").is_dir()
    build_report(out)
    page = (out / "report.html").read_text()
    assert keyed_values(page)["counts.total"] == "3"
    assert "<td>receipt</td><td class=\"num\">3</td>" in page  # type x status, from the documents table
    assert "Receipts: 3 rows" in page and "faint" in page[page.index("Documents needing review"):]


@pytest.mark.slow
def test_a_merged_split_run_shows_each_shards_calls(tmp_path, aws_env):
    from docbatch.report import build_report

    made = make_report_run(tmp_path, shards=2, reconcile_it=False)
    build_report(made.out)
    page = (made.out / "report.html").read_text()
    assert keyed_values(page)["counts.total"] == str(made.run["counts"]["total"]) == "11"
    assert "2 shards merged" in page
    for i in range(2):
        calls = json.loads((made.out / "shards" / f"{i}-of-2" / "run.json").read_text())["calls"]
        assert f"<td>{i}/2</td>" in page and f'<td class="num">{calls["calls"]}</td>' in page


def test_a_split_run_not_merged_yet_is_refused_with_merge_as_the_way_out(tmp_path):
    (tmp_path / "shards" / "0-of-2").mkdir(parents=True)
    result = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert result.exit_code == 2
    assert "docbatch merge" in result.output and len(result.output.strip().splitlines()) == 1


def _reconciled_as_another_batch(tmp_path, name: str, **settings):
    """A report run, and a reconciliation (in ``tmp_path / name``) of its receipts relabelled as another run's."""
    import pyarrow.parquet as pq

    from docbatch.reconcile import reconcile
    from docbatch.reconcile.settings import ReconcileSettings

    made = make_report_run(tmp_path)
    receipts = pq.read_table(made.out / "receipts")
    other = receipts.set_column(receipts.schema.get_field_index("run_id"), "run_id",
                                pa.array(["20261130T010000Z-0a0a0a"] * receipts.num_rows))
    reconcile(other, tmp_path / "card.csv", out=tmp_path / name, settings=ReconcileSettings(**settings))
    return made, receipts.num_rows


@pytest.mark.slow  # a run through the local server: over a second
def test_a_reconciliation_of_another_runs_receipts_is_refused(tmp_path, aws_env):
    # The nightly job's report of tonight's folder given last night's reconciliation (or another
    # batch's) would show its receipts, match rate and money as this run's.
    from docbatch.errors import ConfigError
    from docbatch.report import build_report

    made, n_receipts = _reconciled_as_another_batch(tmp_path, "other-recon")
    with pytest.raises(ConfigError, match="20261130T010000Z-0a0a0a"):
        build_report(made.out, recon=tmp_path / "other-recon")
    build_report(made.out, recon=made.recon)  # its own reconciliation is read
    assert keyed_values((made.out / "report.html").read_text())["recon.receipts"] == str(n_receipts)


@pytest.mark.slow  # a run through the local server: over a second
def test_a_reconciliation_written_as_csv_only_is_refused_not_shown_without_its_tables(tmp_path, aws_env):
    # Without its Parquet tables the report could neither check whose receipts it holds nor show its scores.
    from docbatch.errors import ConfigError
    from docbatch.report import build_report

    made, _ = _reconciled_as_another_batch(tmp_path, "csv-recon", formats=("csv",))
    with pytest.raises(ConfigError, match=r"no Parquet tables.*--format parquet"):
        build_report(made.out, recon=tmp_path / "csv-recon")


@pytest.mark.slow  # three replay runs and two reconciliations: over a second
def test_a_reused_run_folder_refuses_the_reconciliation_of_its_previous_batch_and_takes_a_resumed_runs(tmp_path):
    # A folder reused night after night (--replace): last night's reconciliation names a run of
    # this folder, but of the batch its tables no longer hold; a resumed run's is still its own.
    from docbatch import RunConfig, run_batch
    from docbatch.errors import ConfigError
    from docbatch.reconcile import reconcile
    from docbatch.report import build_report

    from ..support.report_run import RECEIPTS, STATEMENT

    out, card = tmp_path / "latest", tmp_path / "card.csv"
    card.write_text(STATEMENT)

    batches = {"monday": _replay_batch(tmp_path, "monday", RECEIPTS[:3]),
               "tuesday": _replay_batch(tmp_path, "tuesday", RECEIPTS[3:5])}

    def run(name: str, **kw) -> None:
        manifest, replay = batches[name]
        run_batch(RunConfig(manifest=str(manifest), out=str(out), engine="replay", replay_dir=str(replay),
                            use_cache=False, **kw))

    run("monday")
    reconcile(out, card, out=tmp_path / "recon-monday")
    run("monday")  # resumed: nothing to do, the tables are rewritten under the new run's id
    build_report(out, recon=tmp_path / "recon-monday")
    assert keyed_values((out / "report.html").read_text())["recon.receipts"] == "3"

    run("tuesday", replace=True)
    with pytest.raises(ConfigError, match="not of the batch"):
        build_report(out, recon=tmp_path / "recon-monday")
    reconcile(out, card, out=tmp_path / "recon-tuesday")
    build_report(out, recon=tmp_path / "recon-tuesday")
    assert keyed_values((out / "report.html").read_text())["recon.receipts"] == "2"


def _report_and_reconcile_say(tmp_path, out, page_says: list[str], reconcile_says: str) -> None:
    """The report of ``out`` and a reconciliation of it both tell why it has no table and what to do."""
    from docbatch.errors import ReceiptsNotFound
    from docbatch.reconcile import reconcile
    from docbatch.report import build_report

    from ..support.report_run import STATEMENT

    build_report(out)
    page = (out / "report.html").read_text()
    assert all(text in page for text in page_says)
    assert "No document needs review" not in page
    (tmp_path / "card.csv").write_text(STATEMENT)
    with pytest.raises(ReceiptsNotFound, match=reconcile_says):
        reconcile(out, tmp_path / "card.csv")


@pytest.mark.slow  # a replay run stopped after its first document: over a second
def test_a_run_stopped_before_its_tables_says_so_in_the_report_and_to_reconcile(tmp_path):
    # A nightly job killed in the night: run.json says "interrupted", no table was written.  The
    # report must not say "no document needs review", nor reconcile call the folder not a run's.
    import threading

    from docbatch import RunConfig, run_batch
    from docbatch.progress import Subscriber

    from ..support.report_run import RECEIPTS

    stop = threading.Event()

    class StopAfterOne(Subscriber):
        def on_result(self, result, summary) -> None:
            stop.set()

    manifest, replay = _replay_batch(tmp_path, "night", RECEIPTS)
    out = tmp_path / "run"
    summary = run_batch(RunConfig(manifest=str(manifest), out=str(out), engine="replay", replay_dir=str(replay),
                                  use_cache=False, concurrency=1), subscribers=[StopAfterOne()], stop=stop)
    assert summary.outcome == "interrupted" and not (out / "documents").exists()
    _report_and_reconcile_say(tmp_path, out, ["no tables yet", "re-run the same"],
                              "no tables yet.*interrupted.*re-run the same")


@pytest.mark.slow  # a replay run: about a second
def test_a_csv_only_run_points_the_report_and_reconcile_to_reparse(tmp_path):
    from docbatch import RunConfig, run_batch

    from ..support.report_run import RECEIPTS

    manifest, replay = _replay_batch(tmp_path, "night", RECEIPTS[:2])
    out = tmp_path / "run"
    run_batch(RunConfig(manifest=str(manifest), out=str(out), engine="replay", replay_dir=str(replay),
                        use_cache=False, formats=("csv",)))
    _report_and_reconcile_say(tmp_path, out, ["wrote CSV only", "docbatch reparse OUT --format parquet,csv"],
                              "wrote CSV only.*docbatch reparse")

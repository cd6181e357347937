"""The report's sections, each from the gathered run data: documents, calls, fields, checks,
reconciliation, review, history.  Every figure from run.json is shown with its key."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from . import plots
from .figures import check_counts, field_stats, finished_per_interval, log_histogram, quantile, reason_counts, \
    status_by_type
from .gather import Recon, RunData
from .markup import Raw, esc, keyed, note, num, pct, plot, section, table, tiles
from ..table_folders import tables_not_written
from .review import ReviewEntry

#: Failed documents listed by name at most (the rest are in failed.csv).
MAX_FAILED_LISTED = 50


def documents_section(data: RunData) -> str:
    """The run's counts as run.json has them, the documents by type and status, and the failures
    by error code (the failed documents by name, up to :data:`MAX_FAILED_LISTED`)."""
    run, docs = data.run, data.tables["documents"]
    c = run.get("counts") or {}
    body = tiles([("documents", c.get("total"), "counts.total", ""), ("ok", c.get("ok"), "counts.ok", "ok"),
                  ("failed", c.get("failed"), "counts.failed", "bad" if c.get("failed") else ""),
                  ("already done", c.get("resumed"), "counts.resumed", ""),
                  ("redone (source changed)", c.get("changed"), "counts.changed", ""),
                  ("processed this run", c.get("processed_this_run"), "counts.processed_this_run", ""),
                  ("engine calls", c.get("engine_calls"), "counts.engine_calls", ""),
                  ("cache hits", c.get("cache_hits"), "counts.cache_hits", "")])
    if data.tables_missing:
        body += note(f"This run folder has {tables_not_written(run)}. The figures above are run.json's; "
                     "the sections below have no table to read.")
    by_type = status_by_type(docs)
    statuses = sorted({s for counter in by_type.values() for s in counter})
    body += "<h3>By type and status (documents table)</h3>" + table(
        ["type", *statuses, "all"], [[t, *(n.get(s, 0) for s in statuses), sum(n.values())]
                                     for t, n in sorted(by_type.items())], numeric=range(1, len(statuses) + 2))
    errors: Mapping[str, int] = run.get("errors") or {}
    if errors:
        ordered = dict(sorted(errors.items(), key=lambda kv: (-kv[1], kv[0])))
        body += "<h3>Failures by error code (run.json)</h3>" + table(
            ["error code", "documents"], [[code, Raw(keyed(n, f"errors.{code}"))] for code, n in ordered.items()],
            numeric=[1])
        body += plot(plots.bars(ordered, title="Failed documents by error code", xlabel="documents",
                                color=plots.FAILED))
        failed = [d for d in docs if d.get("status") == "failed"]
        listed = table(["doc_id", "error code", "message"],
                       [[d.get("doc_id"), d.get("error_code"), d.get("error_message")] for d in failed[:MAX_FAILED_LISTED]])
        more = (f" ({MAX_FAILED_LISTED} listed; all are in failed.csv)" if len(failed) > MAX_FAILED_LISTED else "")
        body += f"<details><summary>{len(failed):,} failed documents{esc(more)}</summary>{listed}</details>"
    return section("documents", "Documents", body)


def calls_section(data: RunData) -> str:
    """The engine calls (rate, throttling, retries, latency) as run.json recorded them, and the
    documents finished over the run."""
    calls: Mapping[str, Any] = data.run.get("calls") or {}
    docs = data.tables["documents"]
    body = ""
    if calls.get("calls"):
        lat, tps, fl = calls.get("latency_ms") or {}, calls.get("tps") or {}, calls.get("in_flight") or {}
        body += tiles([("calls", calls.get("calls"), "calls.calls", ""), ("ok", calls.get("ok"), "calls.ok", "ok"),
                       ("throttled", calls.get("throttled"), "calls.throttled", "warn" if calls.get("throttled") else ""),
                       ("failed", calls.get("failed"), "calls.failed", "bad" if calls.get("failed") else ""),
                       ("retries", calls.get("retries"), "calls.retries", ""),
                       ("calls/s", calls.get("calls_per_s"), "calls.calls_per_s", ""),
                       ("latency p50 ms", lat.get("p50"), "calls.latency_ms.p50", ""),
                       ("latency p95 ms", lat.get("p95"), "calls.latency_ms.p95", "")])
        body += table(["rate from", "start /s", "ceiling /s", "final /s", "cuts", "peak in flight", "in flight at most"],
                      [[Raw(keyed(tps.get("source"), "calls.tps.source", text=str(tps.get("source")))),
                        Raw(keyed(tps.get("start"), "calls.tps.start")), Raw(keyed(tps.get("ceiling"), "calls.tps.ceiling")),
                        Raw(keyed(tps.get("final"), "calls.tps.final")), Raw(keyed(tps.get("cuts"), "calls.tps.cuts")),
                        Raw(keyed(fl.get("peak"), "calls.in_flight.peak")), Raw(keyed(fl.get("max"), "calls.in_flight.max"))]])
        per = calls.get("per_interval")
        if per and any(per.get(k) for k in ("ok", "throttled", "failed")):
            body += plot(plots.stacked_series(
                float(per["interval_s"]), {k: per.get(k, []) for k in ("ok", "throttled", "failed")},
                title="Calls answered per second, by outcome", ylabel="calls/s",
                colors={"ok": plots.OK, "throttled": plots.THROTTLED, "failed": plots.FAILED}))
        hist = calls.get("latency_histogram") or {}
        if hist.get("counts"):
            body += plot(plots.histogram(hist["edges_ms"], hist["counts"], title="Call latency",
                                         xlabel="milliseconds (log scale)",
                                         marks={"p50": lat.get("p50"), "p95": lat.get("p95")}))
        elif not per:
            body += note("This run.json predates per-interval call figures: totals only.")
    elif data.shard_runs:
        body += _shard_calls(data.shard_runs)
    else:
        body += note(f"The {data.run.get('engine')} engine makes no paced paid calls: documents over time "
                     "and their processing times, from the documents table.")
    finished = finished_per_interval(docs)
    if finished is not None and not calls.get("per_interval"):
        body += plot(plots.stacked_series(finished[0], {"documents": finished[1]}, title="Documents finished",
                                          ylabel="documents/s", colors={"documents": plots.NEUTRAL}))
    latencies = [float(d["latency_ms"]) for d in docs if d.get("latency_ms")]
    if latencies and not (calls.get("latency_histogram") or {}).get("counts"):
        edges, counts = log_histogram(latencies)
        body += plot(plots.histogram(edges, counts, title="Document processing time", xlabel="milliseconds (log scale)",
                                     marks={"p50": quantile(latencies, 0.5), "p95": quantile(latencies, 0.95)}))
    return section("calls", "Calls and throttling", body)


def _parsed(data: RunData) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(table, title, rows) of the parsed tables that have rows."""
    return [(kind, title, data.tables[kind]) for kind, title in (("receipts", "Receipts"), ("ids", "Identity documents"))
            if data.tables.get(kind)]


def _shard_calls(shard_runs: Sequence[Mapping[str, Any]]) -> str:
    """A split run's calls, one row per shard (each shard paced its share of the rate)."""
    rows = []
    for i, r in enumerate(shard_runs):
        c = r.get("calls") or {}
        lat = c.get("latency_ms") or {}
        rows.append([f"{i}/{len(shard_runs)}", r.get("run_id"), c.get("calls"), c.get("throttled"), c.get("retries"),
                     c.get("calls_per_s"), lat.get("p50"), lat.get("p95")])
    return note("A split run: each shard's call figures, from shards/<i>-of-<N>/run.json.") + table(
        ["shard", "run", "calls", "throttled", "retries", "calls/s", "p50 ms", "p95 ms"], rows,
        numeric=[2, 3, 4, 5, 6, 7])


def fields_section(data: RunData) -> str:
    """Per parsed table, how often each field was filled and how confident it was."""
    body = ""
    for kind, title, rows in _parsed(data):
        stats = field_stats(kind, rows)
        body += f"<h3>{esc(title)}: {len(rows):,} rows</h3>"
        body += table(["field", "filled", "fill rate", "median confidence", "at or under 50"],
                      [[s.name, s.filled, pct(s.fill_rate), num(s.median_confidence, digits=1), pct(s.low_share)]
                       for s in stats], numeric=[1, 2, 3, 4])
        filled = {s.name: s.fill_rate or 0.0 for s in stats if s.filled}
        if filled:
            body += plot(plots.bars(filled, title=f"{title}: fields filled", xlabel="share of rows", percent=True))
        boxes = {s.name: s.confidences for s in stats if s.confidences}
        if boxes:
            body += plot(plots.confidence_boxes(boxes, title=f"{title}: confidence by field"))
    return section("fields", "Fields: fill rates and confidence", body or note("No receipts or identity rows."))


def checks_section(data: RunData) -> str:
    """Per parsed table, how many rows fail each check it carries, and the review reasons."""
    body = ""
    for kind, title, rows in _parsed(data):
        checks = check_counts(kind, rows)
        body += f"<h3>{esc(title)}</h3>" + table(["check", "rows", "share"],
                                                 [[k, v, pct(v / len(rows))] for k, v in checks.items()],
                                                 numeric=[1, 2])
        reasons = reason_counts(rows)
        if reasons:
            body += table(["review reason", "rows"], reasons.most_common(), numeric=[1])
            body += plot(plots.bars(dict(reasons.most_common(15)), title=f"{title}: review reasons",
                                    xlabel="rows", color=plots.THROTTLED))
    return section("checks", "Validation failures", body or note("No receipts or identity rows."))


def recon_section(recon: Recon) -> str:
    """The reconciliation read from its folder: what matched, what needs review, what is unmatched."""
    s = recon.summary
    tx = s.get("transactions") or {}
    part = {k: (s.get(k) or {}) for k in ("matched", "needs_review", "unmatched_receipts", "unmatched_transactions")}
    body = note(f"From {recon.folder}.") + tiles([
        ("receipts", s.get("receipts"), "recon.receipts", ""),
        ("transactions", tx.get("count"), "recon.transactions.count", ""),
        ("matched", part["matched"].get("count"), "recon.matched.count", "ok"),
        ("match rate", pct(part["matched"].get("rate")), "recon.matched.rate", "ok"),
        ("to review", part["needs_review"].get("count"), "recon.needs_review.count", "warn"),
        ("receipts unmatched", part["unmatched_receipts"].get("count"), "recon.unmatched_receipts.count", ""),
        ("transactions unmatched", part["unmatched_transactions"].get("count"), "recon.unmatched_transactions.count", "")])
    body += table(["outcome", "count", "amount by currency"],
                  [[name.replace("_", " "), Raw(keyed(p.get("count"), f"recon.{name}.count")), _amounts_cell(p)]
                   for name, p in part.items()], numeric=[1])
    outcome = {"matched": part["matched"].get("count") or 0, "to review": part["needs_review"].get("count") or 0,
               "unmatched": part["unmatched_receipts"].get("count") or 0}
    body += plot(plots.bars(outcome, title="Receipts by reconciliation outcome", xlabel="receipts",
                            colors={"matched": plots.OK, "to review": plots.THROTTLED, "unmatched": plots.FAILED}))
    for name, key in (("needs_review", "by_reason"), ("unmatched_receipts", "by_reason"),
                      ("unmatched_transactions", "by_kind")):
        counts = part[name].get(key) or {}
        if counts:
            body += f"<h3>{esc(name.replace('_', ' '))} {esc(key.replace('_', ' '))}</h3>" + table(
                ["reason" if key == "by_reason" else "kind", "count"], list(counts.items()), numeric=[1])
    if rejected := tx.get("rejected"):
        body += "<h3>transaction lines set aside</h3>" + note(
            "Lines of the export whose date or amount could not be read: not matched, counted in no figure above.") \
            + table(["line below the header", "transaction id", "why"],
                    [[r.get("row"), r.get("transaction_id"), r.get("error")] for r in rejected], numeric=[0])
    scores = [float(r["score"]) for r in recon.tables.get("matches", []) if r.get("score") is not None]
    if scores:
        body += note(f"Match scores: median {quantile(scores, 0.5):.2f}, lowest {min(scores):.2f}.")
    return section("reconciliation", "Reconciliation", body)


def _by_currency(amounts: dict[str, str]) -> str:
    return ", ".join(f"{cur} {amt}" for cur, amt in amounts.items())


def _amounts_cell(part: dict) -> str:
    """An outcome's amounts; unmatched transactions per kind, so card payments never net out purchases."""
    if by_kind := part.get("amount_by_kind"):
        return "; ".join(f"{kind} {_by_currency(amounts)}" for kind, amounts in by_kind.items() if amounts) or "–"
    return _by_currency(part.get("amount") or {}) or "–"


def review_section(entries: Sequence[ReviewEntry], total: int, *, redact: bool, tables_missing: bool = False) -> str:
    """The rows needing review, each with why and its flagged fields (an identity document's
    reasons only, under ``redact``)."""
    if tables_missing:
        return section("review", "Documents needing review",
                       note("Not known yet: the run wrote no receipts or ids table (see Documents)."))
    if not total:
        return section("review", "Documents needing review", note("No document needs review."))
    rows = []
    for e in entries:
        fields = "".join(_field_cell(f) for f in e.fields) or '<span class="note">no single field named</span>'
        kind = "receipt" if e.kind == "receipts" else "identity document"
        rows.append([Raw(f"<b>{esc(e.doc_id)}</b><br><span class=\"note\">{kind}</span>"),
                     Raw("<br>".join(f'<span class="reason">{esc(r)}</span>' for r in e.reasons)), Raw(fields)])
    body = (note(f"{len(entries):,} of {total:,} rows needing review shown" + ("" if len(entries) == total else
                 " (the rest: needs_review in the receipts and ids tables)") + "."
                 + (" Identity documents: reasons only (--redact)." if redact else ""))
            + table(["document", "why", "flagged fields"], rows, css="review"))
    return section("review", "Documents needing review", body)


def _field_cell(f: Any) -> str:
    head = f"<b>{esc(f.name)}</b>"
    if f.value is not None:
        head += f" = <code>{esc(f.value)}</code>"
    if f.confidence is not None:
        head += f' <span class="note">(confidence {f.confidence:.0f})</span>'
    img = (f'<div class="crop"><img alt="{esc(f.name)} as read on the page" src="{f.crop}"></div>' if f.crop
           else f'<div class="note">{esc(f.why_no_crop)}</div>')
    return f"<div>{head}{img}</div>"


def history_section(history: Sequence[Mapping[str, Any]]) -> str:
    """The folder's earlier runs (runs/), one row each; nothing for a folder run once."""
    if len(history) < 2:
        return ""
    rows = [[r.get("run_id"), r.get("outcome"), (r.get("counts") or {}).get("total"),
             (r.get("counts") or {}).get("ok"), (r.get("counts") or {}).get("failed"),
             (r.get("counts") or {}).get("processed_this_run"), (r.get("timings") or {}).get("elapsed_s")]
            for r in history]
    return section("history", "Runs into this folder", table(
        ["run", "outcome", "documents", "ok", "failed", "processed", "seconds"], rows, numeric=[2, 3, 4, 5, 6]))

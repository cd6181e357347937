"""Reconciliation benchmark: precision and recall of ``docbatch reconcile`` beside a naive join.

Receipts come from the real pipeline: the SROIE answer keys' images go through
``run_batch`` with the replay engine answering SROIE's perfect lines (``box/``, as
``evals.receipts`` builds them), so every extraction error of the parser is in the
receipts table the matcher reads.  The card statement is generated from the answer keys
(:mod:`benchmarks.statements`: lag, tips, FX, descriptor noise, same-day duplicate amounts,
missing receipts, cash receipts, extra transactions, refunds), seeded.

Keys 000–312 are the tuning half (the matcher's weights and thresholds were chosen on it),
313–625 are held out; both are printed side by side, ours beside the naive join an
analyst would write first (``total = amount AND posted 0–3 days after receipt_date``, in
pandas: the same as the DuckDB SQL, without adding duckdb).

    python -m benchmarks.reconcile [--data DIR] [--work-dir DIR] [--seed N] [-v]

A match is right when the transaction is the one generated for that receipt (a receipt
scanned twice may match its purchase through either scan).  Precision: right automatic
matches over automatic matches.  Recall: purchases matched rightly over purchases whose
receipt the matcher was given.  "Recall incl. review" also counts receipts in review whose
proposed transaction is the right one.  A receipt whose total the parser flagged never
matches automatically on that total (it goes to review with its best candidate) but may on
another amount it prints confidently (the subtotal, the amount paid), so the last rows give
how many true matches have a flagged total (right totals the parser flagged + wrong totals it
caught), how many of those matched on another amount, and the recall over the others; the
table under them counts every true match not
matched automatically by the first reason that held it back (:data:`HELD_BACK`), so that the
distance to the recall target has its causes beside it.
"""

from __future__ import annotations

import argparse
import csv
import fcntl
import hashlib
import json
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

import docbatch.parse
from docbatch import reconcile
from docbatch.config import RunConfig
from docbatch.reconcile import MatchSettings, ReconcileSettings
from docbatch.reconcile.descriptors import normalise_descriptor, similarity
from docbatch.reconcile.receipts import prepare
from docbatch.reconcile.scoring import LOOSE_MERCHANT
from docbatch.reparse import reparse_run
from docbatch.runner import run_batch
from evals import add_data_option, shared_data
from evals.receipts import box_response, sroie_image_size, truth_money

from . import card_tender as card_tender_module
from .card_tender import card_tender
from .sroie_purchases import purchases
from .statements import DESCRIPTOR_MODES, TENDER_MODES, Statement, make_statement

SPLIT = 313  # keys below are for tuning, the rest held out


def parser_fingerprint() -> str:
    """A digest of the parsing package's source: a run parsed by other code is not these receipts."""
    digest = hashlib.sha256()
    for path in sorted(Path(docbatch.parse.__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def parsed_receipts(sroie: Path, work: Path, stems: list[str], *, card_paid: bool = False) -> Path:
    """A run folder of the SROIE receipts parsed by the pipeline (replayed perfect lines); with
    ``card_paid``, of the same receipts with their cash tender printed as a card payment
    (:func:`benchmarks.card_tender.card_tender`), in a run of its own.

    A complete run is reused; when the parser changed since it was parsed its tables are
    rebuilt from its raw responses (``reparse_run``, no engine), so the figures are always
    the current parser's."""
    # The card run is named for the rewrite's code: receipts rewritten by other code are other receipts.
    suffix = f"-card-{hashlib.sha256(Path(card_tender_module.__file__).read_bytes()).hexdigest()[:8]}" if card_paid else ""
    run = work / f"run{suffix}"
    info = run / "run.json"
    stamp = work / f"parser-fingerprint{suffix}.txt"
    # Taken before parsing: a source edited while this runs must not stamp tables parsed by the old code.
    fingerprint = parser_fingerprint()
    if info.exists():
        body = json.loads(info.read_text())
        if body.get("counts", {}).get("ok") == len(stems):
            if not stamp.exists() or stamp.read_text() != fingerprint:
                reparse_run(run)
                stamp.write_text(fingerprint)
            return run
    responses = work / f"responses{suffix}"
    responses.mkdir(parents=True, exist_ok=True)
    manifest = work / f"manifest{suffix}.csv"
    with open(manifest, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "doc_type", "doc_id"])
        for stem in stems:
            target = responses / f"{stem}.json"
            if not target.exists():
                target.write_text(json.dumps(box_response(sroie / "box" / f"{stem}.csv",
                                                          image_size=sroie_image_size(sroie, stem),
                                                          rewrite=_card_rewrite(sroie, stem) if card_paid else None)))
            w.writerow([str((sroie / "img" / f"{stem}.jpg").resolve()), "receipt", stem])
    t0 = time.monotonic()
    summary = run_batch(RunConfig(manifest=str(manifest), out=str(run), engine="replay", replay_dir=str(responses),
                                  doc_type="receipt", use_cache=False))
    print(f"pipeline: {summary.message} ({time.monotonic() - t0:.0f} s)", file=sys.stderr)
    stamp.write_text(fingerprint)
    return run


def _card_rewrite(sroie: Path, stem: str) -> Callable[[list[Any]], list[Any]] | None:
    """The receipt's lines with a card payment of its answer key's total (None without a total)."""
    key = json.loads((sroie / "key" / f"{stem}.json").read_text(encoding="utf-8", errors="replace"))
    total = truth_money(key.get("total", "") or "")
    return None if total is None else (lambda lines: card_tender(lines, total))


@dataclass
class Figures:
    true_matches: int
    auto: int = 0
    right: int = 0
    review: int = 0
    review_right: int = 0
    #: true matches whose receipts' totals are all flagged (the matcher may only propose them)
    flagged: int = 0
    #: of those, the ones whose flagged totals are all wrong (an extraction error, rightly flagged)
    flagged_wrong: int = 0

    #: of the flagged ones, those matched rightly all the same (on another printed amount)
    flagged_matched: int = 0
    right_unflagged: int = 0
    #: true matches not matched automatically, by the first reason that held each back (see :func:`miss_reasons`)
    missed: dict[str, int] = field(default_factory=dict)

    def row(self) -> dict[str, str]:
        p = self.right / self.auto if self.auto else float("nan")
        return {"true": str(self.true_matches), "auto": str(self.auto), "right": str(self.right),
                "wrong": str(self.auto - self.right), "precision": f"{100 * p:.1f}%",
                "recall": f"{100 * self.right / self.true_matches:.1f}%",
                "review": str(self.review) if self.review >= 0 else "-",
                "review_right": str(self.review_right) if self.review >= 0 else "-",
                "recall_review": (f"{100 * (self.right + self.review_right) / self.true_matches:.1f}%"
                                  if self.review >= 0 else "-"),
                "flagged": (f"{self.flagged} = {self.flagged - self.flagged_wrong} + {self.flagged_wrong}"
                            if self.review >= 0 else "-"),
                "flagged_matched": str(self.flagged_matched) if self.review >= 0 else "-",
                "recall_unflagged": (f"{100 * self.right_unflagged / (self.true_matches - self.flagged):.1f}%"
                                     if self.review >= 0 else "-")}


def _true_matches(st: Statement) -> int:
    return sum(1 for docs in st.truth.values() if docs & st.receipts)


def score_ours(result: Any, st: Statement, verbose: bool, flagged: set[str] | None = None,
               merchants: dict[str, str] | None = None, misread: set[str] | None = None) -> Figures:
    """``flagged``: receipts whose total the parser flagged; ``misread``: receipts whose total is
    not the answer key's; ``merchants``: doc_id -> the key's merchant (for the reasons of misses)."""
    f = Figures(_true_matches(st))
    flagged, misread = flagged or set(), misread or set()
    flagged_txns = {t for t, docs in st.truth.items() if docs & st.receipts and docs & st.receipts <= flagged}
    f.flagged = len(flagged_txns)
    f.flagged_wrong = sum(1 for t in flagged_txns if st.truth[t] & st.receipts <= misread)
    right_txns = set()
    for row in result.matches.to_pylist():
        f.auto += 1
        if row["doc_id"] in st.truth.get(row["transaction_id"], frozenset()):
            f.right += 1
            right_txns.add(row["transaction_id"])
        elif verbose:
            print(f"  wrong: {row['doc_id']} -> {row['transaction_id']} {row['descriptor']!r} "
                  f"{row['reasons']} score={row['score']:.3f}", file=sys.stderr)
    f.right = len(right_txns)
    f.right_unflagged = len(right_txns - flagged_txns)
    f.flagged_matched = len(right_txns & flagged_txns)
    proposed = set()
    for row in result.needs_review.to_pylist():
        f.review += 1
        if row["doc_id"] in st.truth.get(row["transaction_id"] or "", frozenset()):
            proposed.add(row["transaction_id"])
    # a purchase counts once: a second scan of a matched receipt is proposed its transaction too
    f.review_right = len(proposed - right_txns)
    reasons = miss_reasons(result, st, right_txns, flagged, merchants, misread) if merchants is not None else {}
    if merchants is not None:
        f.missed = {key: sum(1 for r in reasons.values() if r == key) for key, _ in HELD_BACK}
    if verbose:
        _print_missed(result, st, right_txns, reasons)
    return f


#: Why a true match was not automatic, in the order they are tested (the first that applies counts).
HELD_BACK = (("total_flagged_right", "right total flagged, nothing else charged"),
             ("total_flagged_wrong", "wrong total flagged, nothing else charged"),
             ("no_amount", "no amount read (total missing or zero)"),
             ("unprinted_name", "descriptor naming nothing the receipt prints"),
             ("trading_name", "descriptor unlike the merchant (noise)"),
             ("vendor_misread", "vendor name misread or missing"),
             ("ambiguous", "ambiguous: a close second candidate"),
             ("date", "date outside the window or far"),
             ("amount", "amount outside tolerance, odd tip/FX"),
             ("card_currency", "card or currency disagree"),
             ("low_score", "low score, other"),
             ("elsewhere", "receipt given another transaction"))


def miss_reasons(result: Any, st: Statement, right_txns: set[str], flagged: set[str],
                 merchants: dict[str, str], misread: set[str] = frozenset()) -> dict[str, str]:
    """transaction id -> the first :data:`HELD_BACK` reason, for each true match not matched automatically.

    The merchant reasons use the truth: a descriptor that does not resemble the purchase's
    merchant is another trading name (no name comparison can find it); one that does, with
    the pair's merchant evidence failing, means the parser read the vendor wrong."""
    where: dict[str, tuple[str, set[str], Any]] = {}
    for row in result.needs_review.to_pylist():
        where[row["doc_id"]] = ("review", set(row["review_reason"].split(";")), row["transaction_id"])
    for row in result.unmatched_receipts.to_pylist():
        where[row["doc_id"]] = ("unmatched", {row["reason"]}, row["best_transaction_id"])
    by_id = {r["transaction_id"]: r for r in st.rows}
    out: dict[str, str] = {}
    for tid, docs in st.truth.items():
        given = sorted(docs & st.receipts)
        if not given or tid in right_txns:
            continue
        doc = next((d for d in given if d not in flagged), None)
        if doc is None:  # a parser false alarm, or an extraction error it caught
            out[tid] = "total_flagged_wrong" if set(given) <= misread else "total_flagged_right"
        else:
            out[tid] = _reason(where.get(doc), tid, by_id[tid]["descriptor"], merchants.get(given[0], ""),
                               st.billed_as.get(tid, "legal"))
    return out


def _reason(place: tuple[str, set[str], Any] | None, tid: str, descriptor: str, merchant: str,
            billed_as: str = "legal") -> str:
    if place is None:
        return "elsewhere"
    table, reasons, proposed = place
    if reasons & {"total_missing", "not_a_purchase"}:
        return "no_amount"
    if table == "review" and reasons == {"duplicate_receipt"}:
        return "elsewhere"
    if "merchant_mismatch" in reasons or "low_score" in reasons or table == "unmatched":
        if billed_as in ("unprinted", "unrelated"):
            return "unprinted_name"
        sim = similarity(normalise_descriptor(merchant), normalise_descriptor(descriptor)) or 0.0
        if sim < LOOSE_MERCHANT:
            return "trading_name"
        if "merchant_mismatch" in reasons:
            return "vendor_misread"
    if reasons & {"ambiguous", "names_another_vendor"}:
        return "ambiguous"
    if reasons & {"date_outside_window", "date_far", "date_missing"}:
        return "date"
    if table == "unmatched" or "amount_uncertain" in reasons:
        return "amount"
    if reasons & {"card_mismatch", "currency_mismatch", "currency_unresolved"}:
        return "card_currency"
    if proposed != tid:
        return "elsewhere"
    return "low_score"


def _print_missed(result: Any, st: Statement, right_txns: set[str], reasons: dict[str, str]) -> None:
    """Each purchase whose given receipt was not matched to it automatically, why (:data:`HELD_BACK`'s
    key) and where that receipt went."""
    where: dict[str, str] = {}
    for table in ("needs_review", "unmatched_receipts"):
        for row in getattr(result, table).to_pylist():
            where[row["doc_id"]] = (f"{table}: {row.get('review_reason') or row.get('reason')} "
                                    f"-> {row.get('transaction_id') or row.get('best_transaction_id')} "
                                    f"score={row.get('score') or row.get('best_score')}")
    by_id = {r["transaction_id"]: r for r in st.rows}
    for tid, docs in sorted(st.truth.items()):
        given = sorted(docs & st.receipts)
        if given and tid not in right_txns:
            t = by_id[tid]
            print(f"  missed [{reasons.get(tid, '?')}]: {tid} {t['descriptor']!r} {t['amount']} {t['transaction_date']} "
                  f"<- {given}: {[where.get(d, 'matched elsewhere') for d in given]}", file=sys.stderr)


def score_naive(receipts: pd.DataFrame, st: Statement) -> Figures:
    """``SELECT * FROM receipts r JOIN card t ON r.total = t.amount AND t.posted BETWEEN r.receipt_date AND +3``."""
    f = Figures(_true_matches(st), review=-1)
    txns = pd.DataFrame(st.rows)
    txns = txns[txns["amount"] > 0]
    r = receipts[["doc_id", "receipt_date", "total"]].dropna()
    joined = r.merge(txns, left_on="total", right_on="amount")
    lag = (pd.to_datetime(joined["posted_date"]) - pd.to_datetime(joined["receipt_date"])).dt.days
    joined = joined[(lag >= 0) & (lag <= 3)]
    f.auto = len(joined)
    right = {t for d, t in zip(joined["doc_id"], joined["transaction_id"]) if d in st.truth.get(t, frozenset())}
    f.right = len(right)
    wrong_pairs = sum(1 for d, t in zip(joined["doc_id"], joined["transaction_id"])
                      if d not in st.truth.get(t, frozenset()))
    f.auto = f.right + wrong_pairs
    return f


def given_receipts(run: Path, card_run: Path | None, st: Statement, stems: list[str]) -> pa.Table:
    """The receipts table the matcher is given: the receipts of the statement, from ``run``; with
    ``card_run``, a charged purchase's receipt is taken from it (printing the card payment)."""
    def rows(folder: Path, docs: set[str]) -> pa.Table:
        table = ds.dataset(str(folder / "receipts"), format="parquet").to_table()
        return table.filter(pc.is_in(table["doc_id"], value_set=pa.array(sorted(docs), pa.string())))

    given = st.receipts & set(stems)
    if card_run is None:
        return rows(run, given)
    charged = given & {d for docs in st.truth.values() for d in docs}
    return pa.concat_tables([rows(run, given - charged), rows(card_run, charged)]).sort_by("doc_id")


def run_split(name: str, sroie: Path, run: Path, stems: list[str], work: Path, seed: int,
              settings: ReconcileSettings, verbose: bool, card_run: Path | None = None, **generator: Any
              ) -> tuple[Figures, Figures, Statement, dict[str, Any]]:
    """One half: its statement (``generator``: :func:`make_statement`'s options), ours and the naive join;
    ``card_run``: the receipts printing a card payment, for the charged purchases (see :func:`given_receipts`)."""
    bought, unusable = purchases(sroie, stems)
    st = make_statement(bought, unusable, seed=seed, **generator)
    statement = work / f"statement-{name}.csv"
    statement.write_text(st.csv_text, encoding="utf-8")
    table = given_receipts(run, card_run, st, stems)
    t0 = time.monotonic()
    result = reconcile(table, statement, out=work / f"recon-{name}", settings=settings)
    elapsed = time.monotonic() - t0
    flagged = {r.doc_id for r in prepare(table.to_pylist(), settings=settings.match, job_currency=settings.currency)
               if r.total_flagged}
    merchants = {d: p.merchant for p in bought for d in p.doc_ids}
    truth_total = {d: p.total for p in bought for d in p.doc_ids}
    misread = {r["doc_id"] for r in table.to_pylist()
               if r["doc_id"] in truth_total and r["total"] != truth_total[r["doc_id"]]}
    ours = score_ours(result, st, verbose, flagged, merchants, misread)
    naive = score_naive(table.to_pandas(), st)
    return ours, naive, st, {"seconds": elapsed, "receipts": table.num_rows, "transactions": len(st.rows),
                             "summary": result.summary}


def tune(sroie: Path, run: Path, card_run: Path | None, stems: list[str], work: Path, seeds: list[int],
         **generator: Any) -> str:
    """A small grid over thresholds and weights on the tuning half only, summed over several
    statement seeds (so that a choice is not fitted to one draw): the best recall at precision >= 99.5%."""
    bought, unusable = purchases(sroie, stems)
    cases = []
    for seed in seeds:
        st = make_statement(bought, unusable, seed=seed, **generator)
        statement = work / f"statement-tune-{seed}.csv"
        statement.write_text(st.csv_text, encoding="utf-8")
        cases.append((st, statement, given_receipts(run, card_run, st, stems)))
    rows = []
    for weights in ((0.40, 0.25, 0.35), (0.45, 0.20, 0.35), (0.35, 0.25, 0.40), (0.40, 0.20, 0.40), (0.50, 0.20, 0.30)):
        for auto in (0.78, 0.80, 0.82, 0.85):
            for margin in (0.04, 0.06, 0.08, 0.12):
                match = MatchSettings(weights=weights, auto_threshold=auto, ambiguity_margin=margin)
                right = auto_n = review = 0
                for st, statement, table in cases:
                    f = score_ours(reconcile(table, statement, settings=ReconcileSettings(match=match)), st, False)
                    right, auto_n, review = right + f.right, auto_n + f.auto, review + f.review
                rows.append((right / max(auto_n, 1) >= 0.995, -(auto_n - right), right, -review, weights, auto,
                             margin))
    rows.sort(reverse=True)
    lines = [f"tuning half only, statements of seeds {seeds} summed: fewest wrong at precision >= 99.5%, then recall",
             f"  {'weights (amount, date, merchant)':<34}{'auto':>6}{'margin':>8}{'right':>7}{'wrong':>7}{'review':>8}"]
    for ok, wrong, right, review, weights, auto, margin in rows[:8]:
        lines.append(f"  {str(weights):<34}{auto:>6}{margin:>8}{right:>7}{-wrong:>7}{-review:>8}"
                     + ("" if ok else "  (precision below target)"))
    d = MatchSettings()
    lines.append(f"  defaults: weights {d.weights}, auto {d.auto_threshold}, margin {d.ambiguity_margin}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.reconcile", description=__doc__.split("\n")[0])
    add_data_option(ap)
    ap.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "docbatch-bench-reconcile",
                    help="pipeline run, statements and reconciliation folders (the run is reused)")
    ap.add_argument("--seed", type=int, default=7, help="statement generator seed")
    ap.add_argument("--verbose", "-v", action="store_true", help="list every wrong automatic match and every miss")
    ap.add_argument("--tune", action="store_true", help="grid of thresholds and weights on the tuning half only")
    ap.add_argument("--descriptors", choices=DESCRIPTOR_MODES, default="derived",
                    help="names billed: the receipt's merchant, a share under a name printed nowhere (default); "
                         "legacy: 4%% drawn from a fixed list of brands whatever the receipt")
    ap.add_argument("--unprinted", type=float, default=0.04,
                    help="with derived descriptors, the share billed under a name the receipt does not print")
    ap.add_argument("--tender", choices=TENDER_MODES, default="paid",
                    help="paid: a charged purchase's receipt prints the card payment, a receipt printing a card "
                         "is never a cash purchase (default); printed: the first generator's receipts as transcribed")
    args = ap.parse_args(argv)
    generator = {"descriptors": args.descriptors, "unprinted": args.unprinted, "tender": args.tender}
    sroie = shared_data(args.data) / "sroie-train"
    if not (sroie / "key").is_dir():
        print(f"SROIE data not found at {sroie} (give --data DIR or set DOCBATCH_SHARED_DATA)", file=sys.stderr)
        return 2
    stems = sorted(p.stem for p in (sroie / "key").glob("*.json") if (sroie / "box" / f"{p.stem}.csv").exists())
    args.work_dir.mkdir(parents=True, exist_ok=True)
    with open(args.work_dir / ".benchmark.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"another benchmark is using {args.work_dir}: wait for it or give --work-dir DIR of your own",
                  file=sys.stderr)
            return 2
        return _measure(args, sroie, stems, generator)


def _measure(args: argparse.Namespace, sroie: Path, stems: list[str], generator: dict[str, Any]) -> int:
    """The benchmark in a work folder this process holds: two runs in one folder would overwrite
    each other's statements and reconciliations, and the second would find the first's run locked."""
    run = parsed_receipts(sroie, args.work_dir, stems)
    card_run = parsed_receipts(sroie, args.work_dir, stems, card_paid=True) if args.tender == "paid" else None
    if args.tune:
        print(tune(sroie, run, card_run, [s for s in stems if int(s) < SPLIT], args.work_dir,
                   [args.seed + k for k in range(4)], **generator))
        return 0
    settings = ReconcileSettings()
    halves = [("tuning", [s for s in stems if int(s) < SPLIT]), ("held-out", [s for s in stems if int(s) >= SPLIT])]
    results = [(name, *run_split(name, sroie, run, part, args.work_dir, args.seed + k, settings, args.verbose,
                                 card_run, **generator)) for k, (name, part) in enumerate(halves)]
    print(render(results, args.seed, generator))
    ok = all(o.right / max(o.auto, 1) >= 0.995 for _, o, *_ in results)
    return 0 if ok else 1


def render(results: list[tuple[str, Figures, Figures, Statement, dict[str, Any]]], seed: int,
           generator: dict[str, Any]) -> str:
    shown = ("legacy (4% from a fixed brand list)" if generator["descriptors"] == "legacy"
             else f"derived ({100 * generator['unprinted']:g}% printed nowhere on the receipt)")
    tender = ("charged receipts print the card payment" if generator.get("tender", "paid") == "paid"
              else "receipts as transcribed")
    lines = [f"reconciliation: SROIE keys, receipts parsed by the pipeline (replay of perfect lines), seed {seed}, "
             f"descriptors {shown}, {tender}"]
    for name, _, _, st, info in results:
        c = st.counts
        lines.append(f"  {name}: {info['receipts']} receipts given, {info['transactions']} transactions "
                     f"({c['purchases']} purchases: {c['cash']} cash, {c['missing_receipt']} receipt missing, "
                     f"{c['tip']} tip, {c['fx_rounding']} fx rounding, {c['foreign_billing']} billed in SGD, "
                     f"{c['same_day_decoy']} same-day same-amount decoys, {c['extra']} extra, {c['refund']} refunds, "
                     f"{c['payment']} payments); reconciled in {info['seconds']:.2f} s")
        kinds = Counter(st.billed_as.values())
        lines.append("    purchases billed under: " + ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())))
    labels = [("true", "true matches"), ("auto", "matched automatically"), ("right", "  right"),
              ("wrong", "  wrong"), ("precision", "precision"), ("recall", "recall"),
              ("review", "in review"), ("review_right", "  right candidate proposed"),
              ("recall_review", "recall incl. review"), ("flagged", "total flagged: right+wrong"),
              ("flagged_matched", "  matched on another amount"),
              ("recall_unflagged", "recall, totals not flagged")]
    head = f"  {'':<28}" + "".join(f"{name + ' ' + who:>20}" for name, *_ in results for who in ("ours", "naive"))
    lines += ["", head]
    rows = [(o.row(), n.row()) for _, o, n, *_ in results]
    for key, label in labels:
        lines.append(f"  {label:<28}" + "".join(f"{pair[k][key]:>20}" for pair in rows for k in (0, 1)))
    lines += ["", "  true matches not automatic, by the first reason:" + "".join(f"{name:>20}" for name, *_ in results)]
    for key, label in HELD_BACK:
        lines.append(f"    {label:<46}" + "".join(f"{o.missed.get(key, 0):>20}" for _, o, *_ in results))
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())

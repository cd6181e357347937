"""``docbatch reconcile``: a run's receipts against a card or bank export."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .group import main, s3_folder_options

if TYPE_CHECKING:
    from ..config import SourceSettings


@main.command("reconcile")
@click.option("--receipts", required=True,
              help="A docbatch run folder, local or s3:// (or its receipts/ folder, or a receipts Parquet file).")
@click.option("--transactions", "-t", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Card or bank export: CSV/TSV, Parquet, OFX/QFX or QIF.")
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for matches, needs_review, unmatched_* tables and summary.json.")
@click.option("--map", "mapping", multiple=True, metavar="CANONICAL=COLUMN",
              help="Name an export column: amount, debit, credit, transaction_date, posted_date, descriptor, "
                   "transaction_id, card_last4, currency, original_amount, original_currency, direction, status. "
                   "Repeatable.")
@click.option("--sign", type=click.Choice(["auto", "debit_negative", "debit_positive"]), default="auto",
              show_default=True, help="Sign of a spend in a single amount column.")
@click.option("--date-order", type=click.Choice(["DMY", "MDY"]), help="Day/month order of the export's dates.")
@click.option("--decimal-separator", type=click.Choice([".", ","]), help="Decimal separator of the export's amounts.")
@click.option("--currency", help="What a bare $ (or no sign) on the receipts means, ISO 4217 (the job's currency).")
@click.option("--transaction-currency", help="Currency of transactions whose export names none.")
@click.option("--lag-days", help="Settlement window: days from receipt date to posted date, LOW:HIGH (default 0:5).")
@click.option("--fx-tolerance", type=float, help="Relative amount difference accepted as FX (default 0.03).")
@click.option("--max-tip", type=float, help="Largest tip as a fraction of the total (default 0.30).")
@click.option("--auto-threshold", type=float, help="Score from which a pair matches without review.")
@click.option("--review-threshold", type=float, help="Score from which a pair is proposed for review.")
@click.option("--format", "formats", default="parquet,csv", show_default=True, help="Output formats.")
@s3_folder_options
def reconcile_command(receipts: str, transactions: Path, out: Path, sources: SourceSettings,
                      **options: Any) -> None:
    """Match a run's receipts to card transactions, one-to-one and globally.

    Reads only the run's receipts table and the export.  Writes matches, needs_review
    (ambiguous, low score, flagged totals), unmatched_receipts, unmatched_transactions
    (Parquet, and CSV under csv/) and summary.json into OUT.
    """
    from ..reconcile import reconcile
    from ..reconcile.settings import build_settings

    result = reconcile(receipts, transactions, out=out, settings=build_settings(**options), sources=sources)
    s = result.summary
    for r in s["transactions"]["rejected"]:
        click.echo(f"docbatch: warning: transactions line {r['row']} below the header ({r['transaction_id']}) "
                   f"set aside: {r['error']}", err=True)
    for r in s["transactions"]["repeated_ids"]:
        click.echo(f"docbatch: warning: transactions line {r['row']} below the header repeats the id "
                   f"{r['transaction_id']} of an earlier line: written {r['written_as']}", err=True)
    click.echo(f"{s['receipts']} receipts, {s['transactions']['count']} transactions: "
               f"{s['matched']['count']} matched, {s['needs_review']['count']} to review, "
               f"{s['unmatched_receipts']['count']} receipts and {s['unmatched_transactions']['count']} "
               f"transactions unmatched{_rejected(s)}; tables in {out}", err=True)


def _rejected(summary: dict[str, Any]) -> str:
    n = len(summary["transactions"]["rejected"])
    return f", {n} transaction line{'s' * (n != 1)} set aside (summary.json: transactions.rejected)" if n else ""

"""Receipts as reconciliation sees them: read from a run's outputs, never from its engine or journal.

A receipt brings the amounts a card may have been charged (the total; the sum before cash
rounding, the subtotal, the amount paid, the total plus a printed tip as alternatives), its date, its vendor, the card's
last 4 digits when printed, a resolved currency (:mod:`.currency`) and the doubts the
parser recorded, and the other names it prints for its merchant.  A flagged total (missing, low confidence, or a total-related review
reason) never matches automatically: a pair on it can only be proposed for review.  The
receipt's other printed amounts keep their own confidence (``confident_bases``): a
statement charging exactly one of them, read confidently, is evidence that does not rest on
the flagged total (see :mod:`.matching`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Mapping

import pyarrow as pa

from ..config import SourceSettings
from ..runfolder import MARKER, RunFolder
from ..publication import Published
from ..table_folders import parquet_builds, read_published, tables_not_written
from .currency import receipt_currency
from .descriptors import normalise_descriptor
from ..errors import ReceiptsNotFound
from ..merge import require_whole
from .settings import MatchSettings

_CARD_PAYMENT = re.compile(r"CARD|VISA|MASTER|AMEX|DEBIT|CREDIT|CONTACTLESS|PAYWAVE", re.I)
_TOTAL_REASONS = ("total_missing", "total_low_confidence", "totals_inconsistent")
_VENDOR_REASONS = ("vendor_missing", "vendor_name_low_confidence")


@dataclass
class Receipt:
    doc_id: str
    vendor_name: str | None
    receipt_date: dt.date | None
    total: Decimal | None
    #: (basis, amount) pairs a card may have been charged, the total first.
    amounts: list[tuple[str, Decimal]]
    currency: str | None
    currency_source: str | None
    card_last4: str | None
    total_flagged: bool
    date_flagged: bool
    vendor_key: str = ""
    #: The parser could not read the vendor (missing, or its name at low confidence): a name
    #: unlike the descriptor is then no evidence against a pair (see :mod:`.matching`).
    vendor_flagged: bool = False
    #: Other names the receipt prints for its merchant (brand row, owning company, web domain), normalised.
    alias_keys: tuple[str, ...] = ()
    #: Bases of ``amounts`` (other than the total) whose own reading is above the review level.
    confident_bases: frozenset[str] = frozenset()
    #: The receipt says it was paid in cash (its payment row names cash): no card was charged for it.
    paid_cash: bool = False
    #: The receipt says it was paid by card or e-wallet (its payment row names one).
    paid_by_card: bool = False
    #: Receipts with the same key are one purchase scanned twice (vendor, date, total, time, number).
    duplicate_key: tuple[Any, ...] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def is_refund(self) -> bool:
        return self.total is not None and self.total < 0

    @property
    def tip_bases(self) -> frozenset[str]:
        """The amounts a charge may carry a tip on: the total; when the total is flagged, also the
        amounts read confidently on a row of their own, the figures the card may have been charged
        instead (a card row's 22.65 under a total misread as 24.00, and 26.05 charged with the tip)."""
        return frozenset({"total"} | (self.confident_bases if self.total_flagged else frozenset()))

    def basis_of(self, amount: Decimal) -> str | None:
        """The basis of ``amounts`` printing this amount (the first: equal amounts are kept once)."""
        return next((b for b, v in self.amounts if v == amount), None)


def _run_receipts_path(root: Path) -> Path | None:
    if (root / MARKER).exists() or (root / "receipts").is_dir():
        folder = RunFolder(root)
        require_whole(folder)
        return Path(folder.path("receipts"))
    return None


def read_receipt_rows(source: Any, *, sources: SourceSettings | None = None) -> list[dict[str, Any]]:
    """Rows of a receipts table: a run folder (a path, or an ``s3://`` URI reached per ``sources``),
    its ``receipts/`` folder, a Parquet file, a DataFrame or Arrow table."""
    if isinstance(source, (str, Path)) and str(source)[:5].lower() == "s3://":
        return _s3_receipt_rows(str(source), sources)
    if isinstance(source, pa.Table):
        return source.to_pylist()
    if hasattr(source, "to_dict") and hasattr(source, "columns"):
        return pa.Table.from_pandas(source, preserve_index=False).to_pylist()
    import pyarrow.dataset as ds

    root = Path(source)
    path = _run_receipts_path(root) if root.is_dir() else None
    if path is not None and not path.exists() and (run := RunFolder(root).read_run_json()):
        raise ReceiptsNotFound(f"run folder {root} has {tables_not_written(run)}")
    path = path or root
    if not path.exists():
        raise ReceiptsNotFound(f"no receipts table at {root} (give a docbatch run folder or its receipts/ folder)")
    try:
        # flat parts, or Hive-style key=value/ folders (--partition-by)
        files = sorted(str(p) for p in path.rglob("*.parquet") if not p.name.startswith(".")) if path.is_dir() \
            else [str(path)]
        if not files:
            raise ReceiptsNotFound(f"{path} holds no Parquet parts (was the run written with --format csv only?)")
        _refuse_other_tables(files, path)
        base = str(path) if path.is_dir() else None
        return ds.dataset(files, format="parquet", partitioning="hive", partition_base_dir=base).to_table().to_pylist()
    except (OSError, pa.ArrowInvalid) as exc:
        raise ReceiptsNotFound(f"cannot read the receipts table at {path}: {exc}") from exc


def _refuse_other_tables(files: list[str], path: Path) -> None:
    """Refuse parts that say they hold another of docbatch's tables (a run's ``ids/``, a reconciliation).

    A Parquet file without docbatch's ``table`` metadata is the user's own table, taken as receipts.
    """
    import pyarrow.parquet as pq

    for file in files:
        table = (pq.read_schema(file).metadata or {}).get(b"table", b"receipts").decode()
        if table != "receipts":
            raise ReceiptsNotFound(f"{path} holds docbatch's {table} table, not receipts ({file}); give the run "
                                   "folder or its receipts/ folder")


def _s3_receipt_rows(uri: str, sources: SourceSettings | None) -> list[dict[str, Any]]:
    """The receipts table of a run folder on S3 as last published (flat parts or key=value/ folders)."""
    folder = RunFolder(uri, sources=sources)
    require_whole(folder, sources)
    published = Published(folder)
    try:
        builds = parquet_builds(published, "receipts")
        if not any(parts for _, parts in builds):
            if run := folder.read_run_json():
                raise ReceiptsNotFound(f"run folder {uri} has {tables_not_written(run)}")
            raise ReceiptsNotFound(f"no receipts table at {uri} (give a docbatch run folder, written with Parquet)")
        return read_published(published, "receipts", builds=builds)
    except (OSError, pa.ArrowInvalid) as exc:
        raise ReceiptsNotFound(f"cannot read the receipts table at {uri}: {exc}") from exc


def _money(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def prepare(rows: Iterable[Mapping[str, Any]], *, settings: MatchSettings, job_currency: str | None) -> list[Receipt]:
    """Receipts ready to match, in the table's order."""
    out = []
    for row in rows:
        reasons = set(str(row.get("review_reason") or "").split(";")) - {""}
        total = _money(row.get("total"))
        conf = row.get("total_confidence")
        total_flagged = (total is None or bool(reasons & set(_TOTAL_REASONS))
                         or any(r.startswith("total") for r in reasons)
                         or conf is None or float(conf) <= settings.total_confidence_min)
        date = _date(row.get("receipt_date"))
        date_flagged = date is None or bool(reasons & {"date_missing", "date_implausible",
                                                        "receipt_date_low_confidence"})
        currency, source = receipt_currency(row, job_currency=job_currency)
        vendor = row.get("vendor_name") or None
        vendor_key = normalise_descriptor(vendor)
        payment = str(row.get("payment_method") or "").upper()
        receipt = Receipt(
            doc_id=str(row.get("doc_id")), vendor_name=vendor, receipt_date=date, total=total,
            amounts=_alternatives(row, total, settings), currency=currency, currency_source=source,
            card_last4=(str(row["card_last4"])[-4:] if row.get("card_last4") else None),
            total_flagged=total_flagged, date_flagged=date_flagged, vendor_key=vendor_key,
            vendor_flagged=not vendor or bool(reasons & set(_VENDOR_REASONS)),
            alias_keys=_alias_keys(row.get("vendor_aliases"), vendor_key),
            confident_bases=_confident_bases(row, settings),
            paid_cash=payment == "CASH", paid_by_card=payment not in ("", "CASH"))
        if vendor and date and total is not None:
            receipt.duplicate_key = (receipt.vendor_key, date, total, row.get("receipt_time"),
                                     row.get("receipt_number"))
        out.append(receipt)
    return out


def _alias_keys(aliases: Any, vendor_key: str) -> tuple[str, ...]:
    """The receipt's other merchant names (``vendor_aliases``, '; '-joined), normalised, its vendor's left out."""
    keys = (normalise_descriptor(a) for a in str(aliases or "").split(";"))
    return tuple(dict.fromkeys(k for k in keys if k and k != vendor_key))


#: Alternative amounts read from a field of their own (the total plus a tip rests on the total).
_OWN_FIELD_BASES = ("total_before_rounding", "subtotal", "amount_paid")


def _confident_bases(row: Mapping[str, Any], settings: MatchSettings) -> frozenset[str]:
    """The alternative amounts read from a field of their own above the review level."""
    return frozenset(b for b in _OWN_FIELD_BASES if row.get(f"{b}_confidence") is not None
                     and float(row[f"{b}_confidence"]) > settings.total_confidence_min)


def _alternatives(row: Mapping[str, Any], total: Decimal | None, settings: MatchSettings) -> list[tuple[str, Decimal]]:
    """The amounts a card may have been charged for this receipt, the total first."""
    found: list[tuple[str, Decimal]] = []
    if total is not None and total != 0:
        found.append(("total", total))
    unrounded = _money(row.get("total_before_rounding"))
    if unrounded is not None and unrounded > 0 and unrounded != total:
        found.append(("total_before_rounding", unrounded))  # a card is charged the sum cash rounding moved
    subtotal, paid, tip = _money(row.get("subtotal")), _money(row.get("amount_paid")), _money(row.get("tip"))
    if subtotal is not None and subtotal > 0 and (total is None or abs(total - subtotal) > 0):
        found.append(("subtotal", subtotal))
    if paid is not None and paid > 0 and paid != total:
        card = bool(_CARD_PAYMENT.search(str(row.get("payment_method") or "")))
        # Cash tendered (100.00 for a 80.90 bill) is no charge; a card slip's amount with a tip written in is.
        if card or total is None or total < paid <= total * Decimal(str(1 + settings.max_tip)):
            found.append(("amount_paid", paid))
    if tip is not None and tip > 0 and total is not None:
        found.append(("total_plus_tip", total + tip))
    seen: set[Decimal] = set()
    return [(b, v) for b, v in found if not (v in seen or seen.add(v))]

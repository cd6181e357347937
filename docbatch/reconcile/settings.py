"""Options of a reconciliation: how transactions are read and how matches are decided.

The CLI and a notebook build the same frozen objects.  The scoring's weights and thresholds
were chosen with ``python -m benchmarks.reconcile --tune`` on the tuning half of the benchmark
only (SROIE keys 000–312, four statement seeds: fewest wrong matches, then most right ones)
and checked on the held-out half (313–625).  With the gates of :mod:`.scoring` (merchant,
date, amount must each agree) that grid is flat: its top eight rows get 933–935 right and
none wrong (880–882 before issue 14 stopped the parser flagging totals two of the receipt's
rows agree on; 909–911 before the total doubt checks); the defaults are its top row.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Literal, Mapping

from ..config import iso_currency
from ..errors import BadColumnMapping, ConfigError

Sign = Literal["auto", "debit_negative", "debit_positive"]

#: Canonical transaction columns a mapping can name.
CANONICAL = ("amount", "debit", "credit", "transaction_date", "posted_date", "descriptor", "transaction_id",
             "card_last4", "currency", "original_amount", "original_currency", "direction", "status")


@dataclass(frozen=True)
class ColumnMapping:
    """Export column names for the canonical transaction columns; None means "detect from the header".

    ``amount`` is one signed column; ``debit``/``credit`` are a pair of unsigned columns
    (either way works).  ``direction`` is an optional debit/credit indicator column
    (``DR``/``CR``, ``Debit``/``Credit``).  ``status`` is a line's state (``COMPLETED``,
    ``DECLINED``...): a line that moved no money is set aside.  With only one date column it is
    taken as the posted date.
    """

    amount: str | None = None
    debit: str | None = None
    credit: str | None = None
    transaction_date: str | None = None
    posted_date: str | None = None
    descriptor: str | None = None
    transaction_id: str | None = None
    card_last4: str | None = None
    currency: str | None = None
    original_amount: str | None = None
    original_currency: str | None = None
    direction: str | None = None
    status: str | None = None

    @classmethod
    def parse(cls, items: Mapping[str, str] | list[str] | tuple[str, ...]) -> ColumnMapping:
        """From ``{"amount": "Betrag"}`` or ``["amount=Betrag", ...]`` (the CLI's ``--map``)."""
        pairs: dict[str, str] = {}
        if isinstance(items, Mapping):
            pairs = dict(items)
        else:
            for item in items:
                key, sep, value = item.partition("=")
                if not sep or not value:
                    raise BadColumnMapping(f"--map wants CANONICAL=COLUMN, got {item!r}")
                pairs[key.strip()] = value.strip()
        unknown = sorted(set(pairs) - set(CANONICAL))
        if unknown:
            raise BadColumnMapping(f"unknown transaction column(s) {', '.join(unknown)}; "
                                   f"known: {', '.join(CANONICAL)}")
        return cls(**pairs)

    def given(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


@dataclass(frozen=True)
class TransactionOptions:
    """How an export is read."""

    mapping: ColumnMapping = field(default_factory=ColumnMapping)
    #: Which sign a spend has in a single amount column; ``auto`` decides from the file.
    sign: Sign = "auto"
    #: Day/month order of numeric dates when a column allows both (None: infer, else refuse).
    date_order: Literal["DMY", "MDY", "YMD"] | None = None
    #: Currency of transactions whose export names none (a column, ``Amount (MYR)``, OFX CURDEF).
    currency: str | None = None
    #: Decimal separator of amounts, when the export's is not "." (None: infer per value).
    decimal_separator: Literal[".", ","] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "currency", iso_currency(self.currency, "transaction currency"))


@dataclass(frozen=True)
class MatchSettings:
    """How candidates are found and scored, and which pairs match without a person."""

    #: Days from the receipt date to the posted date that a settlement may take (inclusive).
    lag_days: tuple[int, int] = (0, 5)
    #: Days a statement's own transaction date may differ from the receipt date (time zones, late batches).
    transaction_date_slack: int = 1
    #: Absolute difference accepted as rounding (5-sen cash rounding, cents lost in conversions).
    rounding: Decimal = Decimal("0.05")
    #: Relative difference accepted for a foreign-exchange conversion.
    fx_tolerance: float = 0.03
    #: A transaction this much above the total (fraction) may be the total plus a tip.
    max_tip: float = 0.30
    #: A whole tip up to this amount is read whatever its fraction (2.00 on a 4.50 bill).
    max_tip_amount: Decimal = Decimal("5.00")
    #: Scores at or above this match automatically (when not ambiguous nor flagged).
    auto_threshold: float = 0.80
    #: Scores at or above this (and below auto) go to review; below it the pair is not proposed.
    review_threshold: float = 0.50
    #: A matched pair whose assignment margin is below this is ambiguous (review).  Above one day of
    #: date evidence (a quarter of the date weight, 0.05 by default): a statement dates a purchase the
    #: next day after midnight or by the bank's day, so two charges alike but for that day are not told
    #: apart by it (a chain's same-amount charge that day beside the receipt's own the next).
    ambiguity_margin: float = 0.06
    #: A total at or below this confidence is flagged (never matched automatically).
    total_confidence_min: float = 50.0
    #: Weights of the amount, date and merchant evidence in the score (they sum to 1).
    weights: tuple[float, float, float] = (0.50, 0.20, 0.30)

    def __post_init__(self) -> None:
        lo, hi = self.lag_days
        if lo > hi or hi - lo > 60:
            raise ConfigError(f"lag window {lo}..{hi} days is not a window (low <= high, at most 60 days)")
        if not 0 <= self.review_threshold <= self.auto_threshold <= 1:
            raise ConfigError("thresholds must satisfy 0 <= review_threshold <= auto_threshold <= 1")
        if abs(sum(self.weights) - 1.0) > 1e-6:
            raise ConfigError("score weights must sum to 1")


@dataclass(frozen=True)
class ReconcileSettings:
    """Every option of one reconciliation."""

    transactions: TransactionOptions = field(default_factory=TransactionOptions)
    match: MatchSettings = field(default_factory=MatchSettings)
    #: The job's currency: what a bare ``$`` (or no sign) on a receipt means.
    currency: str | None = None
    formats: tuple[str, ...] = ("parquet", "csv")

    def __post_init__(self) -> None:
        # Checked here too, not only from the command line: a notebook builds these itself.
        object.__setattr__(self, "currency", iso_currency(self.currency, "currency"))


def parse_lag(text: str) -> tuple[int, int]:
    """``"0:5"`` (or ``"0-5"``, or ``"5"`` for 0..5) -> (0, 5)."""
    parts = [p for p in str(text).replace("-", ":").split(":") if p.strip() != ""]
    try:
        values = [int(p) for p in parts]
    except ValueError:
        raise ConfigError(f"--lag-days wants LOW:HIGH days, got {text!r}") from None
    if len(values) == 1:
        return 0, values[0]
    if len(values) != 2:
        raise ConfigError(f"--lag-days wants LOW:HIGH days, got {text!r}")
    return values[0], values[1]


def build_settings(*, mapping: Mapping[str, str] | list[str] | tuple[str, ...] = (), sign: Sign = "auto",
                   date_order: str | None = None, transaction_currency: str | None = None,
                   decimal_separator: str | None = None, currency: str | None = None,
                   lag_days: str | tuple[int, int] | None = None, formats: str | tuple[str, ...] | None = None,
                   **match: float | None) -> ReconcileSettings:
    """Settings from flat options (the CLI's); ``match`` takes :class:`MatchSettings` field names."""
    known = {f.name for f in fields(MatchSettings)}
    unknown = sorted(set(match) - known)
    if unknown:
        raise ConfigError(f"unknown matching option(s): {', '.join(unknown)}")
    chosen: dict[str, object] = {k: v for k, v in match.items() if v is not None}
    if lag_days is not None:
        chosen["lag_days"] = parse_lag(lag_days) if isinstance(lag_days, str) else tuple(lag_days)
    if isinstance(formats, str):
        formats = tuple(f.strip() for f in formats.split(",") if f.strip())
    options = TransactionOptions(mapping=ColumnMapping.parse(mapping), sign=sign,
                                 date_order=date_order,  # type: ignore[arg-type]
                                 currency=iso_currency(transaction_currency, "--transaction-currency"),
                                 decimal_separator=decimal_separator)  # type: ignore[arg-type]
    return ReconcileSettings(transactions=options, match=MatchSettings(**chosen),  # type: ignore[arg-type]
                             currency=iso_currency(currency, "--currency"),
                             formats=formats or ReconcileSettings.formats)

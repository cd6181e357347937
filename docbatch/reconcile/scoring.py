"""Candidate pairs and their scores.

Blocking keeps the work near linear: transactions are bucketed by day, and a receipt
looks only at the days of its settlement window, keeping (in numpy) those whose amount,
or original amount, lies in the widest band any of its amounts allows (rounding, FX
tolerance, a tip).  A receipt whose date is in doubt is looked up by exact amount instead.
Each surviving pair is scored from three pieces of evidence, each 0..1:

* amount (the best reading): exactly the total (1.0); exactly an alternative (the sum before
  cash rounding, subtotal, amount paid, total plus printed tip: 0.9); within the rounding
  tolerance (0.85); within the FX tolerance (0.8 falling to 0.6 at its edge); above the total (a
  flagged total: or above an amount printed confidently on a row of its own, ``Receipt.tip_bases``) by a tip of up to
  ``max_tip`` (0.75 for a round tip: a whole amount, or 5/10/12/15/18/20/25 percent; an odd
  tip 0.5), or by a whole tip of at most ``max_tip_amount`` (0.75: small bills' tips are
  whole amounts far above any percentage);
  FX and tips are read only when the merchant agrees (similarity at least ``LOOSE_MERCHANT``);
* date: the statement's transaction date on the receipt's day (1.0), the next day (0.75),
  the day before (0.6), further (0.2: a statement's transaction date is the purchase day);
  or, when the export has only a posted date, 0–2 days of lag (1.0) falling to 0.6 at the
  window's end;
* merchant: :func:`~.descriptors.merchant_similarity` (of the vendor, or of another name the
  receipt prints for its merchant when that is a strong likeness: ``merchant_alias``; at least
  :data:`CUT_MERCHANT` for a descriptor cut to the start of the vendor's name and of no other
  vendor's of the batch, :func:`cut_vendor`) rescaled so that the similarity of
  unrelated names (0.35) is 0 and 0.85 is 1 (0.3 when a side has no name);

combined with :attr:`MatchSettings.weights`, then card last 4 digits (+0.05 when equal,
×0.6 when different) and currency (×0.7 when both are known and differ, unless the
transaction's original amount is in the receipt's currency).  Whatever the score, a pair
whose merchant does not agree (similarity under ``LOOSE_MERCHANT``, or a side without a
name), whose statement purchase day is two or more days off or before the receipt's, whose amount differs by an odd
tip or by a tip or conversion not on the same or next day, or whose card or currency
disagrees carries a flag that keeps it from matching without a person.  Each pair keeps the codes
of its evidence (``amount_exact;date_lag_1;merchant_strong;card_match``).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from .descriptors import normalise_descriptor, similarities, similarity
from .receipts import Receipt
from .settings import MatchSettings
from .transactions import Transaction

#: Merchant similarity at or below this is no evidence (see :func:`merchant_evidence`).
MERCHANT_FLOOR = 0.35
#: An FX difference or a tip is read only where the merchant agrees at least this much.
LOOSE_MERCHANT = 0.6
#: Another name the receipt prints (see :meth:`Scorer.merchant`) counts only when at least this alike.
ALIAS_MERCHANT = 0.85
#: A descriptor cut short that begins one vendor's name of the batch and no other's is this alike
#: to it (see :func:`cut_vendor`): a partial likeness, enough to agree.
CUT_MERCHANT = 0.75
#: The shortest cut descriptor (letters, spaces squashed) read as the start of a vendor's name.
CUT_LETTERS = 10
_ROUND_TIPS = (0.05, 0.10, 0.12, 0.15, 0.18, 0.20, 0.25)
#: Reason of a pair read on the transaction's original amount, the receipt naming no currency: the
#: receipt was in the original currency (see :meth:`Scorer._amount`).
ORIGINAL_AMOUNT = "amount_in_original_currency"


def merchant_evidence(m: float | None) -> float:
    """Similarity as evidence: unrelated names already score 0.3-0.5 on fuzzy ratios (shared
    letters, a common word), so 0.35 counts as nothing and 0.85 as everything; an unknown side 0.3."""
    if m is None:
        return 0.3
    return min(1.0, max(0.0, (m - MERCHANT_FLOOR) / (0.85 - MERCHANT_FLOOR)))


@dataclass(frozen=True)
class Pair:
    receipt: int
    transaction: int
    score: float
    reasons: tuple[str, ...]
    basis: str
    receipt_amount: Decimal
    days: int | None
    merchant: float | None
    flags: tuple[str, ...] = ()


def cut_vendor(names: list[str], vendors: list[str]) -> list[str | None]:
    """For each descriptor name, the one vendor name of the batch (spaces squashed) it is the cut
    start of, else None.

    A descriptor field holds 22 characters, so a long name arrives as its first words:
    ``SYARIKAT PERNIAGAAN GI`` for ``SYARIKAT PERNIAGAAN GIN KEE``.  What is left may be only
    the generic words that open many names, a likeness the name comparison rightly discounts;
    but when no other vendor of the batch begins so, the cut start names that vendor.  At
    least :data:`CUT_LETTERS` letters, and shorter than the vendor's name."""
    squashed = sorted({v.replace(" ", "") for v in vendors if v})
    out: list[str | None] = []
    for name in names:
        cut = name.replace(" ", "")
        if len(cut) < CUT_LETTERS:
            out.append(None)
            continue
        k = bisect.bisect_left(squashed, cut)
        begun = []
        while k < len(squashed) and squashed[k].startswith(cut) and len(begun) < 2:
            begun.append(squashed[k])
            k += 1
        out.append(begun[0] if len(begun) == 1 and len(begun[0]) > len(cut) else None)
    return out


class Scorer:
    """Scores receipts against one statement's transactions."""

    def __init__(self, transactions: list[Transaction], settings: MatchSettings, *,
                 vendors: list[str] | None = None) -> None:
        """``vendors``: the normalised vendor names of the batch's receipts (see :func:`cut_vendor`)."""
        self.settings = settings
        self.transactions = transactions
        self.names = [normalise_descriptor(t.descriptor) for t in transactions]
        self._cut = cut_vendor(self.names, vendors or [])
        # Blocking by date: transactions by day (their own date, else the posted date), then amounts in numpy.
        self._by_day: dict[int, list[int]] = defaultdict(list)
        for j, t in enumerate(transactions):
            if t.date is not None:
                self._by_day[t.date.toordinal()].append(j)
        self._abs = np.array([float(abs(t.amount)) for t in transactions])
        self._orig = np.array([float(t.original_amount) if t.original_amount is not None else np.nan
                                   for t in transactions])
        self._credit = np.array([t.amount < 0 for t in transactions], dtype=bool)
        # For searches at any date (a receipt date in doubt): every amount, sorted.
        keys = sorted([(abs(t.amount), j) for j, t in enumerate(transactions)]
                      + [(t.original_amount, j) for j, t in enumerate(transactions) if t.original_amount is not None])
        self._sorted = [k for k, _ in keys]
        self._order = [j for _, j in keys]

    # -- blocking ----------------------------------------------------------------------
    def _near(self, receipt: Receipt) -> list[int]:
        """Transactions dated in the window around the receipt whose amount lies in its band."""
        assert receipt.receipt_date is not None
        lo_d, hi_d = self.settings.lag_days
        start = receipt.receipt_date.toordinal() + lo_d - self.settings.transaction_date_slack
        end = receipt.receipt_date.toordinal() + hi_d
        idx = [j for day in range(start, end + 1) for j in self._by_day.get(day, ())]
        if not idx:
            return []
        ids = np.array(idx)
        ids = ids[self._credit[ids] == receipt.is_refund]
        s, r = self.settings, float(self.settings.rounding)
        values = np.array([float(abs(v)) for _, v in receipt.amounts])
        amount, original = self._abs[ids][:, None], self._orig[ids][:, None]
        tight = ((np.abs(amount - values) <= r + 1e-9) | (np.abs(original - values) <= r + 1e-9)).any(axis=1)
        fx = values * s.fx_tolerance + r
        loose = ((np.abs(amount - values) <= fx) | (np.abs(original - values) <= fx)).any(axis=1)
        for base in [float(abs(v)) for b, v in receipt.amounts if b in receipt.tip_bases] or [0.0]:
            most = max(base * (1 + s.max_tip), base + float(s.max_tip_amount))
            loose |= (amount[:, 0] > base) & (amount[:, 0] <= most + r)
        loose &= ~tight
        if loose.any():  # FX and tips are read only where the merchant agrees: one vectorised test
            names = [self.names[j] for j in ids[loose]]
            agree = similarities(receipt.vendor_key, names) >= LOOSE_MERCHANT
            for alias in receipt.alias_keys:
                agree |= similarities(alias, names) >= ALIAS_MERCHANT
            loose[np.flatnonzero(loose)[~agree]] = False
        tip = loose
        return ids[tight | tip].tolist()

    def _anywhere(self, receipt: Receipt) -> list[int]:
        """Transactions of any date carrying exactly one of the receipt's amounts."""
        values = [abs(v) for _, v in receipt.amounts]
        lo, hi = min(values), max(values)
        a, b = bisect.bisect_left(self._sorted, lo), bisect.bisect_right(self._sorted, hi)
        return [j for j in dict.fromkeys(self._order[a:b]) if (self.transactions[j].amount < 0) == receipt.is_refund]

    def days(self, receipt: Receipt, t: Transaction) -> tuple[int, bool] | None:
        """(days from the receipt to the transaction, whether that is the statement's transaction date)
        when the pair fits the window, else None."""
        if receipt.receipt_date is None:
            return None
        lo, hi = self.settings.lag_days
        if t.transaction_date is not None:
            d = (t.transaction_date - receipt.receipt_date).days
            if lo - self.settings.transaction_date_slack <= d <= hi:
                return d, True
            return None
        if t.posted_date is not None:
            d = (t.posted_date - receipt.receipt_date).days
            if lo <= d <= hi:
                return d, False
        return None

    def candidates(self, index: int, receipt: Receipt, *, any_date: bool = False) -> list[Pair]:
        """Every scored pair of this receipt in the window (``any_date``: the same amount at any date,
        for receipts whose date is missing or read wrong)."""
        if not receipt.amounts:
            return []
        if any_date:
            found = self._anywhere(receipt)
        elif receipt.receipt_date is None:
            return []
        else:
            found = self._near(receipt)
        out = []
        for j in found:
            t = self.transactions[j]
            fit = self.days(receipt, t)
            if fit is None and not any_date:
                continue
            pair = self.score(index, receipt, j, t, fit)
            if pair is not None:
                out.append(pair)
        return out

    # -- evidence ----------------------------------------------------------------------
    def _amount(self, receipt: Receipt, t: Transaction) -> tuple[tuple[float, str, str, Decimal] | None, bool]:
        """((evidence, code, basis, receipt amount) of the best amount reading or None, whether it
        is a reading of the transaction's original amount in a currency the receipt did not name).

        The original amount is the one compared when it is in the receipt's currency; when the
        receipt's currency is unknown (no sign, no country), both are read: the statement is
        then the only thing that can say which currency the receipt was in."""
        if t.original_amount is None or not t.original_currency:
            return self._amount_of(receipt, abs(t.amount)), False
        if t.original_currency == receipt.currency:
            return self._amount_of(receipt, t.original_amount), False
        best = self._amount_of(receipt, abs(t.amount))
        if receipt.currency is None:
            original = self._amount_of(receipt, t.original_amount)
            if original is not None and (best is None or original[0] > best[0]):
                return original, True
        return best, False

    def _amount_of(self, receipt: Receipt, charged: Decimal) -> tuple[float, str, str, Decimal] | None:
        s = self.settings
        best: tuple[float, str, str, Decimal] | None = None
        # With the total flagged, a reading on a figure printed confidently beats one as good on the total in doubt.
        preferred = receipt.confident_bases if receipt.total_flagged else frozenset()
        for basis, value in receipt.amounts:
            v = abs(value)
            diff = charged - v
            rel = float(abs(diff) / v) if v else 1.0
            readings: list[tuple[float, str, str, Decimal]] = []
            if diff == 0:
                readings.append((1.0, "amount_exact", basis, value) if basis == "total" else
                                (0.9, f"amount_{basis}", basis, value))
            elif abs(diff) <= s.rounding:
                readings.append((0.85, "amount_rounding", "rounding", value))
            if diff != 0 and rel <= s.fx_tolerance:
                readings.append((0.8 - 0.2 * rel / s.fx_tolerance, "amount_fx", "fx", value))
            if basis in receipt.tip_bases and diff > 0:
                readings += self._tip(charged, diff, rel, value)
            for reading in readings:
                if best is None or reading[0] > best[0] or (reading[0] == best[0] and basis in preferred):
                    best = reading
        return best

    def _tip(self, charged: Decimal, diff: Decimal, rel: float, value: Decimal) -> list[tuple[float, str, str, Decimal]]:
        """A tip reading of a charge above the total: up to ``max_tip`` of it (odd tips weakly), or a
        whole tip of up to ``max_tip_amount`` (2.00 on a 4.50 coffee is 44% but an ordinary tip)."""
        whole = charged == charged.to_integral_value() or diff == diff.to_integral_value()
        if rel <= self.settings.max_tip:
            round_tip = whole or any(abs(rel - p) <= 0.004 for p in _ROUND_TIPS)
            return [(0.75, "amount_tip", "tip", value) if round_tip else (0.5, "amount_tip_odd", "tip", value)]
        if whole and diff <= self.settings.max_tip_amount:
            return [(0.75, "amount_tip", "tip", value)]
        return []

    def _date(self, fit: tuple[int, bool] | None) -> tuple[float, str]:
        if fit is None:
            return 0.2, "date_outside_window"
        d, on_transaction_date = fit
        if on_transaction_date:
            # A statement's transaction date is the purchase day, or the next after midnight.
            ev = {0: 1.0, 1: 0.75, -1: 0.6}.get(d, 0.2)
            return ev, "date_same_day" if d == 0 else f"date_lag_{d}"
        lo, hi = self.settings.lag_days
        ev = 1.0 if d <= lo + 2 else 1.0 - 0.4 * (d - lo - 2) / max(hi - lo - 2, 1)
        return max(ev, 0.6), f"posted_lag_{d}"

    def merchant(self, receipt: Receipt, j: int) -> tuple[float | None, bool]:
        """(similarity of the receipt's merchant to transaction ``j``'s descriptor, whether an alias gave it).

        The vendor's name, or another name the receipt prints for its merchant (a brand row, the
        owning company, a web domain) when that one is at least ``ALIAS_MERCHANT`` alike: a
        receipt prints several such rows, so a loose likeness to one of them is no evidence."""
        m = similarity(receipt.vendor_key, self.names[j])
        if self._cut[j] is not None and self._cut[j] == receipt.vendor_key.replace(" ", ""):
            m = max(m or 0.0, CUT_MERCHANT)
        best = max((s for s in (similarity(a, self.names[j]) for a in receipt.alias_keys) if s is not None),
                   default=None)
        if best is not None and best >= ALIAS_MERCHANT and (m is None or best > m):
            return best, True
        return m, False

    def score(self, i: int, receipt: Receipt, j: int, t: Transaction, fit: tuple[int, bool] | None) -> Pair | None:
        amount, in_original = self._amount(receipt, t)
        if amount is None:
            return None
        a, a_code, basis, value = amount
        m, by_alias = self.merchant(receipt, j)
        if basis in ("tip", "fx") and (m is None or m < LOOSE_MERCHANT):
            return None  # another merchant's different amount is no tip nor conversion, only noise
        d, d_code = self._date(fit)
        m_code = ("merchant_unknown" if m is None else "merchant_strong" if m >= 0.85
                  else "merchant_partial" if m >= 0.6 else "merchant_weak")
        wa, wd, wm = self.settings.weights
        score = wa * a + wd * d + wm * merchant_evidence(m)
        reasons = ([a_code, d_code, m_code] + (["merchant_alias"] if by_alias else [])
                   + ([ORIGINAL_AMOUNT] if in_original else []))
        # Automatic only when each piece agrees: a merchant that does not (or no name to compare),
        # or a statement's purchase day two or more days off or before the receipt's, leaves the pair
        # to a person (a card is not charged before the purchase; a day early is a time zone at best,
        # and as likely the same merchant's purchase of the day before).
        flags = [] if m is not None and m >= LOOSE_MERCHANT else ["merchant_mismatch"]
        if fit is not None and (d < 0.6 or fit[0] < 0):
            flags.append("date_far")
        # A tip or a conversion explains a different amount only on the same or the next day, and a
        # tip only when round (a whole amount, a usual percentage): else another purchase there does too.
        if a_code == "amount_tip_odd" or (basis in ("tip", "fx") and d < 0.75):
            flags.append("amount_uncertain")
        if receipt.card_last4 and t.card_last4:
            if receipt.card_last4 == t.card_last4:
                score = min(1.0, score + 0.05)
                reasons.append("card_match")
            else:
                score *= 0.6
                reasons.append("card_mismatch")
                flags.append("card_mismatch")
        if receipt.currency and t.currency and receipt.currency_source != "transaction":
            if receipt.currency == t.currency or t.original_currency == receipt.currency:
                reasons.append("currency_match")
            else:
                score *= 0.7
                reasons.append("currency_mismatch")
                flags.append("currency_mismatch")
        days = fit[0] if fit else (None if receipt.receipt_date is None or t.date is None
                                   else (t.date - receipt.receipt_date).days)
        return Pair(i, j, round(score, 4), tuple(reasons), basis, value, days, m, tuple(flags))

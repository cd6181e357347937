"""Deciding, for every receipt and transaction, where it ends: matched, in review, or unmatched.

Each receipt ends in exactly one of ``matches``, ``needs_review`` and
``unmatched_receipts``; each transaction in ``matches``, as the candidate of a
``needs_review`` row, or in ``unmatched_transactions``.  An assigned pair matches
automatically only when its score reaches the auto threshold, its margin shows no close
alternative, the receipt's total is not flagged, card and currency do not disagree, the
descriptor does not name another vendor of the batch whole while it names the receipt's only in
part (:meth:`.vendors.Vendors.names_another_rather`) and the currency is known; otherwise it goes
to review with its reasons.  A flagged total never
matches on itself; the transaction may still carry another amount the receipt prints, read
confidently on its own row (the sum before cash rounding, the subtotal, the amount paid),
exactly or with a tip, a conversion or rounding on it: with everything
else agreeing that pair matches (:func:`_charged_elsewhere`).  A receipt whose vendor
the parser could not read is the exception for the merchant alone: its exact total on the
day, with no competitor and a descriptor naming no other receipt's vendor, matches
(:func:`_vendor_unread`); so does a readable one when receipt and transaction are each the
other's only candidate at all and the receipt says it was paid by card, or nothing of the payment
and the charge names no vendor of the batch by any name it prints
(:func:`_amount_and_day_alone`: a card billing under a name the receipt prints nowhere), rivals
explained by another automatic match, whose own amount or date is in doubt, charged to
another card than the receipt prints, or named after another vendor of the batch set apart, and
two scans of one purchase one candidate.
Neither exception applies to a receipt saying it was paid in cash.
Receipts left without a
transaction in the settlement window get a second, stricter search (the same amount, a
similar merchant, any date): a date read wrong is still proposed, for review only.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .assign import DOUBTFUL, Assigned, assign
from .descriptors import normalise_descriptor, similarity
from .receipts import Receipt
from .scoring import CUT_MERCHANT, ORIGINAL_AMOUNT, Pair, Scorer
from .settings import MatchSettings, ReconcileSettings
from .transactions import Transaction
from .vendors import Vendors

_REFUND_WORDS = re.compile(r"\b(?:REFUND|RETURN|REVERSAL|REVERSED|CHARGEBACK)\b", re.I)
#: The second search accepts a pair whose date does not fit only with the same amount and this much merchant.
_FALLBACK_MERCHANT = 0.8
#: The automatic matches so far: their receipts, and each matched transaction's receipt.
Matched = tuple[set[int], dict[int, int]]
_FALLBACK_AMOUNTS = ("amount_exact", "amount_total_before_rounding", "amount_subtotal", "amount_amount_paid", "amount_total_plus_tip")


@dataclass
class Outcome:
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    #: transaction_id of each match -> the currency it was charged in, where known (see :func:`_charged_in`).
    charged: dict[str, str] = field(default_factory=dict)


def match(receipts: list[Receipt], transactions: list[Transaction], settings: ReconcileSettings) -> Outcome:
    """Every receipt and transaction placed in one of the reconciliation tables."""
    ms = settings.match
    scorer = Scorer(transactions, ms, vendors=[r.vendor_key for r in receipts])
    pairs = [p for i, r in enumerate(receipts) for p in scorer.candidates(i, r)]
    groups = _duplicate_groups(receipts)
    # A candidate whose own amount or date reading is in doubt (``DOUBTFUL``) competes with no exact charge
    # on the day (see :func:`_amount_and_day_alone`): an odd tip three days on is no rival to the exact
    # total that day.  Nor does a charge to another card than the one the receipt prints: that card did not pay.
    rivals = _Rivals([p for p in pairs if not DOUBTFUL & set(p.flags)], groups)
    best_r: dict[int, Pair] = {}
    best_t: dict[int, Pair] = {}
    for p in pairs:
        if p.receipt not in best_r or p.score > best_r[p.receipt].score:
            best_r[p.receipt] = p
        if p.transaction not in best_t or p.score > best_t[p.transaction].score:
            best_t[p.transaction] = p
    assigned = assign(pairs, n_receipts=len(receipts), floor=ms.review_threshold, groups=groups)
    taken_r = {a.pair.receipt for a in assigned}
    taken_t = {a.pair.transaction for a in assigned}
    late = _second_search(receipts, scorer, taken_r, taken_t, groups, ms.review_threshold)
    out = Outcome()
    placed: dict[int, tuple[str, int]] = {}  # receipt -> (table, transaction)
    known = Vendors([r for r in receipts if r.vendor_key])
    for table, row, a in _decide_all(assigned, late, receipts, transactions, settings, known, rivals):
        out.tables[table].append(row)
        if table == "matches" and (cur := _charged_in(row, transactions[a.pair.transaction])):
            out.charged[row["transaction_id"]] = cur
        placed[a.pair.receipt] = (table, a.pair.transaction)
    used_t = {t for _, t in placed.values()}
    placed_of_group = {groups[k]: k for k in placed if k in groups}
    for i, r in enumerate(receipts):
        if i in placed:
            continue
        dup = placed_of_group.get(groups[i]) if i in groups else None
        if dup is not None:
            t = transactions[placed[dup][1]]
            row = {**_receipt_side(r, r.total), **_transaction_side(t), **_empty_match(),
                   "review_reason": "duplicate_receipt", "alternative_doc_id": receipts[dup].doc_id,
                   "alternative_transaction_id": None}
            out.tables["needs_review"].append(_resolve_currency(row, r, t))
            continue
        out.tables["unmatched_receipts"].append(_unmatched_receipt(r, best_r.get(i), transactions, used_t,
                                                                     ms.review_threshold))
    matched = [a.pair for a in assigned + late]
    for j, t in enumerate(transactions):
        if j not in used_t:
            out.tables["unmatched_transactions"].append(
                _unmatched_transaction(t, j, transactions, matched, best_t.get(j), receipts))
    return out


def _decide_all(assigned: list[Assigned], late: list[Assigned], receipts: list[Receipt],
                transactions: list[Transaction], settings: ReconcileSettings, known: Vendors,
                rivals: _Rivals) -> list[tuple[str, dict[str, Any], Assigned]]:
    """(table, row, assignment) of every assigned pair.

    Decided again until nothing moves, with the automatic matches so far set apart: a rival
    that another receipt's automatic match explains (the charge is that receipt's, the receipt
    that charge's) no longer competes for amount and day alone (:func:`_amount_and_day_alone`),
    because the assignment is one for the whole statement."""
    todo = [(a, False) for a in assigned] + [(a, True) for a in late]
    matched: Matched = (set(), {})
    while True:
        decided = [(*_decide(a, receipts, transactions, settings, fallback=fallback, known=known, rivals=rivals,
                             matched=matched), a) for a, fallback in todo]
        now = ({a.pair.receipt for table, _, a in decided if table == "matches"},
               {a.pair.transaction: a.pair.receipt for table, _, a in decided if table == "matches"})
        if now == matched:
            return decided
        matched = now


def _duplicate_groups(receipts: list[Receipt]) -> dict[int, int]:
    keys: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for i, r in enumerate(receipts):
        if r.duplicate_key is not None:
            keys[r.duplicate_key].append(i)
    return {i: g for g, members in enumerate(v for v in keys.values() if len(v) > 1) for i in members}


def _second_search(receipts: list[Receipt], scorer: Scorer, taken_r: set[int], taken_t: set[int],
                   groups: dict[int, int], floor: float) -> list[Assigned]:
    """Pairs for receipts with nothing in the window: the same amount and merchant, any date (review only)."""
    pairs = []
    taken_groups = {groups[k] for k in taken_r if k in groups}
    for i, r in enumerate(receipts):
        if i in taken_r or (i in groups and groups[i] in taken_groups):
            continue
        for p in scorer.candidates(i, r, any_date=True):
            if (p.transaction not in taken_t and p.reasons[0] in _FALLBACK_AMOUNTS and p.merchant is not None
                    and p.merchant >= _FALLBACK_MERCHANT and "date_outside_window" in p.reasons):
                pairs.append(p)
    return assign(pairs, n_receipts=len(receipts), floor=floor * 0.8, groups=groups)


def _sure_but_for_merchant(p: Pair, r: Receipt, t: Transaction, known: Vendors, ms: MatchSettings) -> bool:
    """A pair held back only by its merchant, that is sure on everything else: exactly the figure
    owed (:func:`_exactly_charged`), on the purchase day (the statement's purchase day that day or the next, after midnight, or
    posted within two days of it), a receipt that does not say it was paid in cash, and a
    descriptor that names none of the batch's vendors, read confidently or not (a same-amount purchase
    elsewhere that day would), at least ``vendors.NAMES_A_VENDOR`` alike."""
    on_day = p.reasons[1] in ("date_same_day", "date_lag_1") or (
        p.reasons[1].startswith("posted_lag_") and p.days is not None and p.days <= ms.lag_days[0] + 2)
    if r.paid_cash or not (p.flags == ("merchant_mismatch",) and _exactly_charged(p, r) and on_day):
        return False
    return bool(normalise_descriptor(t.descriptor)) and not known.named_by(t.descriptor, besides=r)


def _exactly_charged(p: Pair, r: Receipt) -> bool:
    """The transaction carries exactly the total, unflagged, or, the total flagged, exactly another
    amount the receipt prints confidently on a row of its own (:func:`_charged_elsewhere`): either
    is the figure owed."""
    if r.total_flagged:
        return p.basis == _charged_elsewhere(p, r)
    return p.reasons[0] == "amount_exact"


def _vendor_unread(a: Assigned, r: Receipt, t: Transaction, known: Vendors, ms: MatchSettings) -> bool:
    """The receipt's vendor, which the parser could not read, is the only thing against a pair
    (:func:`_sure_but_for_merchant`) with no other candidate on either side above the review level."""
    return (r.vendor_flagged and a.alt_transaction is None and a.alt_receipt is None
            and _sure_but_for_merchant(a.pair, r, t, known, ms))


@dataclass
class _Rivals:
    """Each receipt's and each transaction's candidates in its window, at any score.

    Receipts that are one purchase scanned twice (``groups``, as :func:`_duplicate_groups` finds
    them) are one candidate of a transaction, not rivals: the copy wants the same charge."""

    per_receipt: dict[int, list[int]]
    per_transaction: dict[int, list[int]]

    def __init__(self, pairs: list[Pair], groups: dict[int, int] | None = None) -> None:
        self.per_receipt, self.per_transaction = defaultdict(list), defaultdict(list)
        self.groups = groups or {}
        self.merchant: dict[tuple[int, int], float | None] = {}
        for p in pairs:
            self.per_receipt[p.receipt].append(p.transaction)
            self.per_transaction[p.transaction].append(p.receipt)
            self.merchant[(p.receipt, p.transaction)] = p.merchant

    def _purchase(self, receipt: int) -> tuple[str, int]:
        return ("group", self.groups[receipt]) if receipt in self.groups else ("receipt", receipt)

    def sole(self, p: Pair, matched: Matched = (set(), {}), apart: frozenset[int] = frozenset()) -> bool:
        """Each side of ``p`` has no other candidate at all (any amount reading, any score) but
        those matched automatically elsewhere (``matched``: receipts, transactions), the receipt's
        rival charges set ``apart`` (:meth:`named_apart`) and, for the
        transaction, the other scans of the receipt's purchase.  A charge matched to another scan
        of the receipt's purchase is not elsewhere: it is this purchase's charge, and the receipt a
        copy (one ``LCS03908`` receipt scanned twice: a scan matched the gallery's charge, and the
        other took a same-day charge of its amount under a name printed nowhere for its own)."""
        receipts, transactions = matched
        own = self._purchase(p.receipt)
        return (all(t == p.transaction or t in apart or (t in transactions and self._purchase(transactions[t]) != own)
                    for t in self.per_receipt[p.receipt])
                and all(self._purchase(r) == own or r in receipts for r in self.per_transaction[p.transaction]))

    def named_apart(self, p: Pair, r: Receipt, transactions: list[Transaction], known: Vendors) -> frozenset[int]:
        """The receipt's rival charges whose descriptor names another vendor of the batch rather than
        the receipt's own (:meth:`.vendors.Vendors.names_another_rather`): that merchant's purchase of
        the same amount that day, whose receipt was not given (a charge naming ``POPULAR BOOK CO`` is
        no charge of a hardware shop's receipt, whatever its amount).  Only for a receipt whose vendor
        was read confidently (an unread or doubtful vendor may be the one named), and a charge kept that
        resembles no other vendor as much as a cut name does (``CUT_MERCHANT``): ``AMPANG 210 FIRST CITY``,
        0.75 like ``FIRST CITY PARKING``, is as likely that vendor's as the rival is its own (legacy seed
        241, SROIE 038, whose own charge was billed under another vendor's brand, ``SQ *WATSONS``)."""
        kept = transactions[p.transaction].descriptor
        if r.vendor_flagged or known.likeness_to_another(kept, besides=r) >= CUT_MERCHANT:
            return frozenset()
        return frozenset(j for j in self.per_receipt[p.receipt] if j != p.transaction and known.names_another_rather(
            transactions[j].descriptor, besides=r, own=self.merchant[(p.receipt, j)]))

    def contested(self, p: Pair) -> bool:
        """``p`` has a rival candidate on either side (before any is set apart)."""
        return (len(self.per_receipt[p.receipt]) > 1
                or len({self._purchase(r) for r in self.per_transaction[p.transaction]}) > 1)


def _amount_and_day_alone(a: Assigned, r: Receipt, transactions: list[Transaction], known: Vendors,
                          ms: MatchSettings, rivals: _Rivals, matched: Matched) -> bool:
    """A card billing under a name the receipt prints nowhere (a payment aggregator, a holding
    company) leaves only the amount and the day: they decide when they are mutual, the receipt's
    total unflagged (or another amount it prints confidently charged exactly, :func:`_exactly_charged`)
    and the only candidate of the transaction and the transaction the only one of
    the receipt, the receipt saying it was paid by card or nothing of it (:func:`_paid_by_card_or_silent`),
    nothing else against the pair (:func:`_sure_but_for_merchant`).  A receipt paid in cash has no
    card charge to find: a same-day same-amount charge is someone else's purchase as likely.  A
    rival matched automatically to another receipt or transaction (``matched``) is explained there
    and does not count, nor does a rival charge naming
    another vendor of the batch rather than the receipt's (:meth:`_Rivals.named_apart`)."""
    t = transactions[a.pair.transaction]
    return (_paid_by_card_or_silent(r, t, known) and _sure_but_for_merchant(a.pair, r, t, known, ms)
            and rivals.sole(a.pair, matched, rivals.named_apart(a.pair, r, transactions, known)))


def _paid_by_card_or_silent(r: Receipt, t: Transaction, known: Vendors) -> bool:
    """The receipt says it was paid by card, or says nothing of the payment (no method, no change
    handed back) and the charge names none of the batch's vendors by any name they print (their
    owning company, a brand row: ``vendors.Vendors.named_by`` with aliases).  Silent, a receipt may
    have been paid in cash: a same-day charge of its amount is then another purchase, as likely one
    at a merchant of the batch under its company's name as under an aggregator's."""
    return r.paid_by_card or (not r.paid_cash and not known.named_by(t.descriptor, besides=r, aliases=True))


def _charged_elsewhere(p: Pair, r: Receipt) -> str | None:
    """The basis of the amount the receipt prints besides its flagged total, read confidently on
    a row of its own, that the transaction carries (exactly, or with a tip, a conversion or
    rounding on it), else None: the statement then settles which printed figure was charged,
    and the match rests on that figure, not on the total in doubt."""
    if p.basis in ("tip", "fx", "rounding"):
        basis = r.basis_of(p.receipt_amount)
    else:
        basis = p.basis if p.reasons[0] == f"amount_{p.basis}" else None
    return basis if basis in r.confident_bases else None


def _decide(a: Assigned, receipts: list[Receipt], transactions: list[Transaction], settings: ReconcileSettings,
            *, fallback: bool, known: Vendors, rivals: _Rivals,
            matched: Matched = (set(), {})) -> tuple[str, dict[str, Any]]:
    ms = settings.match
    p, r, t = a.pair, receipts[a.pair.receipt], transactions[a.pair.transaction]
    unread = not fallback and _vendor_unread(a, r, t, known, ms)
    alone = not fallback and not unread and _amount_and_day_alone(a, r, transactions, known, ms, rivals, matched)
    apart = alone and rivals.contested(p)  # alone once the rivals matched elsewhere are set apart
    waived = unread or alone  # the merchant, and the score it lowered, are no evidence against the pair
    reasons = []
    elsewhere = _charged_elsewhere(p, r) if r.total_flagged else None
    if r.total_flagged and not elsewhere:
        reasons.append("total_flagged")
    if fallback:
        reasons.append("date_missing" if r.receipt_date is None else "date_outside_window")
    # alone: every alternative is explained elsewhere or in doubt of its own, so none is close
    ambiguous = (a.margin < ms.ambiguity_margin and not alone
                 and (a.alt_transaction is not None or a.alt_receipt is not None))
    if ambiguous:
        reasons.append("ambiguous")
    if p.score < ms.auto_threshold and not waived:
        reasons.append("low_score")
    reasons += [] if waived else list(p.flags)
    if not waived and not p.flags and known.names_another_rather(t.descriptor, besides=r, own=p.merchant):
        reasons.append("names_another_vendor")
    row = {**_receipt_side(r, p.receipt_amount), **_transaction_side(t), **_match_side(p, a.margin, t)}
    if alone:
        row["reasons"] += ";amount_and_day_alone" + (";rivals_matched_elsewhere" if apart else "")
    elif unread:
        row["reasons"] += ";vendor_unread_sole_candidate"
    if elsewhere:
        row["reasons"] += ";total_flagged_charged_" + elsewhere
    row = _resolve_currency(row, r, t)
    if row["currency"] is None:
        reasons.append("currency_unresolved")
    if not reasons:
        return "matches", row
    row["review_reason"] = ";".join(dict.fromkeys(reasons))
    row["alternative_transaction_id"] = (transactions[a.alt_transaction].transaction_id
                                         if ambiguous and a.alt_transaction is not None else None)
    row["alternative_doc_id"] = (receipts[a.alt_receipt].doc_id
                                 if ambiguous and a.alt_receipt is not None else None)
    return "needs_review", row


def _resolve_currency(row: dict[str, Any], r: Receipt, t: Transaction) -> dict[str, Any]:
    """A receipt naming no currency is in the transaction's, or in its original currency when the
    pair was read on the original amount."""
    on_original = ORIGINAL_AMOUNT in str(row.get("reasons") or "").split(";")
    currency = t.original_currency if on_original else t.currency
    if row["currency"] is None and currency:
        row["currency"], row["currency_source"] = currency, "transaction"
    return row


def _charged_in(row: dict[str, Any], t: Transaction) -> str | None:
    """The currency a matched transaction was charged in: the export's, else the receipt's.

    Most exports (Chase, UK banks, QIF) name no currency.  A pair matched on the charge itself
    (no conversion, no original amount) was compared in the receipt's currency, so the charge
    is in that one too; summed as "unknown", a night's matched money read as no currency at all.
    """
    if t.currency or t.original_amount is not None or row.get("amount_basis") == "fx":
        return t.currency
    return row.get("currency")


def _receipt_side(r: Receipt, amount: Decimal | None) -> dict[str, Any]:
    return {"doc_id": r.doc_id, "vendor_name": r.vendor_name, "receipt_date": r.receipt_date,
            "receipt_amount": amount, "currency": r.currency, "currency_source": r.currency_source}


def _transaction_side(t: Transaction | None) -> dict[str, Any]:
    if t is None:
        return dict.fromkeys(("transaction_id", "transaction_date", "posted_date", "descriptor",
                              "transaction_amount", "transaction_currency", "card_last4"))
    return {"transaction_id": t.transaction_id, "transaction_date": t.transaction_date,
            "posted_date": t.posted_date, "descriptor": t.descriptor, "transaction_amount": t.amount,
            "transaction_currency": t.currency, "card_last4": t.card_last4}


def _match_side(p: Pair, margin: float, t: Transaction) -> dict[str, Any]:
    return {"score": p.score, "margin": margin, "reasons": ";".join(p.reasons), "amount_basis": p.basis,
            "amount_difference": abs(t.amount) - abs(p.receipt_amount), "days_after": p.days,
            "merchant_similarity": p.merchant}


def _empty_match() -> dict[str, Any]:
    return dict.fromkeys(("score", "margin", "reasons", "amount_basis", "amount_difference", "days_after",
                          "merchant_similarity"))


def _unmatched_receipt(r: Receipt, best: Pair | None, transactions: list[Transaction], used: set[int],
                       review_threshold: float) -> dict[str, Any]:
    if not r.amounts:
        reason = "total_missing" if r.total is None else "not_a_purchase"
    elif best is None:
        reason = "no_candidate"
    else:
        reason = "below_threshold"
        if best.transaction in used and best.score >= review_threshold:
            reason = "candidate_taken"
    return {**_receipt_side(r, r.total), "reason": reason,
            "best_transaction_id": transactions[best.transaction].transaction_id if best else None,
            "best_score": best.score if best else None}


def _unmatched_transaction(t: Transaction, j: int, transactions: list[Transaction], matched: list[Pair],
                           best: Pair | None, receipts: list[Receipt]) -> dict[str, Any]:
    kind, refund_of = "purchase", None
    if t.amount < 0:
        refund_of = _refunded_purchase(t, transactions, matched)
        kind = "refund" if refund_of or _REFUND_WORDS.search(t.descriptor or "") else "credit"
    return {**_transaction_side(t), "kind": kind, "refund_of": refund_of,
            "best_doc_id": receipts[best.receipt].doc_id if best else None,
            "best_score": best.score if best else None}


def _refunded_purchase(t: Transaction, transactions: list[Transaction], matched: list[Pair]) -> str | None:
    """The matched purchase a credit reverses: same merchant, at most its amount, on or after its date."""
    name = normalise_descriptor(t.descriptor)
    best: tuple[Decimal, int, str] | None = None
    for p in matched:
        purchase = transactions[p.transaction]
        if purchase.amount <= 0 or -t.amount > purchase.amount or not (purchase.date and t.date):
            continue
        lag = (t.date - purchase.date).days
        if not 0 <= lag <= 180:
            continue
        sim = similarity(name, normalise_descriptor(purchase.descriptor))
        if sim is None or sim < 0.85:
            continue
        key = (purchase.amount + t.amount, lag, purchase.transaction_id)
        if best is None or key < best:
            best = key
    return best[2] if best else None

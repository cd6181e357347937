"""The reconciliation benchmark's card statements: which name each purchase is billed under."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa

from benchmarks.reconcile import HELD_BACK, _reason, score_ours
from benchmarks.statements import _TRADING_NAMES, _UNPRINTED_NAMES, Purchase, Statement, make_statement
from docbatch.reconcile.descriptors import normalise_descriptor, similarity

MERCHANTS = ("KEDAI BUKU MAJU SDN BHD", "GUARDIAN HEALTH AND BEAUTY SDN BHD", "RESTORAN WAN SHENG")


def purchases(n: int = 300) -> list[Purchase]:
    return [Purchase(frozenset({f"{k:03d}"}), MERCHANTS[k % 3], "JALAN BESAR, 81100 JOHOR BAHRU",
                     dt.date(2018, 1, 1) + dt.timedelta(days=k % 60), Decimal(10 + k)) for k in range(n)]


def like(descriptor: str, names: list[str]) -> bool:
    """The descriptor, noise and all, is one of ``names``."""
    return max(similarity(normalise_descriptor(n), normalise_descriptor(descriptor)) or 0 for n in names) >= 0.85


def billed(descriptors: str) -> list[tuple[str, str, str]]:
    """(merchant, descriptor, kind billed) of each purchase's own transaction."""
    bought = purchases()
    st = make_statement(bought, set(), seed=3, descriptors=descriptors)
    by_doc = {next(iter(p.doc_ids)): p.merchant for p in bought}
    rows = {r["transaction_id"]: r["descriptor"] for r in st.rows}
    return [(by_doc[next(iter(docs))], rows[t], st.billed_as[t]) for t, docs in st.truth.items() if docs]


def test_derived_descriptors_name_the_merchant_or_a_name_no_receipt_prints():
    names = billed("derived")
    unprinted = [d for _, d, kind in names if kind == "unprinted"]
    assert 0 < len(unprinted) < 0.1 * len(names)
    # a name billed is never another merchant's: an unprinted one resembles no merchant nor well-known brand
    assert all(like(d, _UNPRINTED_NAMES) and not like(d, list(MERCHANTS) + _TRADING_NAMES) for d in unprinted)
    assert {kind for _, _, kind in names} == {"legal", "unprinted"}


def test_the_legacy_generator_still_bills_a_share_under_unrelated_brands():
    names = billed("legacy")
    assert {kind for _, _, kind in names} == {"legal", "unrelated"}
    assert all(like(desc, _TRADING_NAMES) for _, desc, kind in names if kind == "unrelated")


def test_a_miss_on_a_name_the_receipt_does_not_print_is_counted_as_such():
    review = ("review", {"low_score", "merchant_mismatch"}, "T00001")
    assert _reason(review, "T00001", "MOLPAY", "KEDAI BUKU MAJU SDN BHD", "unprinted") == "unprinted_name"
    assert _reason(review, "T00001", "KEDAI BUKU MAJU", "KEDAI BUKU MAJU SDN BHD", "legal") == "vendor_misread"
    assert "unprinted_name" in dict(HELD_BACK)


def test_a_purchase_matched_through_one_scan_and_proposed_through_the_other_counts_once():
    # SROIE holds receipts scanned twice: one scan matches, the copy goes to review as a duplicate.
    st = Statement("", {"T1": frozenset({"001", "002"}), "T2": frozenset({"003"})}, {"001", "002", "003"})
    result = type("Result", (), {
        "matches": pa.Table.from_pylist([{"doc_id": "001", "transaction_id": "T1"}]),
        "needs_review": pa.Table.from_pylist([{"doc_id": "002", "transaction_id": "T1"},
                                              {"doc_id": "003", "transaction_id": "T2"}])})()
    f = score_ours(result, st, False)
    assert (f.true_matches, f.right, f.review, f.review_right) == (2, 1, 2, 1)

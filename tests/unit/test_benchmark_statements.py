"""The reconciliation benchmark's card statements: which name each purchase is billed under."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from benchmarks.reconcile import HELD_BACK, _reason, given_receipts, score_ours
from benchmarks.sroie_purchases import key_total
from benchmarks.sroie_purchases import purchases as purchases_of_keys
from benchmarks.statements import _TRADING_NAMES, _UNPRINTED_NAMES, Purchase, Statement, make_statement
from docbatch.reconcile.descriptors import normalise_descriptor, similarity

from ..conftest import shared

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


def test_a_receipt_printing_a_card_payment_is_never_a_cash_purchase():
    # SROIE 259 prints 'CREDIT 42.35': no statement would leave it out as paid in cash.
    bought = [replace(p, prints_card=True) for p in purchases(60)]
    charged = {d for docs in make_statement(bought, set(), seed=3).truth.values() for d in docs}
    assert charged == {d for p in bought for d in p.doc_ids}
    as_transcribed = make_statement(bought, set(), seed=3, tender="printed")
    assert len({d for docs in as_transcribed.truth.values() for d in docs}) < len(bought)


@pytest.mark.slow  # writes and reads Parquet run folders
def test_the_benchmark_gives_a_charged_purchases_receipt_as_printed_with_the_card(tmp_path):
    # Receipts 001 (charged) and 002 (paid in cash): 001 comes from the run of receipts printing
    # the card payment, 002 as transcribed.
    for run, method in (("run", "CASH"), ("run-card", "VISA")):
        (tmp_path / run / "receipts").mkdir(parents=True)
        pq.write_table(pa.Table.from_pylist([{"doc_id": d, "payment_method": method} for d in ("001", "002")]),
                       tmp_path / run / "receipts" / "part-0.parquet")
    st = Statement("", {"T1": frozenset({"001"}), "T2": frozenset()}, {"001", "002"})
    given = given_receipts(tmp_path / "run", tmp_path / "run-card", st, ["001", "002"]).to_pylist()
    assert given == [{"doc_id": "001", "payment_method": "VISA"}, {"doc_id": "002", "payment_method": "CASH"}]
    as_transcribed = given_receipts(tmp_path / "run", None, st, ["001", "002"]).to_pylist()
    assert [r["payment_method"] for r in as_transcribed] == ["CASH", "CASH"]


def test_a_card_is_charged_the_sum_before_cash_rounding_the_first_generator_the_keys_total():
    # SROIE 002: TOTAL 33.92, ROUNDING -0.02, TOTAL ROUNDED 33.90; rounding to 5 sen is for cash only.
    bought = [replace(p, total=Decimal("33.90"), card_total=Decimal("33.92")) for p in purchases(60)]
    st = make_statement(bought, set(), seed=3)
    charged = {r["amount"] for r in st.rows if st.truth[r["transaction_id"]]}
    assert Decimal("33.92") in charged and Decimal("33.90") not in charged
    as_transcribed = make_statement(bought, set(), seed=3, tender="printed")
    assert Decimal("33.90") in {r["amount"] for r in as_transcribed.rows if as_transcribed.truth[r["transaction_id"]]}


def test_a_credit_note_is_no_purchase_the_statement_charges():
    # SROIE 347: GARDENIA's key total is -1.73 (supplies 12.98 less returns 14.71); read without its
    # sign it was billed as a 1.73 card charge no bank would make.
    bought, unusable = purchases_of_keys(shared("sroie-train"), ["346", "347"])
    assert "347" in unusable and all("347" not in p.doc_ids for p in bought)
    assert [p.doc_ids for p in bought] == [frozenset({"346"})]
    assert key_total("-1.73") == Decimal("-1.73") and key_total("12.98") == Decimal("12.98")

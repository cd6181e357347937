"""Matching: a pair is automatic only when no other reading of the statement explains it as well."""

from __future__ import annotations

from docbatch.reconcile import reconcile

from .test_reconcile_matching import day, receipts, statement


def test_a_charge_matched_to_another_scan_of_the_purchase_is_no_rival_explained_elsewhere():
    # Seed 3005 tuning, SROIE 016/018: one LIGHTROOM GALLERY purchase scanned twice. One scan took the
    # charge under the gallery's name; the other took a same-day decoy of its amount under a name printed
    # nowhere, amount and day alone, as if the gallery's charge were explained by another purchase.
    scan = {"vendor_name": "LIGHTROOM GALLERY SDN BHD", "receipt_date": day(0), "total": "73.00",
            "payment_method": "VISA", "receipt_time": "19:10:35", "receipt_number": "LCS03908"}
    recs = receipts({**scan, "doc_id": "016"}, {**scan, "doc_id": "018"})
    txns = statement((day(0), "LIGHTROOM GALLERY SDN", "73.00", "T1"), (day(0), "GUARDIAN MID VALLEY", "73.00", "T2"))
    result = reconcile(recs, txns)
    assert [r["transaction_id"] for r in result.matches.to_pylist()] == ["T1"]  # one scan, and the decoy to none
    # another purchase's automatic match still explains a rival (SROIE 083's rule)
    other = {**scan, "doc_id": "other", "vendor_name": "SOON HUAT MACHINERY", "receipt_number": "SH1"}
    result = reconcile(receipts({**scan, "doc_id": "016"}, other),
                       statement((day(0), "SOON HUAT MACHINERY", "73.00", "T1"),
                                 (day(0), "KUMPULAN WANGSA HOLDIN", "73.00", "T2")))
    assert sorted((r["doc_id"], r["transaction_id"]) for r in result.matches.to_pylist()) == [
        ("016", "T2"), ("other", "T1")]


def test_a_descriptor_naming_another_vendor_of_the_batch_whole_and_the_receipts_only_in_part_is_reviewed():
    # Seed 3001 tuning, SROIE 029: C W KHOO HARDWARE's 21.20 (its own charge billed by an aggregator)
    # took a same-day 21.20 billed as 'BEYOND BROTHERS HARDWA', another receipt's merchant, on the
    # shared word HARDWARE (a partial likeness, enough to agree).
    khoo = {"doc_id": "029", "vendor_name": "C W KHOO HARDWARE SDN BHD", "receipt_date": day(0), "total": "21.20",
            "payment_method": "VISA"}
    beyond = {"doc_id": "other", "vendor_name": "BEYOND BROTHERS HARDWARE", "receipt_date": day(-9), "total": "5.00"}
    txns = statement((day(0), "BEYOND BROTHERS HARDWA", "21.20", "T1"))
    (row,) = reconcile(receipts(khoo, beyond), txns).needs_review.to_pylist()
    assert (row["doc_id"], row["transaction_id"], row["review_reason"]) == ("029", "T1", "names_another_vendor")
    # with no such vendor in the batch, the partial likeness agrees
    result = reconcile(receipts(khoo), txns)
    assert [(r["doc_id"], r["transaction_id"]) for r in result.matches.to_pylist()] == [("029", "T1")]
    # a descriptor naming the receipt's own merchant whole matches beside a like-named vendor
    result = reconcile(receipts(khoo, beyond), statement((day(0), "C W KHOO HARDWARE S/B", "21.20", "T1")))
    assert [(r["doc_id"], r["transaction_id"]) for r in result.matches.to_pylist()] == [("029", "T1")]


def test_two_charges_alike_but_for_the_next_day_are_ambiguous():
    # Seed 2006 tuning, SROIE 194: AEON's 88.97 charged on the statement's next day (after midnight),
    # and another AEON store's same-day 88.97; the assignment took the same-day one by the one day of
    # date evidence between them (margin 0.05).
    recs = receipts({"doc_id": "194", "vendor_name": "AEON CO. (M) BHD", "receipt_date": day(0), "total": "88.97",
                     "payment_method": "VISA"})
    cols = ("Transaction Date", "Posted Date", "Description", "Amount", "Reference")
    txns = statement((day(1), day(2), "POS AEON CO MBHD", "88.97", "T1"), (day(0), day(1), "AEON CO M BHD", "88.97", "T2"),
                     columns=cols)
    result = reconcile(recs, txns)
    assert result.matches.num_rows == 0
    (row,) = result.needs_review.to_pylist()
    assert row["review_reason"] == "ambiguous"
    assert {row["transaction_id"], row["alternative_transaction_id"]} == {"T1", "T2"}
    # a charge two days on is no such alternative: the same day's is the receipt's
    txns = statement((day(2), day(3), "POS AEON CO MBHD", "88.97", "T1"), (day(0), day(1), "AEON CO M BHD", "88.97", "T2"),
                     columns=cols)
    assert [r["transaction_id"] for r in reconcile(recs, txns).matches.to_pylist()] == ["T2"]

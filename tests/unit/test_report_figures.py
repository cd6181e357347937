"""The report's numbers from table rows: fields flagged by review reasons, fill rates, counts."""

from __future__ import annotations

import datetime as dt

from docbatch.report.figures import field_stats, finished_per_interval, flagged_fields, reason_counts, split_reasons


def test_receipt_reasons_name_their_fields_by_name_state_or_first_word():
    row = {"review_reason": "vendor_missing;totals_inconsistent;date_ambiguous;word_cap", "total": "9.50",
           "total_confidence": 90.0}
    assert flagged_fields("receipts", row) == ["vendor_name", "receipt_date", "total"]


def test_a_reason_naming_a_word_that_ends_in_s_flags_its_field():
    # address_missing names vendor_address ("address" is no plural to strip an "s" from twice).
    assert flagged_fields("receipts", {"review_reason": "address_missing"}) == ["vendor_address"]


def test_identity_reasons_list_their_fields_after_a_colon():
    row = {"review_reason": "missing: first_name,last_name; low confidence: document_number; "
                            "mrz checks failed: composite"}
    assert flagged_fields("ids", row) == ["first_name", "last_name", "document_number"]


def test_a_value_at_or_under_the_review_level_is_flagged_without_a_reason():
    row = {"review_reason": None, "tax": "1.20", "tax_confidence": 50.0, "total": "9.50", "total_confidence": 51.0}
    assert flagged_fields("receipts", row) == ["tax"]


def test_a_semicolon_inside_a_reasons_explanation_does_not_split_it():
    text = "not an identity document (no MRZ or barcode; the text reads as a receipt); missing: last_name"
    assert split_reasons(text) == ["not an identity document (no MRZ or barcode; the text reads as a receipt)",
                                   "missing: last_name"]
    assert reason_counts([{"review_reason": text}, {"review_reason": "missing: first_name"}]) == {
        "not an identity document (no MRZ or barcode; the text reads as a receipt)": 1, "missing": 2}


def test_fill_rate_and_confidences_count_only_filled_values():
    rows = [{"total": "1.00", "total_confidence": 90.0}, {"total": None, "total_confidence": None},
            {"total": "2.00", "total_confidence": 40.0}, {"total": "", "total_confidence": 10.0}]
    total = next(s for s in field_stats("receipts", rows) if s.name == "total")
    assert (total.filled, total.fill_rate, total.confidences, total.low_share) == (2, 0.5, (90.0, 40.0), 0.5)


def test_documents_finished_per_round_interval():
    t0 = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.timezone.utc)
    docs = [{"processed_at": t0 + dt.timedelta(seconds=s)} for s in (0, 0.5, 3, 119)] + [{"processed_at": None}]
    width, counts = finished_per_interval(docs)
    assert width == 2 and sum(counts) == 4 and counts[0] == 2 and counts[1] == 1
    assert finished_per_interval(docs[:1]) is None

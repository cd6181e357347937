"""CSV output neutralises spreadsheet formulas in text cells only."""

import pyarrow as pa

from docbatch.sinks.csv import csv_ready


def test_formula_looking_text_is_prefixed_and_numbers_are_not():
    from decimal import Decimal

    table = pa.table({"note": ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "plain", None],
                      "amount": pa.array([Decimal("-1.50")] * 6, pa.decimal128(18, 2))})
    out = csv_ready(table)
    assert out.column("note").to_pylist() == ["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM(A1)", "plain", None]
    assert out.column("amount").type == pa.decimal128(18, 2)

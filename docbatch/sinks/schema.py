"""Every output table's pyarrow schema, in one place.

Types are real (timestamps, dates, decimals, ints) so Parquet loads into pandas,
DuckDB and Athena without casts.  Money is ``decimal128(18, 2)``; confidences are
float32 in 0..100 like the service's.  Manifest passthrough columns are appended to
``documents``, ``receipts`` and ``ids`` as strings (their types are the user's, and a
manifest read as CSV has no types).
"""

from __future__ import annotations

import pyarrow as pa

MONEY = pa.decimal128(18, 2)
CONF = pa.float32()
TS = pa.timestamp("ms", tz="UTC")

DOCUMENTS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("row_no", pa.int64()),
        ("source", pa.string()),
        ("doc_type", pa.string()),
        ("detected_type", pa.string()),
        ("status", pa.string()),
        ("error_code", pa.string()),
        ("error_message", pa.string()),
        ("engine", pa.string()),
        ("text_model_version", pa.string()),
        ("n_lines", pa.int32()),
        ("n_words", pa.int32()),
        ("word_cap_hit", pa.bool_()),
        ("mean_confidence", CONF),
        ("image_width", pa.int32()),
        ("image_height", pa.int32()),
        ("attempts", pa.int32()),
        ("latency_ms", pa.int64()),
        ("processed_at", TS),
    ]
)

DETECTIONS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("id", pa.int32()),
        ("parent_id", pa.int32()),
        ("type", pa.string()),
        ("text", pa.string()),
        ("confidence", CONF),
        ("left", pa.float32()),
        ("top", pa.float32()),
        ("width", pa.float32()),
        ("height", pa.float32()),
        ("polygon", pa.list_(pa.struct([("x", pa.float32()), ("y", pa.float32())]))),
    ]
)


def _with_confidence(fields: list[tuple[str, pa.DataType]]) -> list[tuple[str, pa.DataType]]:
    out = list(fields)
    out += [(f"{name}_confidence", CONF) for name, _ in fields]
    return out


RECEIPT_FIELDS: list[tuple[str, pa.DataType]] = [
    ("vendor_name", pa.string()),
    ("vendor_address", pa.string()),
    ("vendor_phone", pa.string()),
    ("receipt_date", pa.date32()),
    ("receipt_time", pa.time32("s")),
    ("subtotal", MONEY),
    ("tax", MONEY),
    ("tip", MONEY),
    ("total", MONEY),
    ("amount_paid", MONEY),
    ("currency", pa.string()),
    ("payment_method", pa.string()),
    ("card_last4", pa.string()),
    ("receipt_number", pa.string()),
]

RECEIPTS = pa.schema(
    [("doc_id", pa.string()), ("source", pa.string())]
    + _with_confidence(RECEIPT_FIELDS)
    + [
        ("totals_consistent", pa.bool_()),
        ("date_plausible", pa.bool_()),
        ("date_ambiguous", pa.bool_()),
        ("needs_review", pa.bool_()),
        ("review_reason", pa.string()),
    ]
)

RECEIPT_ITEMS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("line_no", pa.int32()),
        ("item", pa.string()),
        ("quantity", pa.decimal128(18, 3)),
        ("unit_price", MONEY),
        ("price", MONEY),
        ("raw_text", pa.string()),
        ("confidence", CONF),
    ]
)

ID_FIELDS: list[tuple[str, pa.DataType]] = [
    ("id_type", pa.string()),
    ("first_name", pa.string()),
    ("middle_name", pa.string()),
    ("last_name", pa.string()),
    ("suffix", pa.string()),
    ("date_of_birth", pa.date32()),
    ("date_of_issue", pa.date32()),
    ("expiration_date", pa.date32()),
    ("document_number", pa.string()),
    ("sex", pa.string()),
    ("nationality", pa.string()),
    ("issuing_country", pa.string()),
    ("state_name", pa.string()),
    ("state_in_address", pa.string()),
    ("address", pa.string()),
    ("city_in_address", pa.string()),
    ("zip_code_in_address", pa.string()),
    ("county", pa.string()),
    ("class", pa.string()),
    ("restrictions", pa.string()),
    ("endorsements", pa.string()),
    ("veteran", pa.string()),
    ("place_of_birth", pa.string()),
    ("mrz_code", pa.string()),
]

IDS = pa.schema(
    [("doc_id", pa.string()), ("source", pa.string())]
    + _with_confidence(ID_FIELDS)
    + [(f"{name}_source", pa.string()) for name, _ in ID_FIELDS]
    + [
        ("mrz_valid", pa.bool_()),
        ("mrz_failed_checks", pa.string()),
        ("expired", pa.bool_()),
        ("fields_agree", pa.bool_()),
        ("needs_review", pa.bool_()),
        ("review_reason", pa.string()),
    ]
)

#: table name -> schema; tables that carry manifest passthrough columns are listed below.
TABLES: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "detections": DETECTIONS,
    "receipts": RECEIPTS,
    "receipt_items": RECEIPT_ITEMS,
    "ids": IDS,
}
PASSTHROUGH_TABLES = frozenset({"documents", "receipts", "ids"})


def with_passthrough(schema: pa.Schema, columns: list[str]) -> pa.Schema:
    """Append passthrough columns (as strings), skipping names the schema already owns."""
    extra = [pa.field(c, pa.string()) for c in columns if c not in schema.names]
    return pa.schema(list(schema) + extra)

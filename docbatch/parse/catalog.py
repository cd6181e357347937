"""The catalogue of output tables and their fields: names, kinds, meaning, personal data.

This is the one place that says which tables docbatch writes, which columns each holds,
of what kind, what they mean and whether they hold personal data (and how ``--redact``
treats them).  Everything else derives from it: the Parquet/CSV schemas
(:mod:`docbatch.sinks.schema` maps kinds to Arrow types), the redaction policy
(:mod:`docbatch.parse.redaction`), the parsers' empty rows, and the README's schema
section (:func:`markdown`).  A new receipt field is one :class:`Field` here plus the
parser code that fills it; a new table is one :class:`Table` here plus its producer.

Kinds are abstract on purpose (``money``, ``date``...), so parsing never imports a table
library; the sinks choose the physical types.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["string", "int32", "int64", "bool", "float32", "confidence", "money", "quantity", "date",
               "time", "timestamp", "polygon"]
#: How ``--redact`` writes a personal field: a keyed hash, the last 4 / first 3 characters
#: only, dropped, or ``text`` (recognised text: blanked on identity documents, card
#: numbers masked to their last 4 digits on the others).
Redaction = Literal["hash", "last4", "first3", "drop", "text"]


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    description: str
    redact: Redaction | None = None

    @property
    def personal(self) -> bool:
        return self.redact is not None


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    fields: tuple[Field, ...]
    #: Whether the manifest's own columns are appended (as strings).
    passthrough: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


#: The review level of every ``<field>_confidence`` column (0..100): a parser that doubts a value
#: puts its confidence at this level at most, and readers of the tables (the report, the
#: evaluations) take a confidence at or under it as asking for a person.  One number for both
#: parsers and the report, so a change of level changes them together.
REVIEW_LEVEL = 50.0


def _scored(fields: list[Field], *, sources: bool = False) -> list[Field]:
    """Each field, then a ``_confidence`` per field (and a ``_source`` per field for ids)."""
    out = list(fields)
    out += [Field(f"{f.name}_confidence", "confidence", f"confidence 0..100 of {f.name}") for f in fields]
    if sources:
        out += [Field(f"{f.name}_source", "string", f"where {f.name} was read: mrz, barcode or visual")
                for f in fields]
    return out


_KEY = (Field("doc_id", "string", "the document's id (manifest doc_id, or derived from the file name)"),
        Field("source", "string", "where the image was read from (local path or s3:// URI)"))

DOCUMENTS = Table("documents", "one row per manifest row: what happened to the document", (
    *_KEY[:1],
    Field("row_no", "int64", "the row's position in the manifest (1-based)"),
    _KEY[1],
    Field("page", "int32", "the page of a multi-page source (PDF, TIFF); its doc_id is <doc_id>#p<page>"),
    Field("page_count", "int32", "pages in the source (1 for an image)"),
    Field("doc_type", "string", "receipt, id or auto, as asked"),
    Field("detected_type", "string", "receipt or id, as parsed (auto is classified from the text)"),
    Field("status", "string", "ok or failed"),
    Field("error_code", "string", "stable snake_case code of the failure (null when ok)"),
    Field("error_message", "string", "what went wrong, without recognised text"),
    Field("engine", "string", "the OCR engine that answered"),
    Field("text_model_version", "string", "the engine's TextModelVersion"),
    Field("n_lines", "int32", "LINE detections in the response"),
    Field("n_words", "int32", "WORD detections in the response"),
    Field("word_cap_hit", "bool", "words may be missing: an answer held the engine's word cap and was not "
                                  "read past it (tiling off, or it could not cut the text)"),
    Field("mean_confidence", "confidence", "mean WORD confidence 0..100"),
    Field("image_width", "int32", "pixels of the image sent (null for S3 objects read by the service)"),
    Field("image_height", "int32", "pixels of the image sent"),
    Field("prep", "string", "what preparation did to the image sent, '; '-joined (rendered:300dpi, rotated:90cw, "
          "converted:CMYK>RGB, upscaled:..., encoded:PNG, tiled:3 = read in 3 answers past the word cap; "
          "empty: sent as it was)"),
    Field("attempts", "int32", "engine calls made for the document in the run that processed it"),
    Field("n_calls", "int32", "engine calls answered for it in that run (tiles included; 0 when all were cached)"),
    Field("tiles", "int32", "answers merged into its response: 1 read whole, more when tiled past the word cap"),
    Field("latency_ms", "int64", "wall time of the document's processing"),
    Field("processed_at", "timestamp", "when the document was processed (UTC)"),
), passthrough=True)

DETECTIONS = Table("detections", "one row per LINE or WORD the engine returned", (
    _KEY[0],
    Field("id", "int32", "the detection's Id in the response"),
    Field("parent_id", "int32", "a WORD's LINE Id"),
    Field("type", "string", "LINE or WORD"),
    Field("text", "string", "the recognised text", redact="text"),
    Field("confidence", "confidence", "the engine's confidence 0..100"),
    Field("left", "float32", "bounding box left, 0..1 of the image width"),
    Field("top", "float32", "bounding box top, 0..1 of the image height"),
    Field("width", "float32", "bounding box width, 0..1"),
    Field("height", "float32", "bounding box height, 0..1"),
    Field("polygon", "polygon", "the detection's polygon, points in 0..1"),
))

RECEIPT_FIELDS: tuple[Field, ...] = (
    Field("vendor_name", "string", "the merchant (Textract VENDOR_NAME)"),
    Field("vendor_address", "string", "the merchant's address block"),
    Field("vendor_phone", "string", "the merchant's phone number"),
    Field("receipt_date", "date", "date of purchase (INVOICE_RECEIPT_DATE)"),
    Field("receipt_time", "time", "time of purchase, 24-hour 'HH:MM:SS' text (Athena and Glue have no TIME type)"),
    Field("subtotal", "money", "amount before tax (SUBTOTAL)"),
    Field("tax", "money", "tax amount (TAX)"),
    Field("tip", "money", "tip or gratuity"),
    Field("total", "money", "the amount the receipt says is due (TOTAL)"),
    Field("total_before_rounding", "money", "the sum before cash rounding when the total is the rounded figure and "
          "the sum is printed on a total row: a card paying the bill is charged this sum"),
    Field("amount_paid", "money", "amount tendered or charged"),
    Field("currency", "string", "ISO 4217 code"),
    Field("payment_method", "string", "cash, card, ..."),
    Field("card_last4", "string", "last 4 digits of the card, when printed"),
    Field("receipt_number", "string", "receipt, invoice or bill number"),
)

RECEIPTS = Table("receipts", "one row per receipt: fields, per-field confidence, validation flags", (
    *_KEY,
    *_scored(list(RECEIPT_FIELDS)),
    Field("vendor_aliases", "string", "other names the receipt prints for its merchant, '; '-joined (a brand row, "
          "the owning company, a web domain, a footer's 'shopping at'): a card may bill under any of them",
          redact="text"),
    Field("totals_consistent", "bool", "items, subtotal, tax and total add up"),
    Field("date_plausible", "bool", "the date is not in the future nor implausibly old"),
    Field("date_ambiguous", "bool", "day and month could be read either way"),
    Field("needs_review", "bool", "a key field is missing, doubtful or inconsistent, or the header may print an "
          "address that was not read (address_missing)"),
    Field("review_reason", "string", "why the row needs review (field names, never values)"),
), passthrough=True)

RECEIPT_ITEMS = Table("receipt_items", "one row per line item of a receipt", (
    _KEY[0],
    Field("line_no", "int32", "the item's position on the receipt"),
    Field("item", "string", "item description (ITEM)", redact="text"),
    Field("quantity", "quantity", "quantity (QUANTITY)"),
    Field("unit_price", "money", "price of one (UNIT_PRICE)"),
    Field("price", "money", "line amount (PRICE)"),
    Field("raw_text", "string", "the line as read", redact="text"),
    Field("confidence", "confidence", "lowest OCR confidence of the line's words"),
))

ID_FIELDS: tuple[Field, ...] = (
    Field("id_type", "string", "passport, id_card, visa, drivers_license or unknown"),
    Field("first_name", "string", "given name (FIRST_NAME)", redact="hash"),
    Field("middle_name", "string", "middle name(s)", redact="hash"),
    Field("last_name", "string", "surname (LAST_NAME)", redact="hash"),
    Field("suffix", "string", "name suffix (JR, III)", redact="hash"),
    Field("date_of_birth", "date", "date of birth", redact="drop"),
    Field("date_of_issue", "date", "date of issue"),
    Field("expiration_date", "date", "expiry date"),
    Field("document_number", "string", "document or licence number", redact="last4"),
    Field("sex", "string", "M, F or X"),
    Field("nationality", "string", "ISO 3166 alpha-3 nationality (MRZ)"),
    Field("issuing_country", "string", "ISO 3166 alpha-3 issuing state"),
    Field("state_name", "string", "issuing US state"),
    Field("state_in_address", "string", "state of the holder's address"),
    Field("address", "string", "the holder's street address", redact="hash"),
    Field("city_in_address", "string", "city of the holder's address"),
    Field("zip_code_in_address", "string", "ZIP code of the holder's address", redact="first3"),
    Field("county", "string", "county"),
    Field("class", "string", "licence class"),
    Field("restrictions", "string", "licence restrictions"),
    Field("endorsements", "string", "licence endorsements"),
    Field("veteran", "string", "veteran indicator"),
    Field("place_of_birth", "string", "place of birth", redact="hash"),
    Field("mrz_code", "string", "the machine-readable zone as read", redact="drop"),
)

IDS = Table("ids", "one row per identity document: fields with confidence and source, checks", (
    *_KEY,
    *_scored(list(ID_FIELDS), sources=True),
    Field("mrz_valid", "bool", "every MRZ check digit holds"),
    Field("mrz_failed_checks", "string", "the MRZ checks that failed"),
    Field("expired", "bool", "the expiry date is before the run date"),
    Field("fields_agree", "bool", "printed fields agree with the MRZ or barcode"),
    Field("needs_review", "bool", "a key field is missing, doubtful or contradicted"),
    Field("review_reason", "string", "why the row needs review (field names, never values)"),
), passthrough=True)

RUN_ID = Field("run_id", "string", "the run that wrote the table (runs/<run_id>.json in the run folder)")


def _with_run_id(table: Table) -> Table:
    """Every table ends with ``run_id`` (before manifest columns), so runs can be told apart."""
    return Table(table.name, table.description, (*table.fields, RUN_ID), passthrough=table.passthrough)


#: Every table docbatch writes, in the order they are written and documented.
TABLES: dict[str, Table] = {t.name: _with_run_id(t) for t in (DOCUMENTS, DETECTIONS, RECEIPTS, RECEIPT_ITEMS, IDS)}

# -- reconciliation (``docbatch reconcile``: receipts of a run against card transactions) -----
_R_SIDE = (
    Field("doc_id", "string", "the receipt's doc_id in the run's receipts table"),
    Field("vendor_name", "string", "the receipt's merchant as read"),
    Field("receipt_date", "date", "the receipt's date as read"),
    Field("receipt_amount", "money", "the receipt amount compared (the total, or the amount named by amount_basis)"),
    Field("currency", "string", "the receipt's ISO 4217 currency after resolution (null when unresolved)"),
    Field("currency_source", "string", "where currency came from: receipt, job, vendor_country, transaction"),
)
_T_SIDE = (
    Field("transaction_id", "string", "the transaction's id (from the export, else its row number)"),
    Field("transaction_date", "date", "the day of the purchase on the statement (when the export has one)"),
    Field("posted_date", "date", "the day the transaction posted (settled)"),
    Field("descriptor", "string", "the card descriptor as exported"),
    Field("transaction_amount", "money", "signed amount: positive is money spent, negative a refund or credit"),
    Field("transaction_currency", "string", "ISO 4217 of the transaction (export column, header or option)"),
    Field("card_last4", "string", "last 4 digits of the card on the transaction"),
)
_M_SIDE = (
    Field("score", "float32", "match score 0..1 (amount, date, merchant, card, currency)"),
    Field("margin", "float32", "how much the best assignment loses without this pair (small: ambiguous)"),
    Field("reasons", "string", "the evidence behind the score, ';'-joined codes (amount_exact, date_lag_2, ...)"),
    Field("amount_basis", "string", "total, total_before_rounding, subtotal, amount_paid, total_plus_tip, rounding, "
          "fx or tip"),
    Field("amount_difference", "money", "transaction amount minus receipt amount"),
    Field("days_after", "int32", "days from the receipt date to the transaction (or posted) date"),
    Field("merchant_similarity", "float32", "0..1 similarity of vendor and descriptor after removing descriptor noise"),
)

MATCHES = Table("matches", "one row per receipt matched automatically to one card transaction",
                (*_R_SIDE, *_T_SIDE, *_M_SIDE))
NEEDS_REVIEW = Table("needs_review", "receipts a person must decide on, with their best candidate transaction", (
    *_R_SIDE, *_T_SIDE, *_M_SIDE,
    Field("review_reason", "string", "why, ';'-joined: total_flagged, ambiguous, low_score, merchant_mismatch, "
                                     "date_far, amount_uncertain, date_outside_window, date_missing, card_mismatch, "
                                     "currency_mismatch, currency_unresolved, duplicate_receipt, names_another_vendor"),
    Field("alternative_transaction_id", "string", "the competing transaction when ambiguous"),
    Field("alternative_doc_id", "string", "the competing receipt when ambiguous, or the receipt this one duplicates"),
))
UNMATCHED_RECEIPTS = Table("unmatched_receipts", "receipts with no transaction close enough to propose", (
    *_R_SIDE,
    Field("reason", "string", "no_candidate, below_threshold, candidate_taken (by a better pair), total_missing "
                              "or not_a_purchase"),
    Field("best_transaction_id", "string", "the closest transaction, when one scored at all"),
    Field("best_score", "float32", "its score 0..1"),
))
UNMATCHED_TRANSACTIONS = Table("unmatched_transactions", "transactions no receipt was matched or proposed for", (
    *_T_SIDE,
    Field("kind", "string", "purchase, refund or credit (payments, fees reversed)"),
    Field("refund_of", "string", "transaction_id of the matched purchase this refund reverses, when found"),
    Field("best_doc_id", "string", "the closest receipt, when one scored at all"),
    Field("best_score", "float32", "its score 0..1"),
))

RECON_RUN_ID = Field("run_id", "string", "the run whose receipts table was reconciled (the receipt's own run; "
                                         "on unmatched_transactions, the run all the receipts came from)")

#: The tables ``docbatch reconcile`` writes (into its own folder, never into a run folder).
RECONCILIATION_TABLES: dict[str, Table] = {
    t.name: Table(t.name, t.description, (*t.fields, RECON_RUN_ID))
    for t in (MATCHES, NEEDS_REVIEW, UNMATCHED_RECEIPTS, UNMATCHED_TRANSACTIONS)}

#: Every table docbatch describes (``docbatch schema``, the README): a run's, then reconciliation's.
ALL_TABLES: dict[str, Table] = {**TABLES, **RECONCILIATION_TABLES}


#: What ``--partition-by`` may split every table by, in Hive-style folders (``key=value/``):
#: a value of the run, or of the document (each row of every table takes its document's).
#: Partition columns are strings, in the folder names and not in the files (as Hive, Athena,
#: pandas and DuckDB expect); a null value goes under ``key=__HIVE_DEFAULT_PARTITION__``, and
#: an empty table's one part under ``key=none``.
PARTITION_KEYS: dict[str, str] = {
    "run_date": "the UTC day the run started, YYYY-MM-DD (the date its run_id begins with)",
    "doc_type": "the document's doc_type as asked: receipt, id or auto",
    "detected_type": "receipt or id, as parsed",
    "status": "ok or failed",
}


def _per_field(table: Table) -> set[str]:
    """A field's ``<field>_confidence`` and, beside it, ``<field>_source`` (the README summarises them);
    a column of its own such as ``currency_source`` or ``mean_confidence`` is not one."""
    names = {f.name for f in table.fields}
    conf = {n for n in names if n.endswith("_confidence") and n[: -len("_confidence")] in names}
    return conf | {n for n in names if n.endswith("_source") and n[: -len("_source")] + "_confidence" in conf}


def _listed(table: Table) -> list[Field]:
    """The columns a reader needs spelled out (per-field confidences and sources are summarised)."""
    summarised = _per_field(table)
    return [f for f in table.fields if f.name not in summarised]


def markdown(tables: list[str] | None = None) -> str:
    """The schema of the tables as Markdown (``docbatch schema``; the README's schema section is this text)."""
    out: list[str] = []
    for table in (ALL_TABLES[t] for t in (tables or list(ALL_TABLES))):
        if table.name == next(iter(RECONCILIATION_TABLES)):
            out.append("Written by `docbatch reconcile` into its own folder:")
            out.append("")
        out.append(f"#### `{table.name}`: {table.description}")
        if table.passthrough:
            out.append("The manifest's own columns follow the ones below, as strings.")
        out.append("")
        out.append("| column | kind | personal data (`--redact`) | meaning |")
        out.append("|---|---|---|---|")
        for f in _listed(table):
            out.append(f"| `{f.name}` | {f.kind} | {f.redact or ''} | {f.description} |")
        summarised = _per_field(table)
        if any(n.endswith("_source") for n in summarised):
            out.append("| `<field>_confidence`, `<field>_source` | confidence, string | | per field: 0..100, and "
                       "where it was read (mrz, barcode, visual) |")
        elif summarised:
            out.append("| `<field>_confidence` | confidence | | per field: 0..100 |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def as_json(tables: list[str] | None = None) -> list[dict[str, object]]:
    """The schema as data: every column of every table (``docbatch schema --format json``)."""
    return [{"table": t.name, "description": t.description, "manifest_columns_follow": t.passthrough,
             "columns": [{"name": f.name, "kind": f.kind, "personal": f.personal, "redact": f.redact,
                          "description": f.description} for f in t.fields]}
            for t in (ALL_TABLES[name] for name in (tables or list(ALL_TABLES)))]

"""Receipt or identity document, from the detections alone (``doc_type = auto``).

One manifest may mix receipts and IDs.  The two kinds share little vocabulary: IDs carry
an MRZ or licence labels (DOB, EXP, CLASS, the AAMVA ``4d``/``4b`` numbers, "DRIVER
LICENSE", "PASSPORT") and at most a few dates; receipts carry money amounts and till
words (TOTAL, TAX, CASH, CHANGE, QTY).  Each cue adds to one side's score; an MRZ
decides on its own.  Ties go to ``receipt``, the common case of a batch.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from ..response import lines, words
from .identity.mrz_find import find_mrz

_ID_WORDS = re.compile(
    r"(?<![A-Z])(?:DRIVER'?S?|LICEN[CS]E|PASSPORT|PASSEPORT|IDENTIFICATION|IDENTITY|IDENTIDAD|"
    r"NATIONALITY|NATIONALIT[EÉ]|SURNAME|GIVEN\s+NAMES?|DATE\s+OF\s+BIRTH|D\.?O\.?B|"
    r"DATE\s+OF\s+EXPIRY|EXP(?:IRES)?|ISS(?:UED)?|SEX|HGT|WGT|EYES|HAIR|CLASS|ENDORSEMENTS?|"
    r"RESTRICTIONS?|DONOR|VETERAN|4[ABD]|DLN?|CARDHOLDER|VISA)(?![A-Z])"
)
_RECEIPT_WORDS = re.compile(
    r"(?<![A-Z])(?:TOTAL|SUB\s*-?TOTAL|TAX|GST|VAT|CASH|CHANGE|QTY|AMOUNT|AMT|RECEIPT|INVOICE|"
    r"THANK\s+YOU|CASHIER|TENDERED?|ROUNDING|DISCOUNT|ITEMS?|PRICE|BALANCE|PAID|VISA\s+\*+|"
    r"MASTERCARD|DEBIT|SUBTOTAL|SALES|STORE|TEL|PHONE)(?![A-Z])"
)
_MONEY = re.compile(r"(?<![\d/])\d{1,6}[.,]\d{2}(?![\d/])")


def cue_scores(response: Mapping[str, Any]) -> tuple[int, int]:
    """(identity cues, receipt cues) found in the text, MRZ aside."""
    texts = [str(d.get("DetectedText", "")) for d in (lines(response) or words(response))]
    text = "\n".join(texts).upper()
    return len(_ID_WORDS.findall(text)), len(_RECEIPT_WORDS.findall(text)) + len(_MONEY.findall(text))


def classify(response: Mapping[str, Any]) -> str:
    """``"id"`` or ``"receipt"`` for one DetectText response."""
    if find_mrz(response) is not None:
        return "id"
    id_score, receipt_score = cue_scores(response)
    return "id" if id_score > receipt_score else "receipt"

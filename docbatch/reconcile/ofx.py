"""OFX/QFX (1.x SGML and 2.x XML) and QIF statement files.

Both are read without a library: the parts a statement needs are small and regular, and
the SGML dialect of OFX 1.x (leaf tags left open) trips XML parsers.  OFX amounts follow
the spec (``TRNAMT`` negative for a debit, on bank and card accounts alike); so do Quicken's
QIF exports.  An explicit :attr:`TransactionOptions.sign` still wins.
"""

from __future__ import annotations

import dataclasses
import html
import re
from decimal import Decimal
from typing import Any

from ..errors import TransactionFileError
from .settings import TransactionOptions
from .transactions import Statement, from_rows
from .workbooks import export_text

_HEADER = ["transaction_id", "transaction_date", "posted_date", "descriptor", "amount", "currency", "card_last4",
           "original_amount", "original_currency"]
#: A leaf tag and its value; tags are uppercase by the spec, but some generators write them lowercase.
_LEAF = re.compile(r"<([A-Z0-9.]+)>([^<\r\n]*)", re.I)


def looks_like_ofx(data: bytes) -> bool:
    head = data[:2048].upper()
    return b"OFXHEADER" in head or b"<OFX>" in head


def looks_like_qif(data: bytes) -> bool:
    return data.lstrip()[:6].upper() == b"!TYPE:"


def _with_sign(options: TransactionOptions) -> TransactionOptions:
    return options if options.sign != "auto" else dataclasses.replace(options, sign="debit_negative")


def _leaves(block: str) -> dict[str, str]:
    """Leaf tag -> value, character entities read (both dialects escape ``&`` and ``<``: ``AT&amp;T``)."""
    return {m.group(1).upper(): html.unescape(m.group(2).strip()) for m in _LEAF.finditer(block) if m.group(2).strip()}


def read_ofx(data: bytes, *, options: TransactionOptions) -> Statement:
    """Every ``STMTTRN`` of every statement in the file, with its statement's currency and account."""
    text = export_text(data)
    rows: list[list[Any]] = []
    parts = re.split(r"<(STMTRS|CCSTMTRS)>", text, flags=re.I)[1:]
    if not parts:
        raise TransactionFileError("OFX file holds no bank or card statement (STMTRS/CCSTMTRS)")
    for kind, stmt in zip(parts[::2], parts[1::2]):
        head = _leaves(re.split(r"<STMTTRN>", stmt, maxsplit=1, flags=re.I)[0])
        curdef = head.get("CURDEF") or options.currency
        # A card statement's ACCTID is the card; a bank statement's is the account its debit card
        # draws on, which no receipt prints (taken for the card, every card receipt would disagree).
        account = head.get("ACCTID") if kind.upper() == "CCSTMTRS" else None
        for block in re.findall(r"<STMTTRN>(.*?)(?:</STMTTRN>|(?=<STMTTRN>)|</BANKTRANLIST>)", stmt,
                                flags=re.I | re.S):
            leaf = _leaves(block)
            cur, orig_cur, orig_amt = curdef, None, None
            if m := re.search(r"<CURRENCY>(.*?)(?:</CURRENCY>|$)", block, flags=re.I | re.S):
                cur = _leaves(m.group(1)).get("CURSYM") or cur
            if m := re.search(r"<ORIGCURRENCY>(.*?)(?:</ORIGCURRENCY>|$)", block, flags=re.I | re.S):
                orig = _leaves(m.group(1))
                orig_cur = orig.get("CURSYM")
                rate = orig.get("CURRATE")
                if rate and leaf.get("TRNAMT"):
                    try:
                        orig_amt = (abs(Decimal(leaf["TRNAMT"])) / Decimal(rate)).quantize(Decimal("0.01"))
                    except ArithmeticError:
                        orig_amt = None
            name = leaf.get("NAME") or leaf.get("PAYEE") or leaf.get("MEMO")
            if leaf.get("MEMO") and leaf.get("NAME") and leaf["MEMO"] not in leaf["NAME"]:
                name = f"{leaf['NAME']} {leaf['MEMO']}"
            rows.append([leaf.get("FITID"), leaf.get("DTUSER"), leaf.get("DTPOSTED"), name, leaf.get("TRNAMT"),
                         cur, account, orig_amt, orig_cur])
    if not rows:
        raise TransactionFileError("OFX file holds no transactions (STMTTRN)")
    return from_rows(_HEADER, rows, options=_with_sign(options), id_prefix="ofx")


def read_qif(data: bytes, *, options: TransactionOptions, id_prefix: str = "qif") -> Statement:
    """Records of a QIF file (``D`` date, ``T``/``U`` amount, ``P`` payee, ``M`` memo, ``N`` number)."""
    rows: list[list[Any]] = []
    record: dict[str, str] = {}
    for raw in export_text(data).splitlines():
        line = raw.rstrip()
        if not line or line.startswith("!"):
            continue
        if line.startswith("^"):
            if record:
                date = re.sub(r"\s+", "0", record.get("D", "").strip()) or None
                rows.append([record.get("N"), None, date, record.get("P") or record.get("M"),
                             record.get("T") or record.get("U"), options.currency, None, None, None])
            record = {}
            continue
        record.setdefault(line[0].upper(), line[1:].strip())
    if record:
        raise TransactionFileError("QIF file ends inside a record (no closing '^')")
    if not rows:
        raise TransactionFileError("QIF file holds no records")
    return from_rows(_HEADER, rows, options=_with_sign(options), id_prefix=id_prefix)

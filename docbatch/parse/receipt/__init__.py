"""Receipts: visual lines from geometry, header fields, amounts, items, one ``receipts`` row."""

from __future__ import annotations

from .parser import ParsedReceipt, ReceiptHints, parse_receipt

__all__ = ["ParsedReceipt", "ReceiptHints", "parse_receipt"]

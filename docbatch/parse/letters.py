"""Letters as a recogniser returns them, made plain where their marks are slips, not spelling."""

from __future__ import annotations

import unicodedata


def fold_marks(text: str) -> str:
    """``text`` with accents stripped from Latin letters and full-width forms made plain.

    Where a mark is the recogniser's slip: receipts whose language has no accents (on SROIE's
    Malaysian images ``JÁLAN``, ``INVOICÉ``: a reader searching for ``JALAN`` must find it),
    and machine-readable zones, whose alphabet has none (``Ž`` read for ``Z``).  Letters of
    other scripts (Chinese, Tamil, Greek) are kept as read.
    """
    out = []
    for ch in unicodedata.normalize("NFKC", text):
        base = unicodedata.normalize("NFKD", ch)
        out.append(base[0] if base[0].isascii() and base[0].isalpha() and len(base) > 1 else ch)
    return "".join(out)

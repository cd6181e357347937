r"""The README's un-escape of a docbatch CSV cell ("Loading the tables"), for tests that read CSV parts.

docbatch writes a backslash as ``\\``, a carriage return as ``\r`` and a line feed as ``\n``;
one pass of one regex gives the value back exactly as in Parquet.
"""

from __future__ import annotations

import re

_UNESCAPE = {"\\\\": "\\", "\\n": "\n", "\\r": "\r"}


def unescape(cell: str) -> str:
    """``cell`` as the value docbatch escaped into it."""
    return re.sub(r"\\[\\nr]", lambda m: _UNESCAPE[m[0]], cell)

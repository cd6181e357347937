"""A receipt as lines: visual rows with their amounts, label class and word confidences.

The receipt parsers read these, never LINE detections: a :class:`Line` is one visual row
(:func:`docbatch.parse.layout.visual_rows`), so a label and its amount printed far apart on
one row are together whatever the engine did with them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from .labels import line_label
from ..layout import Row, visual_rows
from ..money import Amount, find_amounts, preferred_decimal_separator


@dataclass
class Line:
    index: int
    row: Row
    text: str
    amounts: list[Amount]
    label: str | None
    label_text: str
    spans: list[tuple[int, int, float]] = field(default_factory=list)  # word start, end, confidence

    def confidence(self, start: int = 0, end: int | None = None) -> float:
        """Lowest OCR confidence of the words overlapping ``text[start:end]``."""
        end = len(self.text) if end is None else end
        confs = [c for s, e, c in self.spans if s < end and start < e]
        return min(confs, default=0.0)

    @property
    def height(self) -> float:
        return max(self.row.bottom - self.row.top, 0.0)

    @property
    def letters(self) -> int:
        return sum(c.isalpha() for c in self.label_text)


def _label_text(text: str, amounts: list[Amount]) -> str:
    out = text
    for a in reversed(amounts):
        out = out[: a.start] + " " + out[a.end :]
    return re.sub(r"\s+", " ", out).strip()


_LAST_NUMBER = re.compile(r".*\d")


def _after_count(text: str, amount: Amount) -> str | None:
    """The money label of a row that opens with a count (``QTY : 1 TOTAL RM : 11.60``): the
    words between the count's number and the row's last amount, when they name a total or a
    payment (the count phrase, being longer, would otherwise label the whole row)."""
    head = text[: amount.start]
    found = _LAST_NUMBER.match(head)
    tail = head[found.end():] if found else ""
    label = line_label(tail.strip()) if tail.strip() else None
    return label if label in ("total", "total_strong", "subtotal", "paid") else None


def _against(amount: Amount, text: str, sep: str | None) -> Amount:
    """Lower the certainty of an amount whose cents separator is not the receipt's own."""
    shown = text[amount.start : amount.end]
    if sep and amount.decimals == 2 and len(shown) > 3 and shown[-3] in ".," and shown[-3] != sep:
        return Amount(amount.value, amount.start, amount.end, amount.currency, amount.certainty * 0.5,
                      amount.decimals)
    return amount


def build_lines(response: Mapping[str, Any], *, decimal_separator: str | None = None) -> list[Line]:
    """The response's visual rows as :class:`Line`\\ s, top to bottom.

    The decimal separator is the job's hint, else the one the receipt itself uses for its
    cents (so ``9.000`` on a receipt of ``x.xx`` amounts is nine).
    """
    rows = [r for r in visual_rows(response) if r.text.strip()]
    sep = decimal_separator or preferred_decimal_separator(r.text for r in rows)
    lines: list[Line] = []
    for row in rows:
        spans: list[tuple[int, int, float]] = []
        pos = 0
        for w in row.words:
            spans.append((pos, pos + len(w.text), w.confidence))
            pos += len(w.text) + 1
        text = row.text
        amounts = [_against(a, text, sep) for a in find_amounts(text, decimal_separator=sep)]
        label_text = _label_text(text, amounts)
        label = line_label(label_text) if (amounts or len(label_text) < 60) else None
        if label == "count" and amounts:
            label = _after_count(text, amounts[-1]) or label
        lines.append(Line(len(lines), row, text, amounts, label, label_text, spans))
    # A label alone on its row takes the amount printed alone on the next row (one amount: a
    # row of several under a heading is a table's row, ``MwSt% Netto MwSt Brutto``).
    for line, nxt in zip(lines, lines[1:]):
        if line.label and not line.amounts and len(nxt.amounts) == 1 and nxt.letters < 2 and not nxt.label:
            offset = len(line.text) + 1
            line.amounts = [
                Amount(a.value, a.start + offset, a.end + offset, a.currency, a.certainty * 0.9, a.decimals)
                for a in nxt.amounts
            ]
            line.spans = line.spans + [(s + offset, e + offset, c) for s, e, c in nxt.spans]
            line.text = f"{line.text} {nxt.text}"
            nxt.amounts = []
    return lines

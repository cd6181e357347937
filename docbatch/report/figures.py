"""The numbers a report shows, computed from the rows gather read (pure functions, no I/O).

Counts come from run.json as the run wrote them (a report never recounts what run.json
already says); distributions, fill rates and review reasons come from the tables.
Fields are the catalogue's (:mod:`docbatch.parse.catalog`), so a new field appears in
the report without a change here.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from ..parse.catalog import ID_FIELDS, RECEIPT_FIELDS, REVIEW_LEVEL, Field

#: Fields of each parsed table, in catalogue order.
FIELDS: dict[str, tuple[Field, ...]] = {"receipts": RECEIPT_FIELDS, "ids": ID_FIELDS}
#: A review reason's suffixes that name the state of the field before them (``total_missing``).
_STATE = re.compile(r"^(?P<field>[a-z0-9_]+?)_(missing|low_confidence|inconsistent|ambiguous|implausible|invalid)$")


@dataclass(frozen=True)
class FieldStats:
    """One field over a table's rows: how often it is filled, and its confidences."""

    name: str
    rows: int
    filled: int
    confidences: tuple[float, ...]

    @property
    def fill_rate(self) -> float | None:
        return self.filled / self.rows if self.rows else None

    @property
    def median_confidence(self) -> float | None:
        return statistics.median(self.confidences) if self.confidences else None

    @property
    def low_share(self) -> float | None:
        """Share of filled values at or under the review level."""
        if not self.confidences:
            return None
        return sum(c <= REVIEW_LEVEL for c in self.confidences) / len(self.confidences)


def field_stats(table: str, rows: Sequence[Mapping[str, Any]]) -> list[FieldStats]:
    """Fill rate and confidences of every catalogue field of ``table`` (``receipts``/``ids``)."""
    out = []
    for f in FIELDS[table]:
        values = [r.get(f.name) for r in rows]
        confs = tuple(float(r[f"{f.name}_confidence"]) for r, v in zip(rows, values)
                      if v not in (None, "") and r.get(f"{f.name}_confidence") is not None)
        out.append(FieldStats(f.name, len(rows), sum(v not in (None, "") for v in values), confs))
    return out


def split_reasons(text: str | None) -> list[str]:
    """A row's review reasons: receipts join them with ``;``, ids with ``; `` (a ``;`` inside
    parentheses belongs to its reason's explanation)."""
    out, depth, current = [], 0, []
    for ch in str(text or ""):
        depth += (ch == "(") - (ch == ")")
        if ch == ";" and depth <= 0:
            out.append("".join(current))
            current = []
        else:
            current.append(ch)
    out.append("".join(current))
    return [r.strip() for r in out if r.strip()]


def reason_category(reason: str) -> str:
    """What kind of doubt a reason is, without the fields it lists (``missing: a,b`` -> ``missing``)."""
    return reason.split(":", 1)[0].strip()


def reason_counts(rows: Iterable[Mapping[str, Any]]) -> Counter[str]:
    """Rows per review reason category (a row counts once per category)."""
    counts: Counter[str] = Counter()
    for row in rows:
        counts.update({reason_category(r) for r in split_reasons(row.get("review_reason"))})
    return counts


def flagged_fields(table: str, row: Mapping[str, Any]) -> list[str]:
    """The catalogue fields a row's review reasons name, plus those at or under the review
    level, in catalogue order.  A reason names a field as ``<field>_missing`` (or another
    state), as a list after ``:`` (``missing: first_name,last_name``), or by the first word
    of a field's name (``vendor_missing`` -> vendor_name, ``date_ambiguous`` -> receipt_date)."""
    names = [f.name for f in FIELDS[table]]
    found: set[str] = set()
    for reason in split_reasons(row.get("review_reason")):
        head, _, listed = reason.partition(":")
        tokens = [t.strip() for t in listed.split(",")] if listed else []
        m = _STATE.match(head.strip().replace(" ", "_"))
        if m:
            tokens.append(m.group("field"))
        found.update(n for t in tokens if (n := _field_named(t, names)))
    for name in names:
        conf = row.get(f"{name}_confidence")
        if row.get(name) not in (None, "") and conf is not None and float(conf) <= REVIEW_LEVEL:
            found.add(name)
    return [n for n in names if n in found]


def _field_named(token: str, names: Sequence[str]) -> str | None:
    token = token.strip().lower()
    if not token:
        return None
    candidates = (token, token.removesuffix("s"))  # one plural "s" (totals), not every one (address)
    for candidate in candidates:
        if candidate in names:
            return candidate
    return next((n for n in names if any(c in n.split("_") for c in candidates)), None)


def check_counts(table: str, rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Rows failing each validation check the table carries (a false check, or a true warning)."""
    checks = {"receipts": {"totals_consistent": False, "date_plausible": False, "date_ambiguous": True},
              "ids": {"mrz_valid": False, "fields_agree": False, "expired": True}}[table]
    out = {name: sum(r.get(name) is bad for r in rows) for name, bad in checks.items()}
    out["needs_review"] = sum(bool(r.get("needs_review")) for r in rows)
    return out


def status_by_type(documents: Sequence[Mapping[str, Any]]) -> dict[str, Counter[str]]:
    """Documents per detected (else asked) type and status, from the documents table."""
    out: dict[str, Counter[str]] = {}
    for d in documents:
        kind = d.get("detected_type") or d.get("doc_type") or "unknown"
        out.setdefault(str(kind), Counter())[str(d.get("status"))] += 1
    return out


def finished_per_interval(documents: Sequence[Mapping[str, Any]], *, bins: int = 60
                          ) -> tuple[float, list[int]] | None:
    """Documents processed per interval over the span of ``processed_at`` (for engines the
    limiter does not pace: no calls per interval in run.json); None without timestamps."""
    times = sorted(t.timestamp() for d in documents if isinstance(t := d.get("processed_at"), dt.datetime))
    if len(times) < 2:
        return None
    span = max(times[-1] - times[0], 1e-3)
    width = _nice(span / bins)
    counts = [0] * (int(span // width) + 1)
    for t in times:
        counts[int((t - times[0]) // width)] += 1
    return width, counts


def _nice(x: float) -> float:
    """The round interval (1, 2, 5 x 10^k seconds) at or above ``x``."""
    exp = 10 ** math.floor(math.log10(x))
    return next(m * exp for m in (1, 2, 5, 10) if m * exp >= x)


def log_histogram(values: Sequence[float], *, per_decade: int = 10) -> tuple[list[float], list[int]]:
    """Edges and counts of ``values`` (> 0) in logarithmic bins, for document latencies."""
    positive = sorted(v for v in values if v and v > 0)
    if not positive:
        return [], []
    lo = math.floor(math.log10(positive[0]) * per_decade)
    hi = math.floor(math.log10(positive[-1]) * per_decade) + 1
    counts = [0] * (hi - lo)
    for v in positive:
        counts[min(hi - lo - 1, math.floor(math.log10(v) * per_decade) - lo)] += 1
    return [10 ** ((lo + i) / per_decade) for i in range(hi - lo + 1)], counts


def quantile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` quantile (nearest rank) of ``values``; None when empty."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]

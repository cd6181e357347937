"""Scoring shared by the evaluations: per-field outcomes, splits side by side, flag calibration.

Every evaluation scores each (document, field) once into an :class:`Outcome`: was the
value right, and was it flagged for review.  The tables then put the splits side by side
(the documents the rules were tuned on, the documents held out of tuning), so a rule
that only helps its own documents shows up as a gap, and print how well the flags
separate wrong values from right ones:

* **wrong flagged**: wrong values flagged / all wrong values (a missing value is wrong);
* **right flagged**: right values flagged / all right values (false alarms).

The target for key fields is at least :data:`WRONG_FLAGGED_TARGET` of the wrong values
flagged with at most :data:`RIGHT_FLAGGED_LIMIT` of the right ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Sequence

#: At least this share of wrong values must be flagged...
WRONG_FLAGGED_TARGET = 0.90
#: ...with at most this share of right values flagged (false alarms).
RIGHT_FLAGGED_LIMIT = 0.20


@dataclass(frozen=True)
class Outcome:
    """One field of one document: right or wrong, flagged or not."""

    doc: str
    field: str
    right: bool
    flagged: bool


#: A split: its title and which documents belong to it.
Split = tuple[str, Callable[[str], bool]]


def pct(n: int, d: int) -> str:
    """``n`` of ``d`` as a percentage to one decimal, ``-`` for none of none (an empty split, not 0%)."""
    return f"{100 * n / d:.1f}%" if d else "-"


def reason_names(reason: object, field: str, aliases: Mapping[str, Sequence[str]] | None = None) -> bool:
    """Does a ``review_reason`` name ``field`` (as a whole word, or one of its aliases)?"""
    text = str(reason or "")
    words = set(re.split(r"[^a-z0-9_]+", text.casefold()))
    names = {field, *((aliases or {}).get(field, ()))}
    return any(n in words or f"{n}_low_confidence" in words for n in names)


def is_flagged(row: Mapping[str, object], field: str, *, below: float, inclusive: bool = False,
               aliases: Mapping[str, Sequence[str]] | None = None) -> bool:
    """Flagged: ``needs_review`` with a reason naming the field, or the field's confidence low.

    ``below`` is the parser's review threshold (``inclusive``: at or below it counts).  A
    missing value (no confidence) counts as flagged only when a reason names it.
    """
    if row.get("needs_review") and reason_names(row.get("review_reason"), field, aliases):
        return True
    conf = row.get(f"{field}_confidence")
    if row.get(field) is None or conf is None:
        return False
    return float(conf) <= below if inclusive else float(conf) < below  # type: ignore[arg-type]


@dataclass
class _Count:
    right: int = 0
    wrong: int = 0
    wrong_flagged: int = 0
    right_flagged: int = 0

    @property
    def scored(self) -> int:
        return self.right + self.wrong

    def add(self, o: Outcome) -> None:
        if o.right:
            self.right += 1
            self.right_flagged += o.flagged
        else:
            self.wrong += 1
            self.wrong_flagged += o.flagged


def _count(outcomes: Iterable[Outcome], field: str, member: Callable[[str], bool]) -> _Count:
    c = _Count()
    for o in outcomes:
        if o.field == field and member(o.doc):
            c.add(o)
    return c


def _docs(outcomes: Sequence[Outcome], member: Callable[[str], bool]) -> int:
    return len({o.doc for o in outcomes if member(o.doc)})


def accuracy_table(outcomes: Sequence[Outcome], fields: Sequence[str], splits: Sequence[Split], *,
                   marked: Sequence[str] = (), gap: bool = True) -> str:
    """Per field, the share right in each split side by side; ``gap``: first split - second, in points."""
    titles = [f"{t} ({_docs(outcomes, m)})" for t, m in splits]
    width = max(14, *(len(t) + 2 for t in titles))
    gap = gap and len(splits) >= 2
    lines = [f"  {'field':<22}" + "".join(f"{t:>{width}}" for t in titles) + (f"{'gap':>9}" if gap else "")]
    for name in fields:
        counts = [_count(outcomes, name, m) for _, m in splits]
        if not any(c.scored for c in counts):
            continue
        row = f"  {name + (' *' if name in marked else ''):<22}"
        row += "".join(f"{f'{c.right}/{c.scored} {pct(c.right, c.scored)}':>{width}}" for c in counts)
        if gap and counts[0].scored and counts[1].scored:
            row += f"{100 * (counts[0].right / counts[0].scored - counts[1].right / counts[1].scored):>+8.1f}p"
        lines.append(row)
    return "\n".join(lines)


def flag_table(outcomes: Sequence[Outcome], fields: Sequence[str], splits: Sequence[Split]) -> str:
    """Per field and split: wrong values flagged / wrong, right values flagged / right.

    ``ok`` marks a split meeting the target (wrong flagged >= 90%, right flagged <= 20%).
    """
    width = 36
    lines = [f"  {'':<18}" + "".join(f"{t:^{width}}" for t, _ in splits),
             f"  {'field':<18}" + f"{'wrong flagged':>16}{'right flagged':>17}   " * len(splits)]
    for name in fields:
        row = f"  {name:<18}"
        for _, member in splits:
            c = _count(outcomes, name, member)
            ok = ((not c.wrong or c.wrong_flagged / c.wrong >= WRONG_FLAGGED_TARGET)
                  and (not c.right or c.right_flagged / c.right <= RIGHT_FLAGGED_LIMIT))
            row += f"{f'{c.wrong_flagged}/{c.wrong} {pct(c.wrong_flagged, c.wrong)}':>16}"
            row += f"{f'{c.right_flagged}/{c.right} {pct(c.right_flagged, c.right)}':>17}{' ok' if ok else '   '}"
        lines.append(row)
    lines.append(f"  (ok: >= {WRONG_FLAGGED_TARGET:.0%} of wrong values flagged, <= {RIGHT_FLAGGED_LIMIT:.0%} "
                 "of right values flagged)")
    return "\n".join(lines)


def fold_table(outcomes: Sequence[Outcome], fields: Sequence[str], fold_of: Mapping[str, int]) -> str:
    """Leave-one-fold-out: per fold, the share right on the fold's documents.

    Rules learn nothing from data, so each fold's figure is what the parser scores on those
    documents; the spread between folds shows how much a figure hangs on which documents
    are scored (a rule written for one fold's documents lifts that fold alone).
    """
    folds = sorted(set(fold_of.values()))
    head = f"  {'field':<18}" + "".join(f"{f'fold {k} ({sum(v == k for v in fold_of.values())})':>15}"
                                        for k in folds)
    head += f"{'min':>9}{'max':>9}"
    lines = [head]
    for name in fields:
        shares = []
        row = f"  {name:<18}"
        for k in folds:
            c = _count(outcomes, name, lambda d, k=k: fold_of.get(d) == k)
            row += f"{f'{c.right}/{c.scored} {pct(c.right, c.scored)}':>15}"
            if c.scored:
                shares.append(c.right / c.scored)
        if shares:
            row += f"{100 * min(shares):>8.1f}%{100 * max(shares):>8.1f}%"
        lines.append(row)
    return "\n".join(lines)


def numbered_halves(count: int) -> list[Split]:
    """Generated documents ``000..count-1`` (their names end in the number): the first half
    tuned on, the second held out, and all of them."""
    half = count // 2
    return [(f"tuned 000-{half - 1:03d}", lambda d: int(d[-3:]) < half),
            (f"held out {half:03d}-{count - 1:03d}", lambda d: int(d[-3:]) >= half), ("all", lambda d: True)]

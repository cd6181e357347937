"""One-to-one assignment of receipts to transactions, chosen globally, and how sure it is.

Greedy matching (each receipt takes its best free transaction, in file order) is wrong
whenever two receipts want the same transaction: the first takes it, and the second loses
its only candidate while the first had another.  Here the whole candidate graph is solved
as a maximum-weight bipartite matching (:func:`scipy.optimize.linear_sum_assignment`),
one connected component (union-find) at a time (components are independent, so the sum of their
optima is the global optimum, and each stays small: blocking links only receipts and
transactions of similar amounts and dates).

A pair's weight is its score minus the review threshold, so that a pair nobody would
propose never displaces a better one.  A pair carrying a flag (merchant, date, amount,
card or currency disagree: only a person can accept it) weighs a quarter of that
(:data:`FLAGGED_WEIGHT`): it may still take a transaction nobody else wants, but two such
pairs summed no longer outweigh one agreeing on everything (a canteen's 8.20 lunch two days
before the charge took that day's exact charge, and that day's receipt was given a
same-amount charge under another name).  A pair in doubt of its own amount or date, or charged
to another card than the receipt prints (:data:`DOUBTFUL`), weighs a quarter of a flagged pair's
weight again: it is no rival to the exact total on the day for amount and day alone (see
:mod:`.matching`), so it must not take the receipt from that charge in the optimum either (a
canteen's 8.20 lunch took its own 8.60 charge of the day before, a tip a day early, over the
exact 8.20 billed that day under an aggregator's name).  A pair's *margin* is what the optimum loses when
the pair is forbidden (the component solved again without it): a receipt with two equal
candidates has margin 0, a receipt nobody competes for keeps its whole weight.  Receipts
that are one purchase scanned twice are forbidden together, so a duplicate scan does not
make its original look ambiguous.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.optimize import linear_sum_assignment

from .scoring import Pair

#: Components larger than this (receipts × transactions) get the margin from second-best
#: candidates instead of one re-solve per pair.
EXACT_MARGIN_CELLS = 2500
#: Candidates kept per receipt and per transaction (see :func:`_pruned`).
KEEP = 3
_FORBIDDEN = -1e6
#: Share of its weight a flagged pair keeps in the optimum (see the module docstring).
FLAGGED_WEIGHT = 0.25
#: Flags that put a pair's own reading in doubt (its amount, its date, the card that paid): such a pair
#: keeps ``FLAGGED_WEIGHT`` of a flagged pair's weight, and competes with no exact charge on the day.
DOUBTFUL = frozenset({"amount_uncertain", "date_far", "card_mismatch"})


@dataclass(frozen=True)
class Assigned:
    pair: Pair
    margin: float
    #: The transaction the receipt would take without this pair, and the receipt that would take the transaction.
    alt_transaction: int | None
    alt_receipt: int | None


def _solve(w: np.ndarray, mask: np.ndarray) -> tuple[float, dict[int, int]]:
    rows, cols = linear_sum_assignment(w, maximize=True)
    keep = {int(r): int(c) for r, c in zip(rows, cols) if mask[r, c] and w[r, c] > 0}
    return float(sum(w[r, c] for r, c in keep.items())), keep


def assign(pairs: list[Pair], *, n_receipts: int, floor: float,
           groups: dict[int, int] | None = None) -> list[Assigned]:
    """The optimal one-to-one matching among ``pairs`` scoring at least ``floor``.

    ``groups`` maps receipt index -> duplicate group id (receipts of one group are one purchase).
    """
    pairs = _pruned([p for p in pairs if p.score >= floor])
    if not pairs:
        return []
    groups = groups or {}
    root = _components(pairs, n_receipts)
    by_component: dict[int, list[Pair]] = defaultdict(list)
    for p in pairs:
        by_component[root(p.receipt)].append(p)
    out: list[Assigned] = []
    for component in by_component.values():
        out.extend(_component(component, floor, groups))
    return sorted(out, key=lambda a: a.pair.receipt)


def _pruned(pairs: list[Pair], keep: int = KEEP) -> list[Pair]:
    """Pairs among the ``keep`` best of their receipt and of their transaction, and each side's best.

    A receipt's fourth-best candidate never decides an optimum nor a margin that matters,
    and dropping the long tail keeps components small when a busy statement would link
    everything to everything through weak pairs.
    """
    by_r: dict[int, list[Pair]] = defaultdict(list)
    by_t: dict[int, list[Pair]] = defaultdict(list)
    for p in pairs:
        by_r[p.receipt].append(p)
        by_t[p.transaction].append(p)
    rank: dict[tuple[int, int], list[int]] = defaultdict(list)
    for group in (*by_r.values(), *by_t.values()):
        group.sort(key=lambda p: -p.score)
        for k, p in enumerate(group):
            rank[(p.receipt, p.transaction)].append(k)
    return [p for p in pairs if min(rank[(p.receipt, p.transaction)]) == 0
            or max(rank[(p.receipt, p.transaction)]) < keep]


def _components(pairs: list[Pair], n_receipts: int) -> Callable[[int], int]:
    """Union-find over receipts (0..n-1) and transactions (n..): returns node -> component root."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        a, b = find(p.receipt), find(n_receipts + p.transaction)
        if a != b:
            parent[a] = b
    return find


def _component(pairs: list[Pair], floor: float, groups: dict[int, int]) -> list[Assigned]:
    receipts = sorted({p.receipt for p in pairs})
    transactions = sorted({p.transaction for p in pairs})
    ri = {r: k for k, r in enumerate(receipts)}
    ti = {t: k for k, t in enumerate(transactions)}
    w = np.zeros((len(receipts), len(transactions)))
    mask = np.zeros_like(w, dtype=bool)
    by_cell: dict[tuple[int, int], Pair] = {}
    for p in pairs:
        a, b = ri[p.receipt], ti[p.transaction]
        w[a, b] = (p.score - floor) * _share(p) + 1e-3
        mask[a, b] = True
        by_cell[(a, b)] = p
    total, chosen = _solve(w, mask)
    exact = w.size <= EXACT_MARGIN_CELLS
    out = []
    for a, b in chosen.items():
        if exact:
            margin, alt_t, alt_r = _margin_exact(w, mask, a, b, total, receipts, groups)
        else:
            margin, alt_t, alt_r = _margin_local(w, mask, a, b)
        out.append(Assigned(by_cell[(a, b)], round(margin, 4),
                            transactions[alt_t] if alt_t is not None else None,
                            receipts[alt_r] if alt_r is not None else None))
    return out


def _share(p: Pair) -> float:
    """The share of its weight ``p`` keeps in the optimum: all of it, a quarter when flagged, a
    sixteenth when its own amount, date or card is in doubt."""
    if not p.flags:
        return 1.0
    return FLAGGED_WEIGHT * (FLAGGED_WEIGHT if DOUBTFUL & set(p.flags) else 1.0)


def _margin_exact(w: np.ndarray, mask: np.ndarray, a: int, b: int, total: float, receipts: list[int],
                  groups: dict[int, int]) -> tuple[float, int | None, int | None]:
    group = groups.get(receipts[a])
    forbid = [k for k, r in enumerate(receipts) if k == a or (group is not None and groups.get(r) == group)]
    w2 = w.copy()
    w2[forbid, b] = _FORBIDDEN
    value, chosen = _solve(w2, mask)
    alt_t = chosen.get(a)
    alt_r = next((r for r, c in chosen.items() if c == b), None)
    return total - value, alt_t, alt_r


def _margin_local(w: np.ndarray, mask: np.ndarray, a: int, b: int) -> tuple[float, int | None, int | None]:
    row = np.where(mask[a], w[a], -np.inf)
    col = np.where(mask[:, b], w[:, b], -np.inf)
    row[b] = col[a] = -np.inf
    alt_t = int(np.argmax(row)) if np.isfinite(row).any() else None
    alt_r = int(np.argmax(col)) if np.isfinite(col).any() else None
    best_other = max(row[alt_t] if alt_t is not None else 0.0, col[alt_r] if alt_r is not None else 0.0)
    return float(w[a, b] - max(best_other, 0.0)), alt_t, alt_r

"""Receipts of other countries' layouts, generated as an engine's lines, scored against what was drawn.

The receipt parser was tuned on SROIE (Malaysia).  This evaluation draws receipts in seven
layout families (US grocery, US restaurant, UK, Germany, France/Italy/Spain, Australia,
Singapore: conventions and sources in :mod:`evals.synth_receipt_layouts`), each receipt's
lines laid on a fixed-pitch grid and fed to the parser through the same perfect-line path
as SROIE's box files (:func:`evals.receipts.lines_response`, a DetectText response), so
parsing is measured apart from OCR.

Split by layout family, not by receipt: the tuned families may be looked at while fixing
the parser, the held-out ones (``--hold-out``, default ``us_restaurant,eu_south,au_cafe``)
are not (``--show-held-out`` lists their misses).  The tables put tuned and held out side by
side, then the flags (wrong values flagged / wrong, right values flagged / right), then each
family on its own (leave-families-out: rotate ``--hold-out`` to tune on others).

    python -m evals.synth_receipts                      # 20 receipts a family, seed 500
    python -m evals.synth_receipts --count 40 --seed 501 -v
    python -m evals.synth_receipts --hold-out us_grocery,uk_shop,de_shop   # another rotation
    python -m evals.synth_receipts --dump 3             # print the first 3 receipts' lines
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
from decimal import Decimal
from typing import Any

from docbatch.parse.receipt.parser import REVIEW_BELOW, ReceiptHints, parse_receipt

from .receipts import REASON_ALIASES, lines_response, normalise_text
from .scoring import Outcome, Split, accuracy_table, flag_table, fold_table, is_flagged
from .synth_receipt_families import WRITERS as _FIRST
from .synth_receipt_families_intl import au_cafe, de_shop, eu_south, sg_shop
from .synth_receipt_layouts import Drawn, Writer

FAMILIES: dict[str, Writer] = {**_FIRST, "de_shop": de_shop, "eu_south": eu_south, "au_cafe": au_cafe,
                               "sg_shop": sg_shop}
HELD_OUT = ("us_restaurant", "eu_south", "au_cafe")
FIELDS = ("vendor_name", "vendor_address", "receipt_date", "total", "tax", "subtotal", "currency")
#: The day the receipts are parsed (dates are drawn in the 23 months before it).
RUN_DATE = dt.date(2026, 12, 3)


def generate(count: int, seed: int, families: tuple[str, ...] = tuple(FAMILIES)) -> list[Drawn]:
    """``count`` receipts of each family, the same for the same seed."""
    out = []
    for k, family in enumerate(families):
        for i in range(count):
            rng = random.Random(seed * 1_000_003 + k * 10_007 + i)
            day = RUN_DATE - dt.timedelta(days=rng.randint(2, 700))
            paper, truth = FAMILIES[family](rng, day)
            lines = paper.lines()
            if not currency_printed(lines, str(truth["currency"])):
                truth["currency"] = None
            out.append(Drawn(f"{family}-{i:03d}", family, lines, truth))
    return out


#: What names each currency on a receipt (a bare ``$`` is resolved from the vendor's country).
_SIGNS = {"USD": ("$",), "AUD": ("$",), "SGD": ("$",), "GBP": ("£",), "EUR": ("€",)}


def currency_printed(lines: list[tuple[list[float], str]], code: str) -> bool:
    """Is the currency on the receipt (its sign or code)?  The parser never guesses one from the
    country alone (``docbatch.parse.money``), so a receipt printing none scores no currency."""
    return any(code in re.findall(r"[A-Z]{3}", text) or any(s in text for s in _SIGNS.get(code, ()))
               for _, text in lines)


def family_of(doc: str) -> str:
    """``us_grocery-007`` -> ``us_grocery``."""
    return doc.rsplit("-", 1)[0]


def field_right(name: str, want: object, got: object) -> bool:
    """Whether ``got`` is the generated receipt's ``want``: vendor text normalised (spacing and
    punctuation are OCR's, not the parser's), amounts as decimals, the rest exactly."""
    if got is None:
        return False
    if name in ("vendor_name", "vendor_address"):
        return normalise_text(want) == normalise_text(got)
    if name in ("total", "tax", "subtotal"):
        return Decimal(str(got)) == Decimal(str(want))
    return got == want


def score(drawn: list[Drawn]) -> tuple[list[Outcome], list[tuple[str, str, object, dict[str, Any]]]]:
    """Outcomes of every scored field, and every wrong or flagged one (doc, field, truth, fields)."""
    hints = ReceiptHints(run_date=RUN_DATE)
    outcomes, notes = [], []
    for d in drawn:
        fields = parse_receipt(lines_response(d.lines), hints=hints).fields
        for name in FIELDS:
            want = d.truth.get(name)
            if want is None:
                continue  # not printed on this receipt (a subtotal on tax-inclusive receipts)
            right = field_right(name, want, fields.get(name))
            flagged = is_flagged(fields, name, below=REVIEW_BELOW, inclusive=True, aliases=REASON_ALIASES)
            outcomes.append(Outcome(d.name, name, right, flagged))
            if not right or flagged:
                notes.append((d.name, name, want, fields))
    return outcomes, notes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.synth_receipts", description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=20, help="receipts per family")
    ap.add_argument("--seed", type=int, default=500)
    ap.add_argument("--hold-out", default=",".join(HELD_OUT), help="families held out of tuning (comma list)")
    ap.add_argument("--show-held-out", action="store_true", help="also list the held-out families' misses")
    ap.add_argument("--verbose", "-v", action="store_true", help="list the misses and the right values flagged")
    ap.add_argument("--dump", type=int, default=0, metavar="N", help="print the first N receipts' lines and truth")
    args = ap.parse_args(argv)
    held = set(args.hold_out.split(",")) - {""}
    if unknown := held - set(FAMILIES):
        ap.error(f"unknown families {sorted(unknown)}; known: {', '.join(FAMILIES)}")
    drawn = generate(args.count, args.seed)
    for d in drawn[: args.dump]:
        print(f"== {d.name} {d.truth}")
        print("\n".join(f"   {text}" for _, text in d.lines))
    outcomes, notes = score(drawn)
    splits: list[Split] = [("tuned families", lambda doc: family_of(doc) not in held),
                           ("held-out families", lambda doc: family_of(doc) in held), ("all", lambda doc: True)]
    print(f"Generated receipts, perfect lines, seed {args.seed}, {args.count} a family; held out: "
          f"{', '.join(sorted(held))}")
    print(accuracy_table(outcomes, FIELDS, splits))
    print("Flags (wrong values flagged / wrong; right values flagged / right):")
    print(flag_table(outcomes, FIELDS, splits))
    order = list(FAMILIES)
    print("By family (leave-families-out: " + ", ".join(f"fold {k} = {f}" for k, f in enumerate(order)) + "):")
    print(fold_table(outcomes, FIELDS, {o.doc: order.index(family_of(o.doc)) for o in outcomes}))
    if args.verbose:
        flagged = {(o.doc, o.field): o for o in outcomes}
        for doc, name, want, fields in notes:
            if family_of(doc) in held and not args.show_held_out:
                continue
            o = flagged[(doc, name)]
            kind = ("wrong, flagged" if o.flagged else "WRONG, NOT FLAGGED") if not o.right else "right, flagged"
            print(f"  {doc} {name} ({kind}): truth={want!r} got={fields.get(name)!r} "
                  f"conf={fields.get(name + '_confidence')} review={fields.get('review_reason')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

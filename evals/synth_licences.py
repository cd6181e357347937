"""US licences the parser has never seen: generated cards of states outside the shared data.

The shared data holds 25 states' sample cards, and the parser's rules were written against
them.  This evaluation draws cards of the *other* states (their published number formats,
:mod:`docbatch.parse.identity.licence_numbers`) in layouts picked at random from the
families real cards use: AAMVA numbered fields inline or as captions above the values,
worded labels (``DL NO.``, ``LIC#``, ``LN``/``FN``, ``NAME``), unlabelled name blocks above
the address, ``LAST, FIRST MIDDLE`` on one line, side-by-side columns, tight or loose
spacing, small rotations, blur and JPEG.  The truth is what was drawn, so every field is
scored against it (not against another service's reading), through the real pipeline with
the local engine, cached in ``--work-dir``.

Cards ``000`` to ``count/2 - 1`` may be looked at while tuning; the rest are held out: the
tables put both side by side, and ``--show-held-out`` is needed to list the held-out misses.

    python -m evals.synth_licences                      # 48 cards into a temp work dir
    python -m evals.synth_licences --count 80 --work-dir /tmp/synth
    python -m evals.synth_licences --seed 3 --degrade lowres   # also the cards at 60% resolution, JPEG 35

``--degrade`` scores copies of the cards rotated, at low resolution or blurred (the
degradations of :mod:`evals.ids`), each through its own pipeline run.

The layouts print a long number at the values' size even where it reaches the right column, so
on about one card in seventeen the number's print runs over another field's (the ``CLASS``
caption, mostly): a card-issuing system never prints one field over another (each field has its
zone, and a long number is set smaller to fit it).  ``--fit-number`` draws such a number smaller
to end before the right column, as real cards do; every other card is the same to the byte, and
the cards are kept apart (``cards-v2-seedN-fitted``), so both figures can be put side by side.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import re
import sys
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from docbatch.parse.identity.licence_numbers import FORMATS
from docbatch.parse.identity.parser import LOW_CONFIDENCE, parse_identity
from docbatch.parse.identity.us_states import STATES

from .ids import DEGRADATIONS, degrade_images
from .pipeline import add_generated_arguments, generated_responses, pipeline_responses
from .scoring import Outcome, accuracy_table, flag_table, is_flagged, numbered_halves

#: Bumped whenever a change to the generator changes the cards (their folder is keyed by it).
GENERATOR_VERSION = 2
#: States with no card in the shared data: the layouts and numbers the parser was not written against.
UNSEEN_STATES = ("NY", "PA", "GA", "CO", "NJ", "VA", "MI", "MD", "WV", "UT", "NV", "ID", "KS", "MT", "WY", "ND",
                 "OK", "LA", "MS", "TN", "SC", "CT", "DE", "AK", "AR", "IN")
FIELDS = ("first_name", "last_name", "middle_name", "document_number", "date_of_birth", "expiration_date",
          "date_of_issue", "address", "city_in_address", "state_in_address", "zip_code_in_address", "class", "sex")
KEY_FIELDS = ("first_name", "last_name", "document_number", "date_of_birth", "expiration_date")
_FIRST = ("JAMES", "MARY", "ROBERT", "PATRICIA", "JOHN", "JENNIFER", "MICHAEL", "LINDA", "DAVID", "ELIZABETH",
          "WILLIAM", "BARBARA", "RICHARD", "SUSAN", "JOSEPH", "JESSICA", "THOMAS", "SARAH", "CHARLES", "KAREN",
          "CHRISTOPHER", "LISA", "DANIEL", "NANCY", "MATTHEW", "BETTY", "ANTHONY", "SANDRA", "MARK", "ASHLEY",
          "LUIS", "ANA", "WEI", "PRIYA", "OMAR", "MAYA", "NOAH", "ZOE", "JOSE", "KIM", "JACQUELINE", "LEE")
_LAST = ("SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "GARCIA", "MILLER", "DAVIS", "RODRIGUEZ", "MARTINEZ",
         "HERNANDEZ", "LOPEZ", "GONZALEZ", "WILSON", "ANDERSON", "THOMAS", "TAYLOR", "MOORE", "JACKSON", "MARTIN",
         "LEE", "PEREZ", "THOMPSON", "WHITE", "HARRIS", "SANCHEZ", "CLARK", "RAMIREZ", "LEWIS", "ROBINSON",
         "NGUYEN", "WASHINGTON", "MONTGOMERY", "O'BRIEN", "SMITH-JONES", "KOWALSKI", "NAKAMURA", "OKAFOR", "NG")
_STREETS = ("MAIN", "OAK", "PINE", "MAPLE", "CEDAR", "ELM", "WASHINGTON", "LAKE", "HILL", "PARK", "RIVER", "SUNSET")
_SUFFIX = ("ST", "AVE", "RD", "DR", "LN", "BLVD", "CT", "WAY")
_CITIES = ("SPRINGFIELD", "RIVERTON", "FAIRVIEW", "GREENVILLE", "MADISON", "CLINTON", "FRANKLIN", "SALEM",
           "GEORGETOWN", "ARLINGTON", "ASHLAND", "DOVER", "MILTON", "NEWPORT", "OXFORD")
FONTS = ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf", "DejaVuSansCondensed-Bold.ttf", "DejaVuSerif-Bold.ttf",
         "DejaVuSansMono-Bold.ttf")


def font(name: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The face ``name`` at ``size`` px; Pillow's own face where the DejaVu fonts are not installed."""
    try:
        return ImageFont.truetype(name, size)
    except OSError:
        return ImageFont.load_default(size=size)


def draw_number(spec: str, rng: random.Random) -> str:
    """A random licence number in one format of :data:`FORMATS`' notation."""
    out = ""
    for part in spec.split():
        m = re.match(r"^([anx])(\d+)?(?:-(\d+))?$", part)
        if not m:
            out += part
            continue
        lo = int(m.group(2) or 1)
        hi = int(m.group(3) or lo)
        count = hi if rng.random() < 0.7 else rng.randint(lo, hi)  # issued numbers mostly use the full length
        pool = {"a": "ABCDEFGHJKLMNPRSTUVWXYZ", "n": "0123456789", "x": "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"}
        out += "".join(rng.choice(pool[m.group(1)]) for _ in range(count))
    return out


def _grouped(number: str, rng: random.Random) -> str:
    """The number as printed: as is, or in groups of 3-4 with spaces or dashes (as many states print)."""
    if len(number) < 8 or rng.random() < 0.5:
        return number
    sep, size = rng.choice((" ", "-")), rng.choice((3, 4))
    head = 1 if number[0].isalpha() and rng.random() < 0.5 else 0
    groups = [number[:head]] if head else []
    groups += [number[i:i + size] for i in range(head, len(number), size)]
    return sep.join(groups)


def person(rng: random.Random, state: str) -> dict[str, Any]:
    """A cardholder of ``state``: names, dates, address, number and codes."""
    issue = dt.date(rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28))
    dob = dt.date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
    expiry = dt.date(issue.year + rng.randint(4, 8), dob.month, dob.day)
    number = draw_number(rng.choice(FORMATS[state]), rng)
    middle = rng.choice(("", "", rng.choice(_FIRST), rng.choice("ABCDEFGHJKLMRST")))
    first = rng.choice(_FIRST)
    return {
        "state": state, "state_name": STATES[state], "first_name": first, "middle_name": middle or None,
        "last_name": rng.choice(_LAST), "document_number": number, "printed_number": _grouped(number, rng),
        "date_of_birth": dob, "expiration_date": expiry, "date_of_issue": issue,
        "address": f"{rng.randint(1, 9899)} {rng.choice(_STREETS)} {rng.choice(_SUFFIX)}",
        "city_in_address": rng.choice(_CITIES), "state_in_address": state,
        "zip_code_in_address": f"{rng.randint(10000, 99999)}", "class": rng.choice(("D", "C", "CM", "A", "DM")),
        "sex": rng.choice("MF"), "height": f"{rng.randint(4, 6)}'-{rng.randint(0, 11):02d}\"",
        "eyes": rng.choice(("BRN", "BLU", "GRN", "HAZ")),
    }


def _date(d: dt.date) -> str:
    return d.strftime("%m/%d/%Y")


class _Card:
    """A card being drawn: text placed by its top-left corner, label and value faces chosen per card."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.w, self.h = rng.choice(((1000, 630), (1100, 700), (900, 570)))
        tint = (rng.randint(225, 248), rng.randint(225, 248), rng.randint(220, 245))
        self.image = Image.new("RGB", (self.w, self.h), tint)
        self.draw = ImageDraw.Draw(self.image)
        for k in range(rng.randint(6, 16)):  # guilloche background
            phase, amp, y0 = rng.uniform(0, 6.3), rng.uniform(8, 40), k * self.h / 12
            pts = [(x, y0 + amp * math.sin(x / rng.uniform(30, 80) + phase)) for x in range(0, self.w + 8, 8)]
            self.draw.line(pts, fill=tuple(max(0, c - rng.randint(10, 25)) for c in tint), width=1)
        self.value_font = rng.choice(FONTS)
        self.value_face = font(self.value_font, rng.randint(22, 32))
        self.label_face = font(rng.choice(FONTS[:3]), rng.randint(14, 20))
        self.label_ink = rng.choice(((30, 60, 130), (120, 30, 30), (60, 60, 60), (20, 90, 60)))
        self.gap = rng.choice((4, 8, 12, 18))  # label to value

    def text(self, xy: tuple[float, float], text: str, face: Any, fill: Any = (20, 20, 20)) -> float:
        self.draw.text(xy, text, font=face, fill=fill)
        return face.getlength(text)

    def inline(self, x: float, y: float, label: str, value: str, *, face: Any = None) -> None:
        face = face or self.value_face
        width = self.text((x, y + 4), label, self.label_face, self.label_ink) if label else -self.gap
        self.text((x + width + self.gap, y), value, face)

    def caption(self, x: float, y: float, label: str, value: str, *, face: Any = None) -> None:
        self.text((x, y), label, self.label_face, self.label_ink)
        self.text((x, y + self.label_face.size + 3), value, face or self.value_face)

    def fitted(self, value: str, room: float) -> Any:
        """The value face, or a smaller size of it that prints ``value`` within ``room`` px."""
        face = self.value_face
        while face.getlength(value) > room and face.size > 10:
            face = font(self.value_font, face.size - 1)
        return face


#: Px between the end of a fitted number and the right column's print (``--fit-number``).
_COLUMN_GAP = 8


def render(p: dict[str, Any], rng: random.Random, *, fit_number: bool = False) -> Image.Image:
    """One card of ``p`` in a layout drawn at random (see the module docstring); ``fit_number``:
    the number set smaller where it would reach the right column's print."""
    c = _Card(rng)
    header = font(rng.choice(FONTS), rng.randint(34, 52))
    c.text((30, 16), p["state_name"] if rng.random() < 0.8 else p["state_name"].title(), header, c.label_ink)
    c.text((c.w * rng.uniform(0.5, 0.62), 26), rng.choice(("DRIVER LICENSE", "DRIVER'S LICENSE", "USA")),
           font(FONTS[0], 26), c.label_ink)
    px1 = int(c.w * rng.uniform(0.25, 0.3))
    c.draw.rectangle((30, 110, px1, int(c.h * 0.7)), fill=(200, 204, 210), outline=(150, 150, 150))
    x, x2 = px1 + 30, int(c.w * rng.uniform(0.62, 0.7))
    step = c.value_face.size + rng.randint(10, 22)
    given = " ".join(v for v in (p["first_name"], p["middle_name"]) if v)
    name_gap = rng.choice((" ", " ", "  "))
    street, city = p["address"], f"{p['city_in_address']}, {p['state']} {p['zip_code_in_address']}"
    family = rng.choice(("numbered", "captions", "worded", "one_line"))
    y = 100.0
    number = p["printed_number"]

    def number_face(label: str, *, inline: bool) -> Any:
        start = x + (c.label_face.getlength(label) + c.gap if inline else 0)
        return c.fitted(number, x2 - _COLUMN_GAP - start) if fit_number else c.value_face

    if family == "numbered":
        c.inline(x, y, "4d DLN", number, face=number_face("4d DLN", inline=True))
        c.inline(x2, y, "9 CLASS", p["class"])
        rows = [("3 DOB", _date(p["date_of_birth"]), "4b EXP", _date(p["expiration_date"])),
                ("1", p["last_name"], "", ""), ("2", given.replace(" ", name_gap), "", ""),
                ("8", street, "", ""), ("", city, "", ""),
                ("15 SEX", p["sex"], "16 HGT", p["height"]), ("4a ISS", _date(p["date_of_issue"]), "18 EYES", p["eyes"])]
    elif family == "captions":
        c.caption(x, y, rng.choice(("DLN", "LICENSE NO.", "DL NUMBER")), number,
                  face=number_face("", inline=False))
        c.caption(x2, y, "CLASS", p["class"])
        y += step + c.label_face.size
        for left, right in ((("LAST NAME", p["last_name"]), ("DOB", _date(p["date_of_birth"]))),
                            (("FIRST NAME", given), ("EXPIRES", _date(p["expiration_date"]))),
                            (("ADDRESS", street), ("ISSUED", _date(p["date_of_issue"])))):
            c.caption(x, y, *left)
            c.caption(x2, y, *right)
            y += step + c.label_face.size
        c.inline(x, y - 4, "", city)
        c.inline(x, y + step, "SEX", p["sex"])
        c.inline(x + 150, y + step, "HGT", p["height"])
        return _finish(c, p, rng)
    else:
        label = rng.choice(("DL NO.", "LIC#", "DL", "LICENSE NO", "DLN"))
        c.inline(x, y, label, number, face=number_face(label, inline=True))
        c.inline(x2, y, "CLASS", p["class"])
        if family == "worded" and rng.random() < 0.5:
            names = [("LN", p["last_name"]), ("FN", given)]
        elif family == "worded":
            names = [("", p["last_name"]), ("", given)]  # unlabelled, family name above
        else:
            names = [(rng.choice(("", "NAME")), f"{p['last_name']}, {given}")]
        rows = [("DOB", _date(p["date_of_birth"]), "EXP", _date(p["expiration_date"]))]
        rows += [(lab, val, "", "") for lab, val in names]
        rows += [("", street, "", ""), ("", city, "", ""),
                 ("SEX", p["sex"], "HGT", p["height"]), ("ISS", _date(p["date_of_issue"]), "EYES", p["eyes"])]
    for label, value, rlabel, rvalue in rows:
        y += step
        c.inline(x, y, label, value)
        if rlabel:
            c.inline(x2, y, rlabel, rvalue)
    return _finish(c, p, rng)


def _finish(c: _Card, p: dict[str, Any], rng: random.Random) -> Image.Image:
    """Signature (mixed case), then what photos and scans do: a small rotation, blur, a lower resolution."""
    sig = f"{p['first_name'].title()} {p['last_name'].title()}"
    c.text((40, c.h - 70), sig, font("DejaVuSerif-Italic.ttf", rng.randint(22, 30)), (40, 40, 110))
    return photographed(c.image, rng, turn=(0.4, 2.5), blur=(0.3, 0.6, 1.2), shrink=(0.3, 0.6, 0.8),
                        paper=(255, 255, 255))


def photographed(image: Image.Image, rng: random.Random, *, turn: tuple[float, float],
                 blur: tuple[float, float, float], shrink: tuple[float, float, float],
                 paper: tuple[int, int, int]) -> Image.Image:
    """What photos and scans do to a generated document, each step by chance so that a set holds
    clean and worn ones alike: ``turn`` (chance, degrees) a small rotation, the corners it opens
    ``paper``-coloured; ``blur`` (chance, radius from, to); ``shrink`` (chance, scale from, to) a lower
    resolution.  The licence and MRZ generators share it with their own odds (same seed, same images)."""
    if rng.random() < turn[0]:
        image = image.rotate(rng.uniform(-turn[1], turn[1]), resample=Image.Resampling.BICUBIC, expand=True,
                             fillcolor=paper)
    if rng.random() < blur[0]:
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(blur[1], blur[2])))
    if rng.random() < shrink[0]:
        scale = rng.uniform(shrink[1], shrink[2])
        image = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)
    return image


def generate(folder: Path, count: int, seed: int, *, fit_number: bool = False) -> list[tuple[Path, dict[str, Any]]]:
    """``count`` cards and their truth in ``folder`` (kept when present: same seed, same cards);
    ``fit_number``: see :func:`render`."""
    folder.mkdir(parents=True, exist_ok=True)
    cards = []
    for i in range(count):
        rng = random.Random(seed * 100_003 + i)
        p = person(rng, UNSEEN_STATES[i % len(UNSEEN_STATES)])
        path = folder / f"synth-{i:03d}.png"
        if not path.exists():
            render(p, rng, fit_number=fit_number).save(path)
        cards.append((path, p))
    return cards


def _squeeze(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return re.sub(r"[^0-9A-Z]", "", str(value).upper())


def score_cards(cards: list[tuple[Path, dict[str, Any]]], load: Any, args: argparse.Namespace, *,
                located: dict[Path, Path] | None = None) -> None:
    """Print accuracy, flags and the tuned cards' misses of ``cards`` read through ``load``
    (``located``: each card's degraded copy, whose response is the one scored)."""
    half = args.count // 2
    outcomes: list[Outcome] = []
    misses: list[str] = []
    for i, (path, truth) in enumerate(cards):
        response = load((located or {}).get(path, path))
        if response is None:
            continue
        fields = parse_identity(response, run_date=args.run_date).fields
        for name in FIELDS:
            want = truth.get(name)
            if want is None:
                continue
            right = fields.get(name) is not None and _squeeze(fields[name]) == _squeeze(want)
            flagged = is_flagged(fields, name, below=LOW_CONFIDENCE)
            outcomes.append(Outcome(path.stem, name, right, flagged))
            if not right and (i < half or args.show_held_out):
                misses.append(f"  {path.stem} {truth['state']} {name:<20} truth={str(want)!r:<28} "
                              f"ours={fields.get(name)!r} (conf {fields.get(name + '_confidence')}"
                              f"{', flagged' if flagged else ''})")
    splits = numbered_halves(args.count)
    print(f"Generated licences of unseen states ({len({o.doc for o in outcomes})} cards, truth = what was drawn):")
    print(accuracy_table(outcomes, FIELDS, splits, marked=KEY_FIELDS))
    print("Flags (wrong values flagged / wrong; right values flagged / right):")
    print(flag_table(outcomes, KEY_FIELDS, splits))
    print("Misses" + ("" if args.show_held_out else " (tuned cards only; --show-held-out for all)") + ":")
    print("\n".join(misses) or "  none")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.synth_licences", description=__doc__.split("\n")[0])
    add_generated_arguments(ap, count=48, seed=12, work_dir="docbatch-eval-synth-licences", documents="cards")
    ap.add_argument("--degrade", nargs="?", const=",".join(DEGRADATIONS), default="",
                    help=f"also score degraded copies of the cards (comma list of {', '.join(DEGRADATIONS)}; "
                         "default all), each through its own pipeline run")
    ap.add_argument("--fit-number", action="store_true",
                    help="set a long number smaller to end before the right column, as real cards do "
                         "(else it may run over the CLASS caption; see the module doc)")
    args = ap.parse_args(argv)
    degradations = [d for d in args.degrade.split(",") if d]
    unknown = sorted(set(degradations) - set(DEGRADATIONS))
    if unknown or (degradations and args.responses):
        ap.error(f"unknown degradation {unknown}" if unknown else "--degrade runs the pipeline; drop --responses")
    key = f"v{GENERATOR_VERSION}-seed{args.seed}" + ("-fitted" if args.fit_number else "")
    cards = generate(args.work_dir / f"cards-{key}", args.count, args.seed, fit_number=args.fit_number)
    images = [c for c, _ in cards]
    score_cards(cards, generated_responses(images, args, args.work_dir / f"run-{key}", doc_type="id"), args)
    for name in degradations:
        folder = args.work_dir / f"degraded-{key}" / name
        located = degrade_images(images, name, folder / "images")
        print(f"\n=== degraded: {name} ===")
        score_cards(cards, pipeline_responses(list(located.values()), folder, doc_type="id"), args, located=located)
    (args.work_dir / f"truth-{key}.json").write_text(
        json.dumps({c.name: t for c, t in cards}, default=str, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Machine-readable zones the parser has never seen: generated passports, ID cards and visas.

The shared data holds eleven MRZ specimen images, most of them ICAO's own ``UTOPIA``
examples.  This evaluation draws documents of every ICAO 9303 type (TD1 cards, TD2 cards,
TD3 passports, MRV-A and MRV-B visas) for real issuing states, with the names, numbers and
dates that make MRZs hard: long names cut at the field's end, one-name holders, names with
spaces, hyphens and apostrophes, Germany's ``D<<``, numbers mixing ``O`` and ``0``, empty
optional fields, unknown sex.  Each is rendered as a document (a visual zone, a photo box,
the MRZ in a monospaced face) and then treated as photos and scans are: small rotations,
blur, a lower resolution, JPEG.  The truth is the MRZ that was drawn; every field is scored
against it through the real pipeline with the local engine (cached in ``--work-dir``).

Half the zones are drawn in OCR-B, the face ICAO prescribes, when it is installed
(``apt-get install fonts-ocr-b``; the header says whether it was), the rest in other
monospaced faces.  The check digits are computed here by their own few lines, not by the parser's
``check_digit``, so a mistake in the parser's cannot hide behind the same mistake in the truth.

Documents ``000`` to ``count/2 - 1`` may be looked at while tuning; the rest are held out:
the tables put both side by side, and ``--show-held-out`` is needed to list held-out misses.
``--print-only`` scores the visual zone instead, as read when the MRZ is not (every zone's
lines dropped, one left unreadable); a visual row that finds no room above the zone (TD1
cards) is not printed, and no value is then right.

    python -m evals.synth_mrz                       # 40 documents into a temp work dir
    python -m evals.synth_mrz --seed 3 --count 60 --work-dir /tmp/synth-mrz
    python -m evals.synth_mrz --seed 3 --work-dir /tmp/synth-mrz --print-only
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import sys
from pathlib import Path
from typing import Any, Mapping

from PIL import Image, ImageDraw, ImageFont

from docbatch.parse.identity.mrz_repair import normalise
from docbatch.parse.identity.parser import parse_identity

from .ids import MRZ_FIELDS, licence_flagged, squeeze, truth_mrz_value
from .pipeline import add_generated_arguments, generated_responses
from .scoring import Outcome, accuracy_table, flag_table, numbered_halves
from .synth_licences import font, photographed

#: Bumped whenever a change to the generator changes the documents (their folder is keyed by it).
GENERATOR_VERSION = 4
#: (type, lines, line length, document size in px at ~12 px/mm, document code)
TYPES = {"TD1": (3, 30, (1030, 650), "I"), "TD2": (2, 36, (1260, 890), "I"), "TD3": (2, 44, (1500, 1060), "P"),
         "MRVA": (2, 44, (1440, 960), "V"), "MRVB": (2, 36, (1260, 890), "V")}
#: Issuing states and nationalities, with their names for the visual zone.
STATES = {"DEU": "BUNDESREPUBLIK DEUTSCHLAND", "D": "BUNDESREPUBLIK DEUTSCHLAND", "FRA": "REPUBLIQUE FRANCAISE",
          "NLD": "KONINKRIJK DER NEDERLANDEN", "GBR": "UNITED KINGDOM", "USA": "UNITED STATES OF AMERICA",
          "CAN": "CANADA", "AUS": "AUSTRALIA", "IND": "REPUBLIC OF INDIA", "CHN": "PEOPLE'S REPUBLIC OF CHINA",
          "JPN": "JAPAN", "BRA": "REPUBLICA FEDERATIVA DO BRASIL", "MEX": "ESTADOS UNIDOS MEXICANOS",
          "ZAF": "REPUBLIC OF SOUTH AFRICA", "NGA": "FEDERAL REPUBLIC OF NIGERIA", "ESP": "REINO DE ESPANA",
          "ITA": "REPUBLICA ITALIANA", "POL": "RZECZPOSPOLITA POLSKA", "SWE": "SVERIGE", "TUR": "TURKIYE",
          "IRL": "EIRE IRELAND", "PRT": "REPUBLICA PORTUGUESA", "KOR": "REPUBLIC OF KOREA",
          "PHL": "REPUBLIKA NG PILIPINAS", "EGY": "ARAB REPUBLIC OF EGYPT", "ARG": "REPUBLICA ARGENTINA"}
_SURNAMES = ("MUELLER", "SCHMIDT", "DUBOIS", "VAN DER BERG", "DE JONG", "O'CONNOR", "SMITH-JONES", "GARCIA LOPEZ",
             "NGUYEN", "WANG", "TANAKA", "SILVA", "DOS SANTOS", "OKONKWO", "KOWALSKA", "ANDERSSON", "YILMAZ",
             "MURPHY", "KIM", "DELA CRUZ", "EL-SAYED", "FERNANDEZ", "ROSSI", "PATEL", "BOUCHARD", "MACDONALD",
             "WOLFESCHLEGELSTEINHAUSENBERGERDORFF", "CHRISTODOULOPOULOU", "LI", "OE")
_GIVEN = ("ANNA", "MARIA", "JEAN-PIERRE", "HANS", "PETER", "SOFIA", "LIAM", "CHIOMA", "YUKI", "WEI", "JOAO",
          "MARIE CLAIRE", "ALEKSANDRA", "OLIVER", "NOOR", "AHMED", "ISABELLA", "LUCAS", "MIN-JUN", "EMMA",
          "SIOBHAN", "JOSE LUIS", "FATIMA", "OLUWASEUN", "KRZYSZTOF", "INGRID", "MEHMET", "CARLOS", "Q", "AL")
#: The MRZ's faces: OCR-B, the face ICAO 9303 prescribes (Debian's ``fonts-ocr-b``), drawn for
#: half the documents where it is installed, and other monospaced faces (a worn print or a
#: copy reads less like the ideal face).
MRZ_FACES = ("OCRB.otf", "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf", "LiberationMono-Regular.ttf",
             "LiberationMono-Bold.ttf")
TEXT_FACES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LiberationSans-Regular.ttf", "DejaVuSerif.ttf")
_VALUES = {c: i for i, c in enumerate("0123456789")} | {chr(65 + i): 10 + i for i in range(26)} | {"<": 0}


def _installed(face: str) -> bool:
    try:
        ImageFont.truetype(face, 10)
    except OSError:
        return False
    return True


def check(data: str) -> str:
    """ICAO 9303 check digit: weights 7, 3, 1 over digit values, A=10..Z=35, ``<`` = 0."""
    return str(sum(_VALUES[c] * (7, 3, 1)[k % 3] for k, c in enumerate(data)) % 10)


def mrz_name(name: str) -> str:
    """A printed name in MRZ letters: spaces and hyphens become ``<``, apostrophes vanish."""
    return name.replace("'", "").replace("-", "<").replace(" ", "<")


def _pad(text: str, width: int) -> str:
    return (text + "<" * width)[:width]


def _document_number(rng: random.Random) -> str:
    """9 characters, often mixing letters among the digits (``O`` beside ``0`` as real series do)."""
    shape = rng.choice(("LDDDDDDDD", "LLDDDDDDD", "DDDDDDDDD", "LLLLLLLLL", "LDDDDDDLD", "LLDDDDDD<"))
    chars = []
    for s in shape:
        if s == "L":
            chars.append(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "OCIL" * 2))
        elif s == "D":
            chars.append(rng.choice("0123456789" + "0" * 3))
        else:
            chars.append(s)
    return "".join(chars)


def person(rng: random.Random, kind: str, run_date: dt.date) -> dict[str, Any]:
    """Who is on the document and what its MRZ says: ``mrz`` (lines joined by newlines) and the
    decoded fields in the shared specimens' ground-truth keys."""
    lines, width, _, code = TYPES[kind]
    state = rng.choice(sorted(STATES))
    nationality = state if rng.random() < 0.8 else rng.choice(sorted(STATES))
    surname = rng.choice(_SURNAMES)
    # One holder in ~25 has a single name (no given names): rare, as on real documents.
    given = " ".join(rng.sample(_GIVEN, rng.choice((1, 1, 1, 2, 2, 3)))) if rng.random() < 0.96 else ""
    birth = dt.date(rng.randint(1940, 2012), rng.randint(1, 12), rng.randint(1, 28))
    expiry = run_date + dt.timedelta(days=rng.randint(-400, 3650))
    sex = rng.choice("MMFF<")
    number = _document_number(rng)
    doc_type = code + rng.choice("<<<" + ("D" if code == "P" else "C"))
    issuer, nat = _pad(state, 3), _pad(nationality, 3)
    dob, exp = birth.strftime("%y%m%d"), expiry.strftime("%y%m%d")
    names_field = mrz_name(surname) + ("<<" + mrz_name(given) if given else "")
    if lines == 3:  # TD1
        opt1 = _pad(rng.choice(("", "", str(rng.randint(10**5, 10**6 - 1)))), 15)
        opt2 = _pad(rng.choice(("", "", "", "X" + str(rng.randint(100, 999)))), 11)
        l1 = doc_type + issuer + number + check(number) + opt1
        l2 = dob + check(dob) + sex + exp + check(exp) + nat + opt2
        l2 += check(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
        mrz = [l1, l2, _pad(names_field, 30)]
    else:
        l1 = doc_type + issuer + _pad(names_field, width - 5)
        core = number + check(number) + nat + dob + check(dob) + sex + exp + check(exp)
        if kind == "TD3":
            personal = _pad(rng.choice(("", "", str(rng.randint(10**8, 10**9 - 1)))), 14)
            pcheck = check(personal) if personal.strip("<") else rng.choice("<0")
            l2 = core + personal + pcheck
            l2 += check(l2[0:10] + l2[13:20] + l2[21:43])
        elif kind == "TD2":
            l2 = core + _pad(rng.choice(("", "", "A" + str(rng.randint(1000, 9999)))), 7)
            l2 += check(l2[0:10] + l2[13:20] + l2[21:35])
        else:  # visas: no composite check digit, optional data to the end
            l2 = _pad(core + rng.choice(("", "", "", str(rng.randint(10**5, 10**6 - 1)))), width)
        mrz = [l1, l2]
    assert all(len(ln) == width for ln in mrz), (kind, mrz)
    names = mrz[2] if lines == 3 else mrz[0][5:]
    sur, _, giv = names.partition("<<")
    return {"kind": kind, "mrz": "\n".join(mrz), "state_name": STATES[state], "printed_surname": surname,
            "printed_given": given, "printed_birth": birth, "printed_expiry": expiry, "printed_number": number,
            "fields": {"surname": sur.replace("<", " ").strip(), "name": giv.replace("<", " ").strip(),
                       "country": issuer.replace("<", ""), "nationality": nat.replace("<", ""),
                       "birth_date": dob, "expiry_date": exp, "sex": sex, "document_number": number.rstrip("<")}}


#: The visual zone's rows: the field each prints, its caption, and the value as printed.
def _rows(p: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [("last_name", "Surname / Nom", p["printed_surname"]),
            ("first_name", "Given names / Prenoms", p["printed_given"]),
            ("date_of_birth", "Date of birth", p["printed_birth"].strftime("%d %b %Y").upper()),
            ("expiration_date", "Date of expiry", p["printed_expiry"].strftime("%d %b %Y").upper()),
            ("document_number", "Document no.", p["printed_number"].rstrip("<"))]


def layout(p: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """Where and in what faces ``p``'s document is drawn, and which visual rows fit above the MRZ."""
    nlines, width, (w, h), _ = TYPES[p["kind"]]
    lay: dict[str, Any] = {"tint": (rng.randint(215, 250), rng.randint(215, 250), rng.randint(205, 245)),
                           "ink": rng.choice(((25, 40, 110), (90, 30, 40), (50, 50, 50)))}
    lay["header"] = font(rng.choice(TEXT_FACES), rng.randint(30, 40))
    lay["label"] = label = font(TEXT_FACES[0], rng.randint(16, 20))
    lay["value"] = value = font(rng.choice(TEXT_FACES), rng.randint(24, 30))
    face_name = "OCRB.otf" if rng.random() < 0.5 and _installed("OCRB.otf") else rng.choice(MRZ_FACES[1:])
    size = 60
    while size > 12 and font(face_name, size).getlength("<" * width) > w * rng.uniform(0.88, 0.94):
        size -= 1
    lay["mrz_face"] = font(face_name, size)
    lay["left"] = (w - lay["mrz_face"].getlength("<" * width)) / 2
    lay["pitch"] = size * rng.uniform(1.25, 1.5)
    lay["top"] = h - 40 - lay["pitch"] * nlines
    step = label.size + value.size + 18
    # No room above the MRZ (a TD1 card): a real card prints nothing over its zone.
    fit = max(0, min(5, int((lay["top"] - 140.0) // step)))
    lay["rows"] = _rows(p)[:fit]
    return lay


def render(p: dict[str, Any], lay: dict[str, Any], rng: random.Random) -> Image.Image:
    """A document of ``p``'s type laid out by :func:`layout`: header, photo, the visual zone's
    rows, the MRZ at the foot; then wear."""
    _, _, (w, h), _ = TYPES[p["kind"]]
    image = Image.new("RGB", (w, h), lay["tint"])
    draw = ImageDraw.Draw(image)
    ink, label, value = lay["ink"], lay["label"], lay["value"]
    draw.text((40, 28), p["state_name"], font=lay["header"], fill=ink)
    title = {"TD3": "PASSPORT", "MRVA": "VISA", "MRVB": "VISA"}.get(p["kind"], "IDENTITY CARD")
    draw.text((w * 0.55, 80), title, font=font(TEXT_FACES[1], 30), fill=ink)
    photo_w = int(w * 0.26)
    draw.rectangle((40, 130, 40 + photo_w, int(h * 0.62)), fill=(190, 195, 205), outline=(140, 140, 140))
    x, y = 70 + photo_w, 140.0
    for _, cap, val in lay["rows"]:
        draw.text((x, y), cap, font=label, fill=ink)
        draw.text((x, y + label.size + 4), val, font=value, fill=(20, 20, 20))
        y += label.size + value.size + 18
    for k, line in enumerate(p["mrz"].split("\n")):
        draw.text((lay["left"], lay["top"] + k * lay["pitch"]), line, font=lay["mrz_face"], fill=(15, 15, 15))
    return _wear(image, rng)


def _wear(image: Image.Image, rng: random.Random) -> Image.Image:
    """What photos and scans do (a small rotation, blur, a lower resolution), then JPEG."""
    image = photographed(image, rng, turn=(0.5, 3), blur=(0.35, 0.6, 1.3), shrink=(0.35, 0.55, 0.8),
                         paper=(250, 250, 250))
    if rng.random() < 0.5:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=rng.randint(55, 90))
        image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    return image


def generate(folder: Path, count: int, seed: int, run_date: dt.date) -> list[tuple[Path, dict[str, Any]]]:
    """``count`` documents (the types in turn) and their truth in ``folder`` (same seed, same documents)."""
    folder.mkdir(parents=True, exist_ok=True)
    docs = []
    kinds = sorted(TYPES)
    for i in range(count):
        rng = random.Random(seed * 100_019 + i)
        p = person(rng, kinds[i % len(kinds)], run_date)
        path = folder / f"mrz-{i:03d}.png"
        lay = layout(p, rng)
        p["printed"] = {name: text for name, _, text in lay["rows"]}
        if not path.exists():
            render(p, lay, rng).save(path)
        docs.append((path, p))
    return docs


def score(docs: list[tuple[Path, dict[str, Any]]], load: Any, run_date: dt.date,
          show_from: int) -> tuple[list[Outcome], list[str]]:
    """One outcome per document and field (``mrz_code`` exact and valid, then each MRZ field),
    and the misses of documents numbered below ``show_from``."""
    outcomes: list[Outcome] = []
    misses: list[str] = []
    for i, (path, truth) in enumerate(docs):
        response = load(path)
        if response is None:
            continue
        fields = parse_identity(response, run_date=run_date).fields
        exact = fields.get("mrz_code") == truth["mrz"] and bool(fields.get("mrz_valid"))
        outcomes.append(Outcome(path.stem, "mrz_code", exact,
                                licence_flagged(fields, "mrz_code") or not fields.get("mrz_valid")))
        if not exact and i < show_from:
            got = str(fields.get("mrz_code")).replace("\n", " / ")
            misses.append(f"  {path.stem} {truth['kind']:<4} mrz: truth={truth['mrz'].replace(chr(10), ' / ')}\n"
                          f"  {'':<12} got  ={got} (failed: {fields.get('mrz_failed_checks')})")
        for key, name in MRZ_FIELDS.items():
            want = truth_mrz_value(key, truth["fields"][key], run_date)
            right = squeeze(fields.get(name) or "") == squeeze(want or "")
            flagged = licence_flagged(fields, name)
            outcomes.append(Outcome(path.stem, name, right, flagged))
            if not right and i < show_from:
                misses.append(f"  {path.stem} {truth['kind']:<4} {name:<17} truth={want!r} ours={fields.get(name)!r}"
                              f" (conf {fields.get(name + '_confidence')}{', flagged' if flagged else ''})")
    return outcomes, misses


#: The printed fields scored with ``--print-only``.
PRINTED_FIELDS = ("last_name", "first_name", "date_of_birth", "expiration_date", "document_number")


def without_zone(response: Mapping[str, Any]) -> dict[str, Any]:
    """``response`` with its MRZ unread: the zone's lines and words dropped, and one line of
    fillers read upside down (``>>>``) left, as the engine's orientation fault once read them."""
    zone = [d for d in response.get("TextDetections", []) if d.get("Type") == "LINE" and _zone_text(d)]
    ids = {d.get("Id") for d in zone}
    kept = [d for d in response.get("TextDetections", []) if d.get("Id") not in ids and d.get("ParentId") not in ids]
    if zone:
        kept.append({**zone[-1], "DetectedText": ">" * 16 + str(zone[-1]["DetectedText"])[:14]})
    return {**response, "TextDetections": kept}


def _zone_text(det: Mapping[str, Any]) -> bool:
    text = normalise(str(det.get("DetectedText", "")))
    return len(text) >= 24 and ("<" in text or sum(c.isdigit() for c in text) >= 0.4 * len(text))


def score_print(docs: list[tuple[Path, dict[str, Any]]], load: Any, run_date: dt.date) -> list[Outcome]:
    """The printed fields read with the zone unread (:func:`without_zone`), against what was
    printed: a row left out for want of room is right when no value is read."""
    outcomes = []
    for path, truth in docs:
        response = load(path)
        if response is None:
            continue
        fields = parse_identity(without_zone(response), run_date=run_date).fields
        for name in PRINTED_FIELDS:
            want = {"date_of_birth": truth["printed_birth"], "expiration_date": truth["printed_expiry"]}.get(
                name, truth["printed"].get(name)) if name in truth["printed"] else None
            right = squeeze(fields.get(name) or "") == squeeze(want or "")
            outcomes.append(Outcome(path.stem, name, right, licence_flagged(fields, name)))
    return outcomes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.synth_mrz", description=__doc__.split("\n")[0])
    add_generated_arguments(ap, count=40, seed=1, work_dir="docbatch-eval-synth-mrz", documents="documents")
    ap.add_argument("--print-only", action="store_true",
                    help="score the printed zone as read when the MRZ is not (each zone's lines dropped)")
    args = ap.parse_args(argv)
    key = f"v{GENERATOR_VERSION}-seed{args.seed}"
    docs = generate(args.work_dir / f"docs-{key}", args.count, args.seed, args.run_date)
    load = generated_responses([d for d, _ in docs], args, args.work_dir / f"run-{key}", doc_type="id")
    splits = numbered_halves(args.count)
    if args.print_only:
        print_outcomes = score_print(docs, load, args.run_date)
        print("Printed zone read with the MRZ unread (truth = what was printed):")
        print(accuracy_table(print_outcomes, list(PRINTED_FIELDS), splits))
        print("Flags (wrong values flagged / wrong; right values flagged / right):")
        print(flag_table(print_outcomes, list(PRINTED_FIELDS), splits))
        return 0
    outcomes, misses = score(docs, load, args.run_date, args.count if args.show_held_out else args.count // 2)
    kind_of = {path.stem: truth["kind"] for path, truth in docs}
    names = ["mrz_code", *MRZ_FIELDS.values()]
    print(f"Generated MRZ documents ({len({o.doc for o in outcomes})} read; truth = the MRZ drawn; "
          f"mrz_code = exact and check-digit valid; OCR-B {'installed' if _installed('OCRB.otf') else 'absent'}):")
    print(accuracy_table(outcomes, names, splits, marked=("mrz_code",)))
    print("By document type (all documents):")
    print(accuracy_table(outcomes, names, [(k, lambda d, k=k: kind_of[d] == k) for k in sorted(TYPES)], gap=False))
    print("Flags (wrong values flagged / wrong; right values flagged / right):")
    print(flag_table(outcomes, ["mrz_code", "last_name", "first_name", "document_number", "date_of_birth"], splits))
    print("Misses" + ("" if args.show_held_out else " (tuned documents only; --show-held-out for all)") + ":")
    print("\n".join(misses) or "  none")
    (args.work_dir / f"truth-{key}.json").write_text(
        json.dumps({d.name: t for d, t in docs}, default=str, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

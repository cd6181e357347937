"""Repair of OCR'd MRZ lines: from what an engine read to lines :func:`.mrz_decode.decode` accepts.

OCR misreads the OCR-B font in predictable ways (``<`` as ``K``/``(``/space, ``0``/``O``,
``1``/``I``, ``5``/``S``, ``8``/``B``, ``2``/``Z``), so repair is driven by what each
position may hold: digits in dates and check digits, letters in country codes and names,
and for alphanumeric fields (document number, optional data) the variant that satisfies
the field's check digit.  The raw lines as read are kept beside the repaired ones
(``Mrz.raw_lines``).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from typing import Any, Iterable, Sequence

from ..letters import fold_marks
from .countries import valid_country
from .mrz_decode import FILLER, FORMATS, Mrz, MrzFormat, decode, failed_checks, failures
from .mrz_resolve import resolve

#: Characters OCR engines return for the ``<`` filler: the chevron's punctuation look-alikes,
#: the chevron turned (a multilingual recognizer reads a wide ``<`` as Greek ``Λ``), and the
#: kana and bopomofo letters drawn as a chevron (``く``, ``ㄑ``; OCR-B's ``<`` reads so).
_FILLER_LOOKALIKES = str.maketrans({c: "<" for c in "«‹〈＜(（[{Λ∧くㄑ≤≦⩽≮"})
#: Greek and Cyrillic capitals (and the union sign) a multilingual recognizer returns for the
#: Latin capitals they are drawn like; dropped as foreign, they would shift every later position.
#: A bar is an ``I`` (the card code's ``I<``, a name's last ``I`` before the fillers: all 12 bars
#: of the zones read on the tuned halves of seven ``evals.synth_mrz`` seeds), not a filler.
_HOMOGLYPHS = str.maketrans(dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧАВЕКМНОРСТУХ∪|", "ABEZHIKMNOPTYXABEKMHOPCTYXUI")))
_TO_DIGIT = str.maketrans({"O": "0", "D": "0", "Q": "0", "U": "0", "I": "1", "L": "1",
                           "T": "7", "Z": "2", "S": "5", "B": "8", "G": "6", "A": "4"})
_TO_LETTER = str.maketrans({"0": "O", "1": "I", "2": "Z", "4": "A", "5": "S", "6": "G",
                            "7": "T", "8": "B"})
_SEX_FIX = {"H": "M", "N": "M", "P": "F", "E": "F"}
#: Document code letter fixed by the format (ICAO 9303 parts 4 and 7): TD3 is a passport,
#: MRV-A/B a visa; a misread leading letter is restored once the format is chosen.
_CODE_LETTER = {"TD3": "P", "MRVA": "V", "MRVB": "V"}
#: The letters a TD1 or TD2 card's code may open with (ICAO 9303 part 5: ``A``, ``C`` or ``I``);
#: another one read is a misread letter, taken as ``I`` (identity cards, the commonest) and
#: reported as a guess, since no check digit covers the code and any of the three would do.
_CARD_LETTERS = "ACI"
#: Letters the local engine reads for others in a country code or a name (``I`` after the chevron
#: as ``H``, OCR-B's ``Z`` as ``N``): an unknown code one such swap from one valid code is that code,
#: guessed; a name word such swaps make a printed word is that word (:func:`names_from_print`).
_CODE_LOOKALIKES = {"H": "I", "N": "Z"}
#: Letters OCR returns for ``<`` (beside the punctuation look-alikes mapped by normalise).
_FILLER_LETTERS = "KC"
#: A run of three or more such letters ending a field or touching a filler: no name or
#: number holds "KKK" or "CCC", while a blurred or low-resolution filler run reads so.
_LETTER_RUN = re.compile(r"(?:K{3,}|C{3,})(?=<|$)|(?<=<)(?:K{3,}|C{3,})")


def normalise(text: str) -> str:
    """Upper-case, map look-alikes to ``<`` and Latin capitals, drop what the MRZ alphabet lacks.

    Full-width and compatibility forms (``Ｐ``, ``＜``) are made plain and marks the recognizer
    set on a letter dropped (``Ž`` is ``Z``: the MRZ alphabet has none) by :func:`fold_marks`.
    """
    return re.sub(r"[^A-Z0-9<]", "", _folded(text))


def _folded(text: str) -> str:
    return fold_marks(text).upper().translate(_FILLER_LOOKALIKES).translate(_HOMOGLYPHS)


def keeping_places(text: str) -> str:
    """:func:`normalise`, but a letter foreign to the MRZ alphabet holds its place as a filler
    (``HR厂`` read for ``IRL`` is ``HR<``, not ``HR`` shifting the rest of the line)."""
    return re.sub(r"[^A-Z0-9<]", "", "".join(FILLER if c.isalpha() and not c.isascii() else c for c in _folded(text)))


def same_shapes(a: str, b: str) -> bool:
    """Do ``a`` and ``b`` read alike once look-alike letters and digits are folded together
    (``OIODEFEQI`` and ``0I0DEFE0I``)?  Two readings of one printed value, then."""
    return a.translate(_TO_DIGIT) == b.translate(_TO_DIGIT)


def digits_for_letters(reading: str, value: str) -> bool:
    """Is ``reading`` ``value`` with some of its letters read as their digit look-alikes
    (``L31659809`` for ``L316598O9``, ``I13540900`` for ``II3540900``), and nothing else?
    The way the local engine misreads a number: it reads no digit as a letter."""
    return len(reading) == len(value) and reading != value and all(
        a == b or a.isalpha() and b.isdigit() and a.translate(_TO_DIGIT) == b for a, b in zip(value, reading))


def _fit(line: str, length: int) -> list[str]:
    """Variants of ``line`` brought to ``length`` by growing or shrinking filler runs."""
    diff = length - len(line)
    if diff == 0:
        return [line]
    runs = sorted(((m.end() - m.start(), m.start(), m.end()) for m in re.finditer("<+", line)), reverse=True)
    out: list[str] = []
    if diff > 0:
        out.append(line + FILLER * diff)
        for _, start, end in runs[:3]:
            out.append(line[:end] + FILLER * diff + line[end:])
    else:
        for size, start, end in runs[:3]:
            if size >= -diff:
                out.append(line[:start] + line[start - diff:])
        out += [line[:length], line[-diff:]]
    return list(dict.fromkeys(out))


def _one_out(line: str, length: int) -> list[str]:
    """A line one character too long without each of its characters in turn: OCR reads a
    wide-set face's character twice, or one too many, inside a field.  Any of them may pass
    the check digits by chance, so a reading taken from here is a guess."""
    if len(line) != length + 1:
        return []
    return [line[:k] + line[k + 1:] for k in range(len(line)) if line[k] != FILLER]


def _fillers_for_letter_runs(value: str) -> str:
    """Runs of ``K``/``C`` read for fillers (see ``_LETTER_RUN``) back to fillers."""
    return _LETTER_RUN.sub(lambda m: FILLER * len(m.group()), value)


def _coerce_names(value: str) -> str:
    value = _fillers_for_letter_runs(value.translate(_TO_LETTER))
    # K or C read for '<': inside runs of fillers, and a trailing run after a filler.  A lone
    # K or C one filler after a name word is that name's initial, or a given name the field's
    # end cut to its first letter (``MARIE<C`` of ``MARIE CLAIRE``): kept, for print to judge.
    value = re.sub(r"(?<=<)(?<![A-Z]<)[KC]+(?=<|$)|(?<=[A-Z]<)[KC]{2,}(?=<|$)",
                   lambda m: FILLER * len(m.group()), value)
    # The surname/given-names separator "<<" must precede the given names; when every
    # "<<" is trailing filler, a "K<" or "<K" between names is that separator misread.
    first_sep = value.find("<<")
    if first_sep == -1 or not value[first_sep:].strip(FILLER):
        m = re.search(r"(?<=[A-Z])K<(?=[A-Z])|(?<=[A-Z])<K(?=[A-Z])", value)
        if m:
            value = value[:m.start()] + "<<" + value[m.end():]
    return value


def _coerce_by_neighbours(value: str) -> str:
    """A letter look-alike between two digits is a digit (``1B4`` is ``184``).

    Only for fields no check digit of their own verifies (visa and TD1/TD2 optional
    data): where a check digit exists, it decides instead.  The converse (a digit
    between letters) is not assumed: codes such as ``ZE184226B`` mix them freely.
    """
    chars = list(value)
    for i in range(1, len(chars) - 1):
        if value[i - 1].isdigit() and value[i + 1].isdigit() and chars[i] in "OIZSBG":
            chars[i] = chars[i].translate(_TO_DIGIT)
    return "".join(chars)


def _coerce(fmt: MrzFormat, lines: list[str]) -> list[str]:
    chars = [list(line) for line in lines]
    for f in fmt.fields:
        value = "".join(chars[f.line][f.start:f.end])
        if f.kind == "num":
            value = value.translate(_TO_DIGIT)
        elif f.kind == "digit":
            # K and C look like no digit: they are a filler (an empty field's check digit).
            value = FILLER if value in (FILLER, *_FILLER_LETTERS) else value.translate(_TO_DIGIT)
        elif f.kind in ("alpha", "code"):
            value = value.translate(_TO_LETTER)
            if f.kind == "code" and fmt.name in _CODE_LETTER:
                value = _CODE_LETTER[fmt.name] + value[1:]
            elif f.kind == "code" and value[:1] not in _CARD_LETTERS:
                value = "I" + value[1:]
        elif f.kind == "name":
            value = _coerce_names(value)
        elif f.kind == "sex":
            value = _SEX_FIX.get(value, value)
        elif f.kind == "alnum" and (set(value) <= {"K", FILLER} or set(value) <= {"C", FILLER}):
            value = FILLER * len(value)
        elif f.kind == "alnum":
            value = _fillers_for_letter_runs(value)
            value = re.sub(r"(?<=<)K+$|K+(?=<+$)", lambda m: FILLER * len(m.group()), value)
            if not any(c.name == f.name for c in fmt.checks):
                value = _coerce_by_neighbours(value)
        chars[f.line][f.start:f.end] = list(value)
    return ["".join(c) for c in chars]


def _agree_countries(fmt: MrzFormat, lines: list[str]) -> tuple[list[str], list[str]]:
    """An unknown country code one letter away from the other country field becomes it; also
    one a letter away once a lost letter (a filler inside the code) is filled, named a guess.

    No check digit covers the issuing state or the nationality, but they are usually the
    same code, so ``GBB`` beside ``GBR`` is ``GBR`` misread (a blurred ``R`` reads ``B``).
    ``HR<`` beside ``IRL`` differs in two places, one of them unread: likely, not proven.
    """
    spots = {f.name: f for f in fmt.fields if f.name in ("issuing_country", "nationality")}
    values = {name: lines[f.line][f.start:f.end] for name, f in spots.items()}
    guessed = []
    for name, other in (("issuing_country", "nationality"), ("nationality", "issuing_country")):
        value, ref = values[name], values[other]
        if valid_country(value) or not valid_country(ref) or len(value) != len(ref):
            continue
        differ = [a for a, b in zip(value, ref) if a != b]
        lost = len(differ) == 2 and differ.count(FILLER) == 1
        if len(differ) == 1 or lost:
            lines = _put(lines, spots[name], ref)
            guessed += [name] if lost else []
    for name, f in spots.items():
        value = lines[f.line][f.start:f.end]
        near = {code for code in _lookalike_codes(value) if valid_country(code)}
        if not valid_country(value) and len(near) == 1:
            lines = _put(lines, f, near.pop())
            guessed.append(name)
    return lines, guessed


def codes_a_lookalike_apart(mrz: Mrz) -> list[str]:
    """The country fields whose code, valid as read, is the other field's but for one letter the
    engine reads for another in a code (``_CODE_LOOKALIKES``: an ``I`` after the chevron as ``H``):
    ``V<HND`` (Honduras) beside nationality ``IND`` is as likely India's ``V<IND`` misread.  No check
    digit covers either field, so the zone proves neither reading; :func:`_agree_countries` mends
    only a code no state holds."""
    values = {name: mrz.fields.get(name, "") for name in ("issuing_country", "nationality")}
    out = []
    for name, other in (("issuing_country", "nationality"), ("nationality", "issuing_country")):
        value, ref = values[name], values[other]
        if valid_country(value) and value != ref and ref in _lookalike_codes(value):
            out.append(name)
    return out


def _lookalike_codes(value: str) -> set[str]:
    """``value`` with one letter the engine reads for another in a code put back (``_CODE_LOOKALIKES``)."""
    return {value[:i] + alt + value[i + 1:] for i, c in enumerate(value) for alt in _CODE_LOOKALIKES.get(c, "")}


def _put(lines: list[str], f: Any, value: str) -> list[str]:
    lines = list(lines)
    lines[f.line] = lines[f.line][:f.start] + value + lines[f.line][f.end:]
    return lines


def _stray(names: str) -> int:
    """Characters after the names' closing filler run: text glued on past the zone's end."""
    m = re.search(r"<{3,}", names)
    return len(names[m.end():].replace(FILLER, "")) if m else 0


def repair(fmt_name: str, lines_read: Sequence[str],
           misread: frozenset[tuple[str, str]] = frozenset()) -> tuple[list[str], tuple[str, ...]]:
    """Best repaired lines for ``lines_read`` (already through :func:`normalise`) as an MRZ of format
    ``fmt_name``, and the checks those lines pass only by a guessed repair (see :func:`.mrz_resolve.resolve`,
    which takes first the swaps undoing the engine's ``misread``).

    A filler read as a space is gone from a normalised line: :func:`_fit` grows it back."""
    fmt = FORMATS[fmt_name]
    best: tuple[tuple[int, int, int], list[str], tuple[str, ...]] | None = None
    fitted = [_fit(line, fmt.length) for line in lines_read]
    readings = [list(dict.fromkeys(f + _one_out(line, fmt.length))) for f, line in zip(fitted, lines_read)]
    for variant in itertools.product(*readings):
        lines, guessed = _agree_countries(fmt, _coerce(fmt, list(variant)))
        resolutions = [("document_number", ("document_number",))]
        if fmt.name == "TD3":
            resolutions.append(("optional_data", ("optional_data",)))
        if any(c.name == "composite" for c in fmt.checks):
            resolutions.append(("composite", ("optional_data", "optional_data_2") if fmt.name == "TD1"
                                else ("optional_data",)))
        guessed += ["document_number"] if any(v not in f for v, f in zip(variant, fitted)) else []
        if fmt.name in ("TD1", "TD2") and variant[0][:1].translate(_TO_LETTER) not in _CARD_LETTERS:
            guessed.append("document_code")
        for check, where in resolutions:
            lines, guess = resolve(fmt, lines, check, where, misread)
            if guess and check not in guessed:
                guessed.append(check)
        # Fewest failed checks (a country code or date the standard rules out counts, so
        # text glued before a line is cut off, not a filler run), then fewest repairs
        # outside the names (name repairs are unverifiable, so they must not make a
        # filler-shifted variant look cheaper), then least text past the names' end.
        changes = sum(lines[f.line][i] != variant[f.line][i]
                      for f in fmt.fields if f.kind != "name" for i in range(f.start, f.end))
        fields = {f.name: lines[f.line][f.start:f.end] for f in fmt.fields}
        score = (-len(failures(fmt, lines, fields)), -changes, -_stray(fields["names"]))
        if best is None or score > best[0]:
            best = (score, lines, tuple(guessed))
    return (best[1], best[2]) if best else (list(lines_read), ())


def _plausible(fmt: MrzFormat, cleaned: Sequence[str]) -> bool:
    """Line lengths that could be ``fmt`` as read.

    OCR loses or adds a few characters anywhere; a line ending in a filler run (the names,
    empty optional data) may lose much more, since a long faint run of ``<`` is often
    dropped or split off as another word: it is padded back, and check digits judge.
    """
    if fmt.n_lines != len(cleaned):
        return False
    first = cleaned[0][0]
    if first in "PIAC" and fmt.name.startswith("MRV") or first == "V" and fmt.name in ("TD2", "TD3"):
        return False  # a readable document code decides between passport/ID and visa
    return (any(abs(len(c) - fmt.length) <= 5 for c in cleaned)
            and all(fmt.length // 3 <= len(c) <= fmt.length + 5 for c in cleaned))


def read_mrz(raw_lines: Sequence[str], *, confidences: Sequence[float] = (),
             misread: frozenset[tuple[str, str]] = frozenset()) -> Mrz | None:
    """Repair and decode OCR'd MRZ lines (read at ``confidences``, one a line, when known, by an
    engine whose commonest misreads the swaps ``misread`` undo), choosing the format that fits best."""
    cleaned = [normalise(r) for r in raw_lines]
    if not cleaned or not all(cleaned):
        return None
    # A foreign letter is dropped first; kept as a filler only when that reads better (min is stable).
    kept = [keeping_places(r) for r in raw_lines]
    results = []
    for reading, fmt in itertools.product([cleaned] + ([kept] if kept != cleaned else []), FORMATS.values()):
        if not _plausible(fmt, reading):
            continue
        lines, guessed = repair(fmt.name, reading, misread)
        mrz = decode(lines, raw_lines=tuple(raw_lines), line_confidences=confidences, format=fmt.name)
        if mrz is not None:
            mrz = dataclasses.replace(mrz, guessed=guessed)
            results.append(mrz)
    if not results:
        return None
    return min(results, key=lambda m: (len(m.failed), -m.confidence))


def number_from_print(mrz: Mrz, printed: Iterable[str]) -> Mrz:
    """The MRZ with its document number as printed, when print and check digits agree on it.

    A check digit cannot tell every misreading apart (``<``, ``A``, ``K`` and ``U`` weigh
    the same; ``0`` and ``O`` often do), and a repair that swapped look-alikes until the check
    passed may have passed it by chance.  The printed zone is a second, independent reading:
    a printed token (9 characters at most, padded with fillers) that differs from the MRZ's
    number, or from the number as the zone was read before its repair, in at most two places and
    leaves every check digit holding is what the document says, when it is the only such token
    and the MRZ's own number is printed nowhere.  (A repair may pass the check by swapping a
    look-alike print and zone agree on: ``0I0DEFEQI`` repaired to ``0I0DEFE0I``, printed ``OIODEFEQI``.)
    Long TD1/TD2 numbers (continued in the optional data) are left as read.
    """
    fmt = FORMATS[mrz.format]
    spot = next(f for f in fmt.fields if f.name == "document_number")
    current = mrz.fields["document_number"]
    tokens = {normalise(t) for t in printed}
    if current.rstrip(FILLER) in tokens or mrz.fields.get("document_number_check") == FILLER:
        return mrz
    # The zone's number as the engine read it, before look-alikes were swapped to pass the check.
    raw = normalise(mrz.raw_lines[spot.line]) if len(mrz.raw_lines) == fmt.n_lines else ""
    readings = [current] + ([raw[spot.start:spot.end]] if len(raw) == fmt.length else [])
    found = []
    for token in tokens:
        candidate = (token + FILLER * spot.end)[:spot.end - spot.start]
        if len(token) > len(candidate) or FILLER in token or candidate == current \
                or min(sum(a != b for a, b in zip(candidate, r)) for r in readings) > 2:
            continue
        lines = list(mrz.lines)
        lines[spot.line] = lines[spot.line][:spot.start] + candidate + lines[spot.line][spot.end:]
        decoded = decode(lines, raw_lines=mrz.raw_lines, confidence=mrz.confidence,
                         line_confidences=mrz.line_confidences, format=mrz.format)
        if decoded is not None and len(decoded.failed) <= len(mrz.failed) and \
                not any(name.startswith(("document_number", "composite")) for name in decoded.failed):
            found.append(decoded)
    if len(found) != 1:
        return mrz
    # Print confirmed the number; a guess elsewhere in the zone (its code letter) still stands.
    return dataclasses.replace(found[0], guessed=tuple(g for g in mrz.guessed if g != "document_number"))


def names_from_print(mrz: Mrz, printed: Sequence[str]) -> Mrz:
    """The MRZ with a name word as printed, where zone and print differ at one letter.

    Names carry no check digit; print is a reading apart from the zone's (another face, another
    line).  The local engine reads OCR-B's ``Z`` before a filler as ``N`` (``CRUN``, ``FERNANDEN``,
    ``YILMAN`` on generated documents), and print spells the word right beside it.  A zone word
    (three letters or more) printed nowhere, of one printed word's length and one letter from it
    alone, takes that word; words of ``printed`` lines with digits (``09 JAN 1975``) are no names.
    Failing that, a printed word the zone's is with letters read as the engine's code look-alikes
    (``INGRID`` read ``HNGRHD``, tuning seed 5105), or one letter of a double longer or shorter (:func:`_doubled_apart`:
    ``NOOR`` read ``NO0OR`` in a line one character long, tuning seed 5101), the later words
    moved back to their places (the field's filler run gives or takes the letter; a field with
    no filler to give keeps its word).  The caller flags the change: it is one reading chosen over another.
    """
    spot = next(f for f in FORMATS[mrz.format].fields if f.name == "names")
    line = mrz.lines[spot.line]
    names = line[spot.start:spot.end]
    split = [(text, [normalise(w) for w in re.split(r"[\W_]+", text)]) for text in printed]
    tokens = {w for _, ws in split for w in ws}
    words = {w for text, ws in split if not any(c.isdigit() for c in text) for w in ws if len(w) >= 3}
    pieces, last, room = [], 0, len(names) - len(names.rstrip(FILLER))
    for m in re.finditer(r"[A-Z]{3,}", names):
        word = m.group()
        near = ([w for w in words if _one_apart(w, word)] or [w for w in words if _lookalikes_apart(w, word)]
                or [w for w in words if _doubled_apart(w, word)])
        if word not in tokens and len(near) == 1 and len(near[0]) - len(word) <= room:
            pieces += [names[last:m.start()], near[0]]
            last, room = m.end(), room - (len(near[0]) - len(word))
    out = "".join(pieces) + names[last:]
    out = _cut_word_from_print((out + FILLER * len(names))[:len(names)], printed)
    if out == names:
        return mrz
    lines = list(mrz.lines)
    lines[spot.line] = line[:spot.start] + out + line[spot.end:]
    decoded = decode(lines, raw_lines=mrz.raw_lines, confidence=mrz.confidence,
                         line_confidences=mrz.line_confidences, format=mrz.format)
    return dataclasses.replace(decoded, guessed=mrz.guessed) if decoded is not None else mrz


def _one_apart(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1


def _lookalikes_apart(printed: str, word: str) -> bool:
    """Is the zone's ``word`` ``printed`` with some letters read as the engine's look-alikes
    (``_CODE_LOOKALIKES``: ``INGRID`` read ``HNGRHD``, both ``I`` as ``H``), and nothing else?"""
    return len(printed) == len(word) and printed != word and all(
        p == w or _CODE_LOOKALIKES.get(w) == p for p, w in zip(printed, word))


def _doubled_apart(a: str, b: str) -> bool:
    """Is one of ``a`` and ``b`` the other with one letter of a double more or fewer (``NOOOR``
    and ``NOOR``, ``ANA`` and ``ANNA``)?  OCR reads a letter twice beside its double, or one for two."""
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return len(longer) == len(shorter) + 1 and any(
        longer[:i] + longer[i + 1:] == shorter and longer[i] in longer[i - 1:i] + longer[i + 1:i + 2]
        for i in range(len(longer)))


def _cut_word_from_print(names: str, printed: Sequence[str]) -> str:
    """``names`` with its last word as print's where ICAO cut it at the field's end and the zone
    misread it there: a field ending in that word, or in it and one filler (the cut word's last
    letter lost: ``...BERGER<`` of ``WOLFESCHLEGELSTEINHAUSENBERGERDORFF`` cut at ``...BERGERD``).
    Taken from the one printed capital word that opens with the word, one letter apart at most
    (``JC`` of ``JOSE`` cut to ``JO``; ``OLUWASI<`` of ``OLUWASEUN`` cut to ``OLUWASEU``), when print
    spells no word that is the zone's word or, with no filler lost, opens with it.  Captions in
    mixed case are no name words, nor is a printed word the zone spells before (``SMITH-JONES``
    beside a complete ``...<<MIN<JUN<``)."""
    cut = re.search(r"(?<![A-Z])([A-Z]{2,})(<?)$", names)
    if cut is None:
        return names
    word, lost = cut.group(1), len(cut.group(2))
    capitals = {normalise(w) for text in printed if not any(c.isdigit() for c in text)
                for w in re.split(r"[\W_]+", text) if w.isupper()}
    if word in capitals or not lost and any(w.startswith(word) for w in capitals):
        return names
    spelt = set(re.findall(r"[A-Z]+", names[:cut.start()]))  # a printed word the zone spells is another name word
    near = {w[:len(word) + lost] for w in capitals - spelt
            if len(w) > len(word) and sum(a != b for a, b in zip(w, word)) <= 1}
    if len(near) != 1:
        return names
    return names[:cut.start()] + near.pop()

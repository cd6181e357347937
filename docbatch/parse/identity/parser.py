"""Identity documents: one ``ids`` row from the MRZ, the AAMVA barcode and the printed fields.

Sources, strongest first: the MRZ (check digits prove what was read), the PDF417
barcode of US licences (machine text, no OCR), then the printed (visual) fields.  Each
field records its ``<name>_source`` and ``<name>_confidence`` (0..100).  The weaker
sources are kept only to cross-check the stronger: ``fields_agree`` is False when the
printed document number, names or dates contradict the MRZ or barcode.

Privacy: nothing here logs or raises with recognised text; review reasons name fields,
never values.  What ``--redact`` writes instead is the catalogue's policy
(:mod:`docbatch.parse.redaction`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Mapping

from ...response import lines as response_lines
from .aamva import parse_aamva
from ..catalog import ID_FIELDS, REVIEW_LEVEL
from ..classify import cue_scores
from .licence import parse_licence
from .licence_fields import LicenceFields
from .mrz_decode import FILLER, Mrz
from .mrz_doubt import explain_lookalikes
from .mrz_find import find_mrz, has_mrz_marks
from .mrz_repair import (codes_a_lookalike_apart, digits_for_letters, names_from_print, normalise,
                         number_from_print, same_shapes)
from .mrz_rivals import breaks_a_check, lookalike_rivals, rival_print_shows
from .mrz_states import state_print_names

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in ID_FIELDS)
#: Fields whose absence makes a document unusable for identity checks.
KEY_FIELDS = ("last_name", "first_name", "date_of_birth", "expiration_date", "document_number")
#: A key field read below this confidence sends the row to review (the catalogue's review level).
LOW_CONFIDENCE = REVIEW_LEVEL
_COMPARED = ("document_number", "last_name", "first_name", "date_of_birth", "expiration_date")


@dataclass(frozen=True)
class ParsedIdentity:
    """One ``ids`` row (without doc_id/source): every IDS column name is a key."""

    fields: dict[str, object]


class _Row:
    def __init__(self) -> None:
        self.values: dict[str, object] = {}
        self.conf: dict[str, float] = {}
        self.source: dict[str, str] = {}

    def put(self, name: str, value: object, confidence: float, source: str) -> None:
        if value in (None, "") or name in self.values:
            return
        self.values[name] = value
        self.conf[name] = round(float(confidence), 2)
        self.source[name] = source

    def doubt(self, names: list[str], reasons: list[str], why: str) -> bool:
        """Put ``names`` under the review level and say ``why`` (``why: name,name``); whether any was."""
        for name in names:
            self.conf[name] = min(self.conf[name], LOW_CONFIDENCE)
        if names:
            reasons.append(f"{why}: " + ",".join(names))
        return bool(names)


#: What every field of an MRZ whose checks fail is worth: under the review level, since a
#: failed check (or a code the standard rules out) means the zone may be misread or shifted.
INVALID_MRZ_CONFIDENCE = 40.0


def _from_mrz(row: _Row, mrz: Mrz, run_date: dt.date) -> None:
    """The zone's fields, each at its own line's confidence (``mrz_code`` at the zone's weakest)."""
    def conf(field: str | None) -> float:
        value = mrz.confidence if field is None else mrz.field_confidence(field)
        return value if mrz.valid else min(value, INVALID_MRZ_CONFIDENCE)

    row.put("id_type", mrz.id_type, conf("document_code"), "mrz")
    row.put("last_name", mrz.surname, conf("names"), "mrz")
    row.put("first_name", mrz.given_names, conf("names"), "mrz")
    row.put("document_number", mrz.document_number, conf("document_number"), "mrz")
    row.put("date_of_birth", mrz.date_of_birth(run_date=run_date), conf("date_of_birth"), "mrz")
    row.put("expiration_date", mrz.expiration_date(run_date=run_date), conf("expiration_date"), "mrz")
    row.put("sex", mrz.sex, conf("sex"), "mrz")
    row.put("nationality", mrz.nationality, conf("nationality"), "mrz")
    row.put("issuing_country", mrz.issuing_country, conf("issuing_country"), "mrz")
    row.put("mrz_code", mrz.text, conf(None), "mrz")


def _squeeze(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return re.sub(r"[^A-Z0-9]", "", str(value).upper())


def _printed_lines(response: Mapping[str, Any], mrz: Mrz) -> list[str]:
    """The page's lines outside the MRZ: the printed (visual) zone."""
    raw = {normalise(line) for line in mrz.raw_lines}
    texts = [str(d.get("DetectedText", "")) for d in response_lines(response)]
    return [t for t in texts if normalise(t) not in raw]


def _mrz_visual_disagreements(printed: list[str], mrz: Mrz) -> list[str] | None:
    """MRZ fields missing from the ``printed`` lines (None when there is no printed text)."""
    squeezed = _squeeze(" ".join(printed))
    if len(squeezed) < 20:
        return None
    names = {"last_name": mrz.surname, "first_name": mrz.given_names}
    full, cut = not mrz.fields["names"].endswith(FILLER), not mrz.fields["names"].endswith(FILLER * 2)
    disagree = [name for name, value in names.items() if value and not _printed_name_agrees(
        value, next(v or "" for k, v in names.items() if k != name), printed, full=full, cut=cut)]
    number = _squeeze(mrz.document_number or "")
    if number and number not in squeezed and _printed_near(mrz, number, " ".join(printed).split()):
        disagree.insert(0, "document_number")
    return disagree


def _printed_names(line: str) -> list[tuple[str, bool]]:
    """The words of a printed line, squeezed, each with whether it is printed in capitals as
    name fields are (a caption's ``Surname / Nom`` or a signature's ``Anna Maria Eriksson`` is
    not); a word with digits (``12 AUG 74``) is no name's."""
    words = []
    for word in re.split(r"[\s\-/,.;:]+", line):
        squeezed = _squeeze(word)
        if squeezed and not any(c.isdigit() for c in word):
            words.append((squeezed, word == word.upper()))
    return words


def _printed_name_agrees(value: str, other: str, printed: list[str], *, full: bool, cut: bool) -> bool:
    """Does a printed line spell the MRZ name ``value`` in whole words, and no other name words?

    The zone's name carries no check digit, and a name word the engine lost or cut (``OE``
    read ``E``, ``MARIE<C`` read ``MARIE<<``) still sits inside the printed text: only whole
    printed words tell.  Print spelling it from a word's middle (``E`` of ``OE``) disagrees, and
    so does a line holding more capital words than the name and the zone's ``other`` name (a
    line may print both: ``ERIKSSON, ANNA MARIA``) when the zone had room for them (``full``: a
    names field ending without filler is cut, as ICAO truncates long names, and its last word
    may be a printed word's start).  A field ending in one filler (``cut``) may have been cut at
    the filler after a name word (``...<JEAN<`` of ``JEAN-PIERRE``): more printed words may follow.
    """
    want, rest_ok = _squeeze(value), ("", _squeeze(other))
    for line in printed:
        words = _printed_names(line)
        for start in range(len(words)):
            spelled = ""
            for end in range(start, len(words)):
                spelled += words[end][0]
                if spelled == want or full and spelled.startswith(want) and len(spelled) - len(words[end][0]) < len(want):
                    extra = "".join(w for k, (w, caps) in enumerate(words) if caps and not start <= k <= end)
                    if cut or extra in rest_ok:
                        return True
                    break
                if len(spelled) >= len(want):
                    break
    return False


def _printed_as(printed: list[str], mrz: Mrz) -> bool:
    """Does a printed word read exactly the MRZ's document number?  Print is a reading
    independent of the zone's, so it confirms a repair the check digit alone could not choose."""
    number = _squeeze(mrz.document_number or "")
    return bool(number) and any(normalise(word) == number for word in " ".join(printed).split())


def _printed_near(mrz: Mrz, number: str, words: list[str]) -> bool:
    """Is a printed word shaped like another document number (about its length, digits in it,
    or the MRZ's number itself with look-alikes read otherwise: an all-letter ``OIODEFEQI``)?

    The check digit guards the MRZ's number; print that merely lacks it (its line unread)
    says nothing against it, print that shows another number does.  Print reading some of the
    number's letters as digits (``L31659809`` for ``L316598O9``), as the engine misreads, in a way
    the number's check digit rules out is a misreading of it, not another number: the check
    decides.  A letter print shows where the zone has a digit is no such misreading.
    """
    for word in words:
        w = _squeeze(word)
        if digits_for_letters(w, number) and breaks_a_check(mrz, w):
            continue
        if abs(len(w) - len(number)) <= 2 and sum(c.isdigit() for c in w) >= 2 or same_shapes(w, number):
            return True
    return False


def _merge_visual(row: _Row, visual: LicenceFields, *, strongest: str | None) -> list[str]:
    """Add printed fields; return the compared fields where they contradict ``strongest``."""
    disagree = []
    for name, value in visual.values.items():
        if name not in FIELD_NAMES:
            continue
        if strongest and row.source.get(name) == strongest and name in _COMPARED:
            if _squeeze(value) != _squeeze(row.values[name]):
                disagree.append(name)
            continue
        row.put(name, value, visual.confidence.get(name, 0.0), "visual")
    return disagree


def _reads_as_receipt(response: Mapping[str, Any]) -> bool:
    id_cues, receipt_cues = cue_scores(response)
    return receipt_cues > id_cues


def parse_identity(response: Mapping[str, Any], *, barcode: str | None = None,
                   run_date: dt.date) -> ParsedIdentity:
    """Parse one identity document's DetectText response (and barcode text, when read)."""
    row = _Row()
    reasons: list[str] = []
    mrz = find_mrz(response)
    fields_agree: bool | None = None
    if mrz is not None:
        fields_agree = _read_mrz_document(row, reasons, response, mrz, run_date)
    elif not barcode and _reads_as_receipt(response):
        reasons.append("not an identity document (no MRZ or barcode; the text reads as a receipt)")
    else:
        fields_agree = _read_licence(row, reasons, response, barcode, run_date)
        if has_mrz_marks(response):
            _given_names_in_one(row)
            # The zone that would prove the printed fields is there but unread: every field
            # taken from print instead is unverified (print labels vary by country and language).
            unverified = [k for k in KEY_FIELDS if row.source.get(k) == "visual"]
            reasons.append("mrz unreadable" + (", printed fields unverified: " + ",".join(unverified)
                                               if unverified else ""))
    _review_key_fields(row, reasons)
    return ParsedIdentity(_ids_row(row, reasons, mrz, fields_agree, run_date))


def _given_names_in_one(row: _Row) -> None:
    """Print's given names as one ``first_name``, as the MRZ gives them, on a document with a zone.

    The licence reading splits given names into first and middle (AAMVA's fields); a passport,
    ID card or visa prints one field, and its rows must not change shape with the zone's legibility.
    """
    if row.source.get("first_name") == "visual" and row.source.get("middle_name") == "visual":
        row.values["first_name"] = f"{row.values['first_name']} {row.values.pop('middle_name')}"
        row.conf["first_name"] = min(row.conf["first_name"], row.conf.pop("middle_name"))
        del row.source["middle_name"]


def _read_mrz_document(row: _Row, reasons: list[str], response: Mapping[str, Any], mrz: Mrz,
                       run_date: dt.date) -> bool | None:
    """Fields from the MRZ; returns whether the printed zone agrees (None: no printed text).

    ``mrz_code`` is the zone's text, so a field read from it in doubt (a guessed repair, print
    reading otherwise) puts the whole text in doubt too: it drops under the review level.
    """
    printed = _printed_lines(response, mrz)  # number_from_print keeps the raw lines: still the printed zone
    printed_words = " ".join(printed).split()
    mrz = rival_print_shows(number_from_print(mrz, printed_words), printed_words)
    read = mrz
    mrz = explain_lookalikes(names_from_print(mrz, printed), LOW_CONFIDENCE)
    apart = codes_a_lookalike_apart(mrz)
    mrz = state_print_names(mrz, printed, apart)
    _from_mrz(row, mrz, run_date)
    respelt = [name for name, before, after in (("last_name", read.surname, mrz.surname),
                                                ("first_name", read.given_names, mrz.given_names)) if before != after]
    if respelt:
        reasons.append("mrz names respelt as printed (one letter): " + ",".join(respelt))
    if not mrz.valid:
        reasons.append("mrz checks failed: " + ",".join(mrz.failed))
    doubted = bool("document_number" in mrz.guessed and "document_number" in row.conf
                   and not _printed_as(printed, mrz))
    if doubted:
        row.conf["document_number"] = min(row.conf["document_number"], LOW_CONFIDENCE)
        reasons.append("mrz check digit passed only by a guessed repair: document_number")
    # Print is read by the same engine, which reads O as 0 and I as 1 there too: it settles no
    # rival, but a letter it shows is one (the engine reads no digit as a letter).
    rivalled = not doubted and "document_number" in row.conf and bool(lookalike_rivals(mrz, printed_words))
    if rivalled:
        row.conf["document_number"] = min(row.conf["document_number"], LOW_CONFIDENCE)
        reasons.append("mrz check digits pass another reading of look-alikes (O/0, I/1) too: document_number")
    doubted = doubted or rivalled
    coded = "document_code" in mrz.guessed
    if coded:
        reasons.append("mrz document code read as no card code, taken as I: mrz_code")
    countries = row.doubt([name for name in ("issuing_country", "nationality") if name in mrz.guessed
                           and name in row.conf], reasons, "mrz country code read as none, taken as the other country field")
    near = row.doubt([name for name in apart if name in row.conf], reasons,
                     "mrz country code one look-alike letter (H/I, N/Z) from the other country field")
    coded = coded or countries or near
    disagree = _mrz_visual_disagreements(printed, mrz)
    if disagree:
        reasons.append("printed zone disagrees with mrz on: " + ",".join(disagree))
    lone = row.doubt(_lone_k_or_c(row, mrz) if disagree is None else [], reasons,
                     "mrz name holds a lone K or C no print confirms (an initial, or a filler misread)")
    if (doubted or disagree or respelt or coded or lone) and "mrz_code" in row.conf:
        row.conf["mrz_code"] = min(row.conf["mrz_code"], INVALID_MRZ_CONFIDENCE)
    return None if disagree is None else not (disagree or respelt)


def _lone_k_or_c(row: _Row, mrz: Mrz) -> list[str]:
    """The name fields whose zone names hold a one-letter word K or C.  The zone keeps a lone K
    or C one filler after a name word as a letter (an initial; ``MARIE<C``, a given name the
    field's end cut), but OCR also reads a filler as K or C there (``MARIA<K``).  Print tells the
    two apart; with no print read, nothing does, and names carry no check digit."""
    names = {"last_name": mrz.surname, "first_name": mrz.given_names}
    return [name for name, value in names.items()
            if value and name in row.conf and re.search(r"(?<!\S)[KC](?!\S)", value)]


def _read_licence(row: _Row, reasons: list[str], response: Mapping[str, Any], barcode: str | None,
                  run_date: dt.date) -> bool | None:
    """Fields from the barcode, then the printed ones; returns whether print agrees with the barcode.

    None when there is nothing to compare: no barcode with a document number, or no
    compared field printed.
    """
    strongest = None
    if barcode:
        record = parse_aamva(barcode)
        for name, value in record.fields.items():
            row.put(name, value, 99.0, "barcode")
        if record.errors:
            reasons.append("barcode elements unreadable: " + ",".join(sorted(record.errors)))
        strongest = "barcode" if record.fields.get("document_number") else None
    visual = parse_licence(response, run_date=run_date)
    disagree = _merge_visual(row, visual, strongest=strongest)
    if not (strongest and any(n in visual.values for n in _COMPARED)):
        return None
    if disagree:
        reasons.append("printed fields disagree with barcode on: " + ",".join(disagree))
    return not disagree


def _review_key_fields(row: _Row, reasons: list[str]) -> None:
    """Review reasons for key fields that are missing or read with low confidence."""
    found = [k for k in KEY_FIELDS if k in row.values]
    if not found:
        if not reasons:
            reasons.append("no identity fields found (no MRZ, barcode or labelled licence fields)")
        return
    missing = [k for k in KEY_FIELDS if k not in row.values]
    if missing:
        reasons.append("missing: " + ",".join(missing))
    low = [k for k in found if row.conf[k] < LOW_CONFIDENCE and row.source[k] != "mrz"]
    if low:
        reasons.append("low confidence: " + ",".join(low))


def _ids_row(row: _Row, reasons: list[str], mrz: Mrz | None, fields_agree: bool | None,
             run_date: dt.date) -> dict[str, object]:
    """The ``ids`` row: every field with its confidence and source, then the verdicts."""
    expiry = row.values.get("expiration_date")
    fields: dict[str, object] = {}
    for name in FIELD_NAMES:
        fields[name] = row.values.get(name)
        fields[f"{name}_confidence"] = row.conf.get(name)
        fields[f"{name}_source"] = row.source.get(name)
    if fields["id_type"] is None:
        fields["id_type"], fields["id_type_confidence"] = "unknown", 0.0
    fields.update(
        mrz_valid=mrz.valid if mrz is not None else None,
        mrz_failed_checks=",".join(mrz.failed) or None if mrz is not None else None,
        expired=(expiry < run_date) if isinstance(expiry, dt.date) else None,
        fields_agree=fields_agree,
        needs_review=bool(reasons),
        review_reason="; ".join(reasons) or None,
    )
    return fields

"""US driver licences and state ID cards read from their printed (visual) fields.

State layouts differ, but they share a vocabulary: word labels (``DOB``, ``EXP``, ``ISS``,
``DL``/``LIC#``, ``LN``/``FN``, ``CLASS``, ``REST``, ``END``, ``SEX``) and, since the 2005
AAMVA card design standard, numbered labels (``1`` family name, ``2`` given names,
``3`` birth date, ``4a`` issue, ``4b`` expiry, ``4d`` number, ``8`` address, ``9`` class,
``9a`` endorsements, ``12`` restrictions, ``15`` sex...).  OCR glues labels to values
(``LNSAMPLE``, ``DOB08/31/1977``) or puts them on their own line above the value, so a
label's value is looked for inline first, then to its right, then below it (geometry
from :func:`docbatch.parse.layout.visual_rows`).  Fields no label names (a name block
above the street line, dates with lost labels) fall back to the card's structure: the
name lines sit above the street and city lines; the birth date is the earliest date,
the expiry the latest.  Those fallbacks carry a lower confidence.

The steps live beside this module: :mod:`.licence_segments` (the text and its geometry),
:mod:`.licence_vocabulary` (what a label is), :mod:`.licence_labels` (labels and their
values), :mod:`.licence_fields` (the result and per-field cleaning) and
:mod:`.licence_structure` (fields from the card's structure).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Mapping

from .licence_checks import (NAME_CAPTIONS, card_state, check_name_shapes, check_names, check_number, check_signed,
                             number_accepts, restore_seam_letter, state_header, strip_caption_remnant)
from .licence_fields import LicenceFields
from .licence_labels import Label, fill_from_labels, find_labels
from .licence_number_print import check_print
from .licence_numbers import number_fits
from .licence_segments import Segment, read_segments
from .licence_structure import (FALLBACK_CONFIDENCE, address_block, block_above, fallback_dates, fallback_number,
                                fill_names, mixed_case_rows, printed_signatures, signature_rows, signature_sequences,
                                signature_words, street_text)
from .names import split_glued_given, split_glued_initial
from .us_states import STATES, state_name_in


def _letters(label: Label) -> str:
    return re.sub(r"[^A-Z]", "", label.seg.text[label.start:label.end])


def parse_licence(response: Mapping[str, Any], *, run_date: dt.date) -> LicenceFields:
    """Read a licence's printed fields; values are typed, confidences 0..100."""
    out = LicenceFields()
    segs = read_segments(response)
    if not segs:
        return out
    labels = find_labels(segs)
    numbered = sum(1 for lab in labels if lab.numbered) >= 2
    probe = LicenceFields()  # the state is needed before the fields are read: a dry read of the city line
    state = card_state(segs, address_block(segs, probe), str(probe.values.get("state_in_address") or ""))
    used = fill_from_labels(segs, labels, out, run_date, accept={"document_number": number_accepts(state)},
                           own_format=(lambda v: bool(number_fits(state, str(v)))) if state else None)
    city = address_block(segs, out)
    names: list[Segment] = []
    if city is not None:
        used.add(id(city))
        label_segs = {id(lab.seg) for lab in labels
                      if lab.field not in ("address", "last_name", "first_name")
                      and not re.fullmatch(r"[\d\s.:]+", lab.seg.text[lab.start:lab.end])}
        captions = {id(lab.seg) for lab in labels
                    if not (lab.seg.text[:lab.start] + lab.seg.text[lab.end:]).strip(" .:#")}
        names, street = block_above(segs, city, label_segs, captions=captions)
        used.update(id(s) for s in names + street)
        if street and ("address" not in out.values or any(str(out.values["address"]) in s.text for s in street)):
            out.values.pop("address", None)
            out.put("address", street_text(street, numbered), min(s.confidence for s in street))
    if any(out.origin.get("restrictions") == id(s) for s in names):
        del out.values["restrictions"], out.confidence["restrictions"]  # "1,2" read as "12": a name line
    if "document_number" not in out.values:
        fallback_number(segs, used | {id(lab.seg) for lab in labels if lab.field != "document_number"}, out, numbered,
                        fits=number_accepts(state) if state else None,
                        # A name's label leaves its row to the number: a name holds no digit groups
                        # (``0LN V08 933 896 4``: ``DLN`` read as the family name's ``LN``).
                        before_label={id(lab.seg): lab.start for lab in reversed(labels)
                                      if lab.field not in ("first_name", "last_name")},
                        captioned=any(lab.numbered for lab in labels))
    mixed = mixed_case_rows(response)
    signed = signature_words(mixed)
    fill_names(out, names, signature_rows(mixed))
    strip_caption_remnant(out, {lab.field for lab in labels},
                          {lab.field for lab in labels if NAME_CAPTIONS.get(lab.field) == _letters(lab)}, signed,
                          # A row of one letter (``r``, a small caption read in lower case) opens no signature.
                          {words[0] for words in signature_sequences(mixed) if any(len(w) >= 2 for w in words)})
    restore_seam_letter(out, {lab.field for lab in labels if NAME_CAPTIONS.get(lab.field) == _letters(lab)
                              and lab.seg.text[lab.end:lab.end + 1].isalpha()}, signed)
    first = str(out.values.get("first_name") or "")
    if first and "middle_name" not in out.values:
        last = str(out.values.get("last_name") or "")
        given, middle = split_glued_given(first, last, signed)
        if not middle:
            given, middle = split_glued_initial(first, last, signature_sequences(mixed))
        if middle:
            out.values["first_name"] = given
            out.put("middle_name", middle, out.confidence["first_name"])
    check_names(out, signed)
    check_signed(out, printed_signatures(mixed))
    check_name_shapes(out)
    check_number(out, state)
    check_print(out, segs, labels, state)
    fallback_dates(segs, labels, out, run_date)
    text = " ".join(s.text for s in segs)
    if "VETERAN" in text:
        out.put("veteran", "VETERAN", 90.0)
    header = state_header(segs, city, str(out.values.get("state_in_address") or ""))
    if header is not None:
        out.put("state_name", state_name_in(header.text), header.confidence)
    if "state_name" not in out.values and out.values.get("state_in_address") in STATES:
        out.put("state_name", STATES[str(out.values["state_in_address"])], out.confidence["state_in_address"] * FALLBACK_CONFIDENCE)
    if re.search(r"PASSPORT", text):
        out.put("id_type", "passport", 60.0)
    elif re.search(r"IDENTIFICATION\s*CARD|\bID\s*CARD", text):
        out.put("id_type", "id_card", 80.0)
    elif re.search(r"DRIVER|LICEN[CS]E|OPERATOR|PERMIT", text):
        out.put("id_type", "drivers_license", 90.0)
    return out


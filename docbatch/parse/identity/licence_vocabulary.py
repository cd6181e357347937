"""The vocabulary of US licence labels: word labels, AAMVA field numbers, label spellings.

Word labels (``DOB``, ``EXP``, ``ISS``, ``DL``/``LIC#``, ``LN``/``FN``, ``CLASS``, ``REST``,
``END``, ``SEX``) and, since the 2005 AAMVA card design standard, numbered labels (``1``
family name, ``2`` given names, ``3`` birth date, ``4a`` issue, ``4b`` expiry, ``4d``
number, ``8`` address, ``9`` class, ``9a`` endorsements, ``12`` restrictions, ``15``
sex...).  Passports, ID cards and visas print worded captions too (``Surname / Nom``, ``Date of
expiry``), read when their MRZ is not.  Where labels are found on a card is :mod:`.licence_labels`.
"""

from __future__ import annotations

import re
import unicodedata

WORD_LABELS: list[tuple[str, str]] = [
    ("document_number", r"DL\s*N[O0]\.?|DLN|DL\s*#|DL|LIC(?:ENSE)?\s*(?:N[O0]\.?|#)|LICENSE\s*NUMBER|LIC\.?"
                        r"|IDN|ID\s*(?:N[O0]\.?|#)|CREDENTIAL\s*IDENTIFIER|CUSTOMER\s*(?:N[O0]\.?|ID)|NUMBER|N[O0]\.|N[O0]:"),
    ("date_of_birth", r"D\.?\s*O\.?\s*B\.?|D\.?\s*[O0]{1,2}\.?\s*[B8]\.?(?=[^\d-]|\d{1,2}[/.-]|$)|DATE\s*OF\s*BIRTH|BIRTH\s*DATE"),
    ("expiration_date", r"EXPIRATION\s*DATE|EXPIRATION|EXPIRES|DATE\s*OF\s*EXPIRY|EXPIRY\s*DATE|EXPIRY|EXP"),
    ("date_of_issue", r"ISSUE\s*DATE|DATE\s*OF\s*ISSUE|ISSUED|[I1l]S[S5]"),
    ("last_name", r"LN|FAMILY\s*NAME|LAST\s*NAME|SU(?:RN|M)AME|NAME"),  # "rn" read "m": SUMAME
    ("first_name", r"FN|GIVEN\s*NAMES?|FIRST\s*NAME"),
    ("address", r"ADDRESS"),
    ("class", r"CLASS|CL"),
    ("endorsements", r"ENDORSEMENTS?|ENDORSE|END|EN"),
    ("restrictions", r"RESTRICTIONS?|RESTR|RSTR|REST\.?|RES|RE"),
    ("sex", r"SEX|GENDER"),
    ("_other", r"HGT|HEIGHT|WGT|WEIGHT|EYES|HAIR|DD|REV|REPLACED|DONOR"),
]
#: Labels that must stand apart (short, or common word starts) unless a number precedes them.
NEEDS_BOUNDARY = {"CL", "EN", "RE", "RES", "NUMBER", "NO.", "NO:", "N0.", "N0:", "LIC", "LIC.", "END", "DD", "REV"}
NUMBERED: dict[str, str] = {
    "1": "last_name", "2": "first_name", "3": "date_of_birth", "4A": "date_of_issue",
    "4B": "expiration_date", "4D": "document_number", "5": "_other", "8": "address", "9": "class",
    "9A": "endorsements", "12": "restrictions", "15": "sex", "16": "_other", "17": "_other",
    "18": "_other", "19": "_other",
}
#: The same captions in French and Spanish, printed after the English one on passports, ID
#: cards and visas (``Surname / Nom``, ``Date of birth / Date de naissance``): ICAO 9303
#: asks for the issuing state's language and one of English, French or Spanish.
TRANSLATIONS = (r"NOMS?|PRENOMS|APELLIDOS?|NOMBRES?|DATE\s*DE\s*NAISSANCE|FECHA\s*DE\s*NACIMIENTO"
                r"|DATE\s*D\W?\s*EXPIRATION|FECHA\s*DE\s*(?:CADUCIDAD|VENCIMIENTO|EXPIRACION)"
                r"|DATE\s*DE\s*DELIVRANCE|FECHA\s*DE\s*EXPEDICION|SEXE|SEXO|NATIONALITE|NACIONALIDAD"
                r"|N[O0]\.?\s*DU\s*(?:PASSEPORT|DOCUMENT)|N[O0]\.?\s*DE\s*(?:PASAPORTE|DOCUMENTO)")
#: A label, its AAMVA number before it and its punctuation after it (``#`` read ``=`` at low
#: resolution: ``LIC= 3455 7111 3204``).
WORD_RE = re.compile(
    r"(?<![A-Z0-9])(?P<num>\d{1,2}[ABD]?|[GQ]A(?=\s*E)|^[IL](?=[.\s]*(?:FAMILY|GIVEN|ADDRESS|LAST|FIRST)))?[.\s]*(?P<word>"
    + "|".join(f"(?P<{name.strip('_')}{i}>{pattern})" for i, (name, pattern) in enumerate(WORD_LABELS))
    + rf")(?P<also>(?:\s*/\s*(?:{TRANSLATIONS})(?![A-Z]))*)(?P<tail>[.:#=\s]*)"
)
#: Each field's label words alone (``DLN``, ``ISS``), to try where a field number's letter may also
#: be the word's first (``4DLN``: ``4d DLN`` with one ``D`` read for both).
FIELD_WORDS: dict[str, re.Pattern[str]] = {name: re.compile(pattern) for name, pattern in WORD_LABELS}
#: A caption with its AAMVA field number, nothing between them (``4AISS``, ``9CLASS``, ``15SEX``): what
#: OCR glues onto the end of a number printed just before it on the row.
NUMBERED_CAPTION = re.compile("|".join(f"{num}(?:{FIELD_WORDS[name].pattern})"
                                       for num, name in sorted(NUMBERED.items(), key=lambda kv: -len(kv[0]))))
NUM_ONLY_RE = re.compile(r"^(?P<num>4[ABD]|9A|1[25-9]|[12358])(?:[.:\s]*$|[.:\s]+(?=\S)|(?=[A-Z]))")
#: Long label words restored when OCR misreads one or two letters (``ENDORSEMENTE``).
_LABEL_WORDS = ("ENDORSEMENTS", "ENDORSEMENT", "RESTRICTIONS", "RESTRICTION", "EXPIRATION", "EXPIRES",
                "ADDRESS", "ISSUED", "LICENSE")


def label_word(word: str) -> str:
    """``word`` as the long label word it misreads (same length, one or two letters off).

    An AAMVA field number read as a letter (``1.`` as ``L``, ``8.`` as ``L``) may lead the
    word; it is kept, and the label found after it (``LADORESS`` -> ``LADDRESS``).
    """
    for head, body in ((word[:0], word), (word[:1], word[1:])):
        for label in _LABEL_WORDS:
            if len(label) == len(body) and body != label:
                if sum(a != b for a, b in zip(body, label)) <= (2 if len(body) >= 10 else 1):
                    return head + label
    return word


def unaccented(text: str) -> str:
    """``text`` with accented Latin letters as bare ones, one for one (``LICEÑSE`` -> ``LICENSE``).

    For finding labels only: the recogniser puts accents on label letters, and a label
    word with one is not found; values keep theirs (``GARCÍA`` is printed so).
    """
    return "".join(_bare(c) for c in text)


def _bare(char: str) -> str:
    base = unicodedata.normalize("NFKD", char)[:1]
    return base if char.isalpha() and base.isascii() and base.isalpha() else char

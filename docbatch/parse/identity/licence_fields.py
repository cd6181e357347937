"""The fields read from a licence, and how a candidate text becomes a field's value.

Cleaning is per field: dates as US dates (see :mod:`.us_dates`) or with the month's name,
a licence number as its first token, ``M``/``F``, short class/endorsement/restriction codes,
names without digits, a street line opening with a house number.  Anything else is no value (``None``), and the
caller looks further.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..dates import find_dates
from .names import letters_for_digits
from .licence_vocabulary import NUMBERED_CAPTION
from .us_dates import us_date

#: What is left of a "LIC NO." / "NO." label glued to a number by a low-resolution read:
#: LIC, LC, LICENSE, then an optional N/NO; or NO before a letter-and-digits number.
_NUMBER_LABEL_REMNANT = re.compile(r"^(?:L[I1]?C(?:EN[CS]E)?[.:#\s]*(?:N?[O0])?|N[O0](?=[.:#\s]*[A-Z]?\d))[.:#\s]*")
#: A word holding a slash-separated date, with whatever is glued to it (``300808/26/1968``: the
#: ``3 DOB`` caption read as digits before ``08/26/1968``).  No licence number prints a slash.
_DATE_WORD = re.compile(r"\S*\d{1,2}/\d{1,2}/\d{2,4}\S*")


@dataclass
class LicenceFields:
    """Values read from a licence, their confidences (0..100) and the segment each came from.

    ``put`` keeps the first value given for a field; a step that knows better removes it first.
    """

    values: dict[str, object] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    origin: dict[str, int] = field(default_factory=dict)  # field -> id of the segment read

    def put(self, name: str, value: object, confidence: float) -> None:
        if value in (None, "") or name in self.values:
            return
        self.values[name] = value
        self.confidence[name] = round(max(0.0, min(100.0, confidence)), 2)


def label_remnant(text: str) -> str:
    """What is left of a number's label at the start of ``text`` (``LCNO`` of ``LCNOP142...``), or ``""``."""
    m = _NUMBER_LABEL_REMNANT.match(text.replace("-", "").strip())
    return m.group(0) if m else ""


def clean_number(value: str) -> str | None:
    """A licence number: the first token (digit groups split by spaces or dashes joined).

    A label blurred into its number (``LICV007989``, ``LCNOP142...``, ``NOT1234...``)
    loses the label's remnant first.  A word holding a date is the date's, never the number's:
    its digits joined to the date's (``3008 06/10/1958`` read ``300806``) are another row's.
    """
    tokens = _NUMBER_LABEL_REMNANT.sub("", _without_dates(value).replace("-", "").strip()).split()
    if not tokens:
        return None
    token = tokens[0]
    for nxt in tokens[1:]:
        if len(token) >= 6 or not nxt.isdigit():
            break
        token += nxt
    token = re.split(r"[^A-Z0-9]", token)[0]
    if 5 <= len(token) <= 16 and sum(c.isdigit() for c in token) >= 3:
        return token
    return None


def _without_dates(value: str) -> str:
    """``value`` with its date words (see ``_DATE_WORD``) blanked, so no reading joins their digits."""
    return _DATE_WORD.sub(" ", value)


def number_readings(value: str, *, strip_label: bool = True, any_shape: bool = False) -> list[str]:
    """Every reading of a licence number in ``value``: :func:`clean_number`'s first, then the
    joins of its first one to five space-separated groups (``123 456 789`` is one number on
    some cards, a number and another field's digits on others: the state's format decides),
    each also cut before what another field glued on after its digits: a label, one letter, or
    a caption with its field number (``...1234AISS``: ``...123`` then ``4a ISS``).

    ``strip_label=False`` keeps what looks like a label's remnant (``N078...`` is New York's
    letter and digits, not ``NO`` glued to a number); ``any_shape`` drops the usual shape of a
    number (five characters, three digits) for a reading the state's own format vouches for
    (Kansas ``K1Z2A``, New York's eight letters, Delaware's one to seven digits).
    """
    first = clean_number(value) if strip_label else None
    out = [first] if first else []
    text = _without_dates(value).replace("-", "").strip()
    tokens = (_NUMBER_LABEL_REMNANT.sub("", text) if strip_label else text).split()
    for k in range(1, min(5, len(tokens)) + 1):
        token = re.split(r"[^A-Z0-9]", "".join(tokens[:k]))[0]
        # A neighbouring label glued after the digits (``...04736CLASSC``), or the value of a label
        # printed over the number's end (``J477...168D``: class ``D``): the part before it too.
        glued = re.match(r"^(.*?\d)(?=[A-Z]{2,}[A-Z0-9]*$)|^(.*\d)(?=[A-Z]$)", token)
        # The next caption glued on with its field number (``...1234AISS``: ``...123`` and ``4a ISS``).
        caption = re.match(rf"^(.*?\d)(?={NUMBERED_CAPTION.pattern})", token)
        for reading in (token, glued.group(glued.lastindex or 1) if glued else "", caption.group(1) if caption else ""):
            shaped = 5 <= len(reading) <= 19 and sum(c.isdigit() for c in reading) >= 3
            if (shaped or any_shape and reading) and reading not in out:
                out.append(reading)
    return out


def month_name_date(value: str) -> dt.date | None:
    """A date printed with its month's name and a four-digit year (``08 APR 2002``), as passports,
    ID cards and visas print theirs: no order to guess, unlike ``08/04/2002``."""
    for cand in find_dates(value, pivot_year=2100, min_year=1900):
        span = value[cand.start:cand.end]
        if not cand.ambiguous and re.search(r"[A-Z]{3}", span) and re.search(r"\d{4}", span):
            return next(iter(cand.readings.values()))
    return None


def clean_value(fld: str, value: str, run_date: dt.date) -> object | None:
    """The value of field ``fld`` in ``value``, cleaned and typed; None when it holds none."""
    if fld in ("date_of_birth", "expiration_date", "date_of_issue"):
        return us_date(value, compact=True, birth=fld == "date_of_birth", run_date=run_date) or month_name_date(value)
    if fld == "document_number":
        return clean_number(value)
    if fld == "sex":
        m = re.match(r"^([MF])\b|^([MF])(?=[^A-Z]|$)", value)
        return (m.group(1) or m.group(2)) if m else None
    if fld in ("class", "endorsements", "restrictions"):
        token = value.split(" ")[0] if value else ""
        return token if token and (token == "NONE" or len(token) <= 4) else None
    if fld in ("last_name", "first_name"):
        value = letters_for_digits(value)
        name = re.sub(r"[^\w ,.'-]|[\d_]", "", value).strip(" ,.")
        return name if len(name.replace(" ", "")) >= 1 and not any(c.isdigit() for c in value) else None
    if fld == "address":
        return value if re.match(r"^\d+\s*[A-Z]", value) else None
    return None

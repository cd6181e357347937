"""A rival reading of a licence number on the row it was found on, where no label named it.

Without its label, the number is the first reading on a row that fits the state's format
(:func:`.licence_structure.fallback_number`).  Where a variable-length format takes more than one
reading of the row (Wyoming prints 9 or 10 digits), the first can win narrowly over a rival that
starts a token later: ``4 4104 9697 28``, the ``4d`` caption's field number left alone when its
``DLN`` was not read, gives ``441049697``, which fits and leaves the ``28`` out, while the rival
``4104969728`` fits as well and spells every digit group after the ``4``.  Nothing on the row
tells them apart for sure, so the number is in doubt either way; a lone digit opening the row is
a caption's field number (a number's groups are of three or four digits, only its last group
shorter), so the rival spelling every group after it is taken.
"""

from __future__ import annotations

import re
from typing import Callable

from .licence_fields import number_readings


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def rival_reading(tokens: list[str], number: str, fits: Callable[[object], bool]) -> str | None:
    """The longest reading starting after ``tokens[0]`` that fits the state's format (``fits``),
    is of the usual length (seven characters or more) and spells digits ``number`` (read from
    ``tokens``' start) does not hold, else None."""
    held = _digits(number)
    for j in range(1, len(tokens)):
        fitting = [r for r in number_readings(" ".join(tokens[j:j + 5]))
                   if fits(r) and len(r) >= 7 and _digits(r) not in held]
        if fitting:
            return max(fitting, key=len)
    return None


def after_lone_digit(tokens: list[str], rival: str) -> bool:
    """Does ``rival`` spell every digit after a lone digit opening ``tokens`` (see the module doc)?"""
    return bool(re.fullmatch(r"\d", tokens[0])) and _digits(rival) == _digits(" ".join(tokens[1:]))

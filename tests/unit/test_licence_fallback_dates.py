"""Dates taken from the card's structure (no label beside them) are flagged unless the card confirms them.

The fallback reads the earliest free date as the birth date and the latest as the expiry.  When
the field's own label was read but no date beside it, the date that *was* there is gone and the
fallback's pick is another field's date as likely as not: it is in doubt (below review level)
unless the card confirms it.  Most US states expire a licence on the holder's birthday, so a
birth date and an expiry that share month and day, decades apart, confirm each other: two reads
of the same month and day, and the order a card prints.  Each card is the local engine's reading
of a low-resolution copy of a shared licence sample (``evals.ids --degrade lowres``, tuned
states), ``(text, confidence, left, top, width, height)``.
"""

from __future__ import annotations

import datetime as dt

from ..support.licences import REVIEW, read_card

RUN = dt.date(2026, 12, 3)

#: Hawaii: ``3.DOB`` read with nothing beside it (the date lost but ``98``), the issue date
#: 02/17/2010 read alone at the top, the expiry cut to ``02/21/201``.
_HAWAII = [
    ('Hawaii', 100.0, 0.021, 0.004, 0.341, 0.176),
    ('DRIVER', 100.0, 0.406, 0.037, 0.121, 0.057),
    ('USA', 100.0, 0.879, 0.025, 0.067, 0.070),
    ('LICENSE', 100.0, 0.401, 0.086, 0.142, 0.061),
    ('02/17/2010', 100.0, 0.119, 0.168, 0.158, 0.061),
    ('4d.', 100.0, 0.315, 0.275, 0.049, 0.061),
    ('H00000000', 99.7, 0.375, 0.287, 0.339, 0.107),
    ('VETERAN', 100.0, 0.742, 0.266, 0.134, 0.057),
    ('4b.Exp:', 99.9, 0.313, 0.393, 0.160, 0.098),
    ('02/21/201', 99.9, 0.481, 0.393, 0.207, 0.098),
    ('16.Ht:', 99.8, 0.814, 0.385, 0.085, 0.057),
    ('5-02', 99.9, 0.922, 0.385, 0.054, 0.057),
    ('17.WI:120', 30.9, 0.806, 0.447, 0.165, 0.057),
    ('3.DOB', 99.5, 0.326, 0.488, 0.134, 0.078),
    ('98', 100.0, 0.659, 0.504, 0.039, 0.061),
    ('18.Eye:BRO', 99.1, 0.809, 0.516, 0.173, 0.053),
    ('5.20', 100.0, 0.339, 0.574, 0.052, 0.053),
    ('15.', 99.9, 0.809, 0.578, 0.044, 0.053),
    ('Sex:F', 99.5, 0.860, 0.578, 0.075, 0.053),
    ('Tena', 97.7, 0.346, 0.680, 0.119, 0.131),
    ('Somple', 94.4, 0.494, 0.660, 0.191, 0.152),
    ('9.CI:', 45.1, 0.811, 0.652, 0.065, 0.053),
    ('3', 99.9, 0.897, 0.652, 0.013, 0.053),
    ('9a.En:NONE', 87.2, 0.817, 0.701, 0.155, 0.049),
    ('12.Re:A', 92.1, 0.814, 0.750, 0.096, 0.049),
    ('1.', 100.0, 0.078, 0.795, 0.028, 0.057),
    ('SAMPLE', 100.0, 0.114, 0.795, 0.114, 0.057),
    ('0', 78.1, 0.000, 0.930, 0.031, 0.061),
    ('2.', 100.0, 0.078, 0.844, 0.026, 0.057),
    ('TINA,', 98.5, 0.114, 0.844, 0.072, 0.057),
    ('A', 99.8, 0.196, 0.844, 0.016, 0.057),
    ('8.', 100.0, 0.075, 0.893, 0.034, 0.049),
    ('123', 100.0, 0.111, 0.893, 0.049, 0.049),
    ('ANYSTREET', 98.5, 0.168, 0.893, 0.168, 0.049),
    ('ANYCITY,', 99.9, 0.114, 0.943, 0.137, 0.049),
    ('AA', 99.9, 0.253, 0.943, 0.034, 0.049),
    ('00000', 99.7, 0.300, 0.943, 0.080, 0.049),
    ('AHCD', 96.4, 0.876, 0.881, 0.083, 0.057),
    ('DONOR', 100.0, 0.881, 0.939, 0.106, 0.053),
]

#: Illinois: the ``DOB`` caption read ``D:`` (no label), the expiry 11/14/2023 unlabelled below.
_ILLINOIS = [
    ('ILLINOIS', 99.9, 0.075, 0.056, 0.258, 0.090),
    ('Jesse', 99.9, 0.433, 0.051, 0.067, 0.047),
    ('White', 99.9, 0.511, 0.051, 0.062, 0.047),
    ('-', 64.0, 0.581, 0.051, 0.013, 0.047),
    ('Secretary', 100.0, 0.599, 0.051, 0.108, 0.047),
    ('of', 100.0, 0.715, 0.051, 0.027, 0.047),
    ('State', 99.9, 0.750, 0.051, 0.056, 0.047),
    ('USA', 99.5, 0.901, 0.064, 0.040, 0.051),
    ("DRIVER'S", 100.0, 0.449, 0.107, 0.167, 0.056),
    ('LICENSE', 100.0, 0.629, 0.107, 0.159, 0.056),
    ('Federal', 99.7, 0.503, 0.162, 0.086, 0.056),
    ('Limits', 84.3, 0.589, 0.162, 0.073, 0.056),
    ('Apply', 99.8, 0.672, 0.162, 0.065, 0.056),
    ('LcNoP142-4558-7924', 54.6, 0.379, 0.226, 0.363, 0.068),
    ('D:11/14/1987', 54.2, 0.376, 0.291, 0.242, 0.064),
    ('11/14/2023', 99.7, 0.433, 0.346, 0.183, 0.068),
    ('4aiss:01/01/2019', 36.9, 0.720, 0.350, 0.226, 0.060),
    ('PUBLIC', 100.0, 0.379, 0.415, 0.121, 0.060),
    ('20', 52.3, 0.132, 0.479, 0.027, 0.030),
    ('JANEQ', 98.7, 0.374, 0.462, 0.126, 0.060),
    ('1234', 100.0, 0.379, 0.513, 0.062, 0.047),
    ('MAIN', 99.9, 0.454, 0.513, 0.065, 0.047),
    ('STREET', 100.0, 0.532, 0.513, 0.110, 0.047),
    ('SPRINGFIELD,', 99.5, 0.382, 0.551, 0.199, 0.051),
    ('IL', 99.9, 0.581, 0.551, 0.027, 0.051),
    ('62723', 100.0, 0.618, 0.551, 0.081, 0.051),
    ('CLASS:D', 96.9, 0.382, 0.637, 0.099, 0.056),
    ('12RESTNONE', 75.3, 0.355, 0.688, 0.167, 0.056),
    ('END:NONE', 53.8, 0.583, 0.637, 0.132, 0.056),
    ('155EX:F', 61.0, 0.358, 0.778, 0.094, 0.060),
    ('16HOT', 53.8, 0.543, 0.778, 0.070, 0.060),
    ('5\'-06"', 99.6, 0.637, 0.778, 0.075, 0.060),
    ('17WaT145', 70.2, 0.355, 0.829, 0.132, 0.060),
    ('Ibs', 82.7, 0.489, 0.829, 0.046, 0.060),
    ('8EYES:BRN', 45.0, 0.559, 0.829, 0.134, 0.060),
    ('TYPEORG', 99.3, 0.737, 0.838, 0.124, 0.060),
]


def test_a_fallback_date_is_flagged_when_its_label_was_read_with_no_date_beside_it() -> None:
    out = read_card(_HAWAII, run_date=RUN)
    assert out.values["date_of_birth"] == dt.date(2010, 2, 17)  # the issue date: the birth date was not read
    assert out.confidence["date_of_birth"] < REVIEW


def test_a_fallback_birth_date_sharing_month_and_day_with_the_expiry_is_not_flagged() -> None:
    out = read_card(_ILLINOIS, run_date=RUN)
    assert out.values["date_of_birth"] == dt.date(1987, 11, 14)
    assert out.values["expiration_date"] == dt.date(2023, 11, 14)
    assert out.confidence["date_of_birth"] >= REVIEW


def test_a_lost_labels_fallback_date_confirmed_by_the_birthday_is_not_flagged() -> None:
    # The same card had it kept its expiry's last digit and read the birth date where the issue date was.
    swap = {'02/17/2010': '02/21/1984', '02/21/201': '02/21/2018'}
    out = read_card([(swap.get(w[0], w[0]), *w[1:]) for w in _HAWAII], run_date=RUN)
    assert out.values["date_of_birth"] == dt.date(1984, 2, 21)
    assert out.values["expiration_date"] == dt.date(2018, 2, 21)
    assert out.confidence["date_of_birth"] >= REVIEW

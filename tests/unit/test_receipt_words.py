"""OCR damage to known header words is undone; real words one letter from a known word are left alone."""

from __future__ import annotations

import pytest

from docbatch.parse.receipt.words import KNOWN_WORDS, known_reading, repair_place_names, repair_words


@pytest.mark.parametrize(("read", "meant"), [
    ("8ESAR", "BESAR"), ("10T", "LOT"), ("5DN", "SDN"), ("SCLANGOR", "SELANGOR"), ("MALAYSLA", "MALAYSIA"),
    ("BANOAR", "BANDAR"), ("INUAH", "INDAH"), ("HARDWAKE", "HARDWARE"), ("JAIAN", "JALAN"),
])
def test_look_alike_misreads_of_known_words_are_restored(read: str, meant: str):
    assert known_reading(read) == meant


@pytest.mark.parametrize("word", ["PERMAS", "BORONG", "RESTAURANTS", "SUN", "JIN", "ALAN", "81100", "U13", "SS21"])
def test_real_words_and_numbers_near_a_known_word_stay_as_read(word: str):
    assert known_reading(word) is None


def test_case_is_kept_and_the_count_of_repairs_returned():
    assert repair_words("12, Jaian Tampoi 7/4, Taste Of The WorId") == ("12, Jalan Tampoi 7/4, Taste Of The World", 2)
    assert repair_words("NO. 53, JALAN 8ESAR, 45600") == ("NO. 53, JALAN BESAR, 45600", 1)
    assert all(w.isupper() and w.isalpha() for w in KNOWN_WORDS)


@pytest.mark.parametrize("read, meant", [
    ("SEKSYEN U13, 40170 SHAH ALAN,", "SEKSYEN U13, 40170 SHAH ALAM,"),  # SROIE image 011
    ("56000 Kuala Lunpur, Malaysia", "56000 Kuala Lumpur, Malaysia"),
    ("81100 J0HOR BAHRU, JOHOR", "81100 JOHOR BAHRU, JOHOR"),
])
def test_a_slip_in_one_word_of_a_multi_word_place_name_is_repaired(read, meant):
    assert repair_place_names(read) == meant


@pytest.mark.parametrize("text", ["ALAN TAN TRADING", "SHAH, ALAN", "ALAN SHAH TRADING", "JOHOR BARU"])
def test_a_word_near_a_place_name_but_not_in_that_name_is_left_as_read(text):
    assert repair_place_names(text) == text

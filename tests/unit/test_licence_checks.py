"""Licence-number formats (the data table and its use) and the checks that flag values the card does not support."""

from __future__ import annotations

import pytest

from docbatch.parse.identity.licence import parse_licence
from docbatch.parse.identity.licence_numbers import (FORMATS, compile_format, number_fits, opens_with_digit_then_letter,
                                                     repairs, states_fitting)
from docbatch.parse.identity.us_states import STATES

from ..support.licences import REVIEW, RUN, read_rows
from ..support.responses import response_from_rows


def test_every_state_and_dc_has_formats_that_compile():
    assert set(STATES) - set(FORMATS) <= {"VI", "AS", "MP"}  # territories without a published table here
    for state, specs in FORMATS.items():
        assert specs, state
        for spec in specs:
            compile_format(spec)
    with pytest.raises(ValueError):
        compile_format("a n8 ?")


def test_no_states_number_opens_with_one_digit_then_a_letter():
    # What makes a lone digit glued before a letter number a caption's remnant (``0SF29435``).
    assert opens_with_digit_then_letter() is False
    assert not any(number_fits(state, "1A" + "0" * k) for state in FORMATS for k in range(0, 18))


@pytest.mark.parametrize(("state", "number", "fits"), [
    ("CA", "I1234562", True), ("CA", "I11234562", False), ("CA", "12345678", False),
    ("FL", "S123-456-78-900-0", True), ("FL", "S123-456-78-900", False),
    ("WI", "S123-4567-8901-23", True), ("NY", "123 456 789", True), ("NY", "ID123", False),
    ("WA", "WDLABCD123EF", True), ("WA", "WDL123", False), ("VT", "1234567A", True), ("NV", "X12345678", True),
    ("NH", "NHL12345678", True), ("NH", "12ABC34567", True), ("MO", "A123456R", True), ("IA", "123XX6789", True),
    ("TX", "12345678", True), ("TX", "123456789", False), ("PA", "1234567", False),
])
def test_numbers_fit_their_states_published_formats(state: str, number: str, fits: bool):
    assert number_fits(state, number) is fits


def test_unknown_state_has_no_verdict_and_a_number_may_fit_many_states():
    assert number_fits(None, "12345678") is None and number_fits("ZZ", "1") is None
    assert {"PA", "TX", "VT"} <= set(states_fitting("12345678"))
    assert states_fitting("12345678901234567") == [] and set(states_fitting("ID123")) == {"AZ", "CO", "OH"}


def test_letter_digit_confusions_are_undone_only_where_the_format_says():
    assert repairs("FL", "5123-456-78-900-0") == ["S123456789000"]
    assert repairs("PA", "1234S678") == ["12345678"]
    assert repairs("CA", "I1234562") == []  # already fits
    assert repairs("TX", "ABCDEFGHIJ") == []


def test_a_number_that_fits_no_format_of_the_cards_state_is_flagged():
    good = read_rows([("CALIFORNIA", 0.05, 0.02), ("DL I1234562", 0.40, 0.15), ("EXP 08/31/2029", 0.40, 0.22)])
    bad = read_rows([("CALIFORNIA", 0.05, 0.02), ("DL I11234562", 0.40, 0.15), ("EXP 08/31/2029", 0.40, 0.22)])
    assert good.values["document_number"] == "I1234562" and good.confidence["document_number"] > 90
    assert bad.values["document_number"] == "I11234562" and bad.confidence["document_number"] < REVIEW


@pytest.mark.parametrize("number", ["S00000001", "S000000001", "N99999999"])
def test_a_fitting_number_holding_a_run_of_one_digit_is_trusted(number: str):
    # Kentucky takes a letter and 8 or 9 digits: both readings fit, and the card prints what it prints
    # (the local engine counts such runs right: python -m evals.digit_runs).
    f = read_rows([("KENTUCKY", 0.05, 0.02), (f"DL {number}", 0.40, 0.15), ("EXP 08/31/2029", 0.40, 0.22)])
    assert f.values["document_number"] == number and f.confidence["document_number"] > 90


def test_among_a_labels_candidates_the_one_fitting_the_format_wins():
    # The label's own line holds a short number (another field's); the licence number sits under the label.
    f = read_rows([("NEW YORK STATE", 0.05, 0.02), ("DLN 12345", 0.40, 0.15), ("123 456 789", 0.40, 0.21)])
    assert f.values["document_number"] == "123456789"


def test_the_state_comes_from_the_address_line_when_no_header_names_it():
    f = read_rows([("DL 5123-456-78-900-0", 0.40, 0.10), ("1 SAMPLE", 0.40, 0.20), ("2 ANN", 0.40, 0.26),
                  ("8 123 MAIN ST", 0.40, 0.32), ("MIAMI, FL 33101", 0.40, 0.38)])
    # 5 read for S, undone by the format, and trusted: S is the family name's initial.
    assert f.values["document_number"] == "S123456789000" and f.confidence["document_number"] > 80


def test_a_letter_where_the_format_wants_digits_is_left_as_printed_and_flagged():
    f = read_rows([("COLORADO", 0.05, 0.02), ("DL S55501234", 0.40, 0.10), ("LN RIVERA", 0.40, 0.2)])
    assert f.values["document_number"] == "S55501234" and f.confidence["document_number"] < REVIEW
    g = read_rows([("FLORIDA", 0.05, 0.02), ("DL 5123-456-78-900-0", 0.40, 0.10), ("LN DOE", 0.40, 0.2)])
    assert g.values["document_number"] == "S123456789000" and g.confidence["document_number"] < REVIEW


def test_a_given_name_glued_to_the_family_name_loses_it_and_long_tokens_are_flagged():
    f = read_rows([("LN SAMPLE", 0.40, 0.10), ("FN STANLEYSAMPLE", 0.40, 0.17)])
    assert (f.values["first_name"], f.values["last_name"]) == ("STANLEY", "SAMPLE")
    assert f.confidence["first_name"] > 90
    glued = read_rows([("LN DOE", 0.40, 0.10), ("FN JEFFERYJAMES", 0.40, 0.17)])
    assert glued.values["first_name"] == "JEFFERYJAMES" and glued.confidence["first_name"] < REVIEW


def test_small_field_numbers_read_as_superscripts_still_label_their_values():
    f = read_rows([("4d DLN 123456789", 0.40, 0.08), ("¹THOMPSON", 0.40, 0.16), ("²ASHLEY ANN", 0.40, 0.22),
                  ("⁸3709 LAKE DR", 0.40, 0.28), ("OXF0RD,_MT 59601", 0.40, 0.34)])
    assert (f.values["last_name"], f.values["first_name"], f.values["middle_name"]) == ("THOMPSON", "ASHLEY", "ANN")
    assert (f.values["address"], f.values["city_in_address"], f.values["state_in_address"]) == (
        "3709 LAKE DR", "OXFORD", "MT")


def test_a_caption_of_two_label_words_covers_the_whole_value_below_it():
    # "DL NUMBER" over "76368707437": the column starts at DL, not at NUMBER.
    f = read_rows([("SOUTH CAROLINA", 0.05, 0.02), ("DL NUMBER", 0.40, 0.10), ("76368707437", 0.40, 0.16)])
    assert f.values["document_number"] == "76368707437"


def test_a_given_name_longer_than_the_signatures_is_flagged_not_split():
    rows = [("LN OKAFOR", 0.40, 0.10), ("FN WEIJ", 0.40, 0.17)]
    page = response_from_rows(rows)
    sig = response_from_rows([("Wei Okafor", 0.05, 0.80)])
    page["TextDetections"] += [dict(d, Id=d["Id"] + 100) for d in sig["TextDetections"]]
    f = parse_licence(page, run_date=RUN)
    assert f.values["first_name"] == "WEIJ" and f.confidence["first_name"] < REVIEW


def test_digits_before_a_label_that_are_not_its_field_number_end_the_value_before_it():
    # "...047-36" ends the number, "CLASS" is glued to it; the number is read whole, and trusted:
    # New Jersey's letter and 14 digits fix its length, so a digit lost to the label would not fit.
    f = read_rows([("NEW JERSEY", 0.05, 0.02), ("DLB-729-766-878-047-36CLASSC", 0.40, 0.10)])
    assert f.values["document_number"] == "B72976687804736" and f.confidence["document_number"] > 90
    spaced = read_rows([("WYOMING", 0.05, 0.02), ("DL 7338 5248 66 CLASS D", 0.40, 0.10)])
    assert spaced.values["document_number"] == "7338524866" and spaced.confidence["document_number"] > 90
    # "1 CLARK" is field 1 (the family name), not "CL" (class) with a stray number.
    named = read_rows([("4d DLN 379-821-540-013", 0.40, 0.10), ("1 CLARK", 0.40, 0.17), ("2 JAMES", 0.40, 0.23)])
    assert (named.values["last_name"], named.values["first_name"]) == ("CLARK", "JAMES")
    # An AAMVA number with its letter read as a digit still opens its label ("48" for "4d").
    assert read_rows([("RHODE ISLAND", 0.05, 0.02), ("48LICV007989", 0.40, 0.10)]).values["document_number"] == "V007989"


def test_full_width_punctuation_is_plain_punctuation():
    f = read_rows([("NAME WHITE，ELIZABETH", 0.40, 0.10)])
    assert (f.values["last_name"], f.values["first_name"]) == ("WHITE", "ELIZABETH")


def test_a_number_whose_label_ocr_lost_is_found_in_groups_before_the_next_label():
    f = read_rows([("VIRGINIA", 0.05, 0.02), ("E54 036 614 363 CLASS CM", 0.40, 0.10),
                  ("DOB 12/12/1984", 0.40, 0.17)])
    assert f.values["document_number"] == "E54036614363"


def _with_word_confidence(rows: list[tuple[str, float, float]], word: str, confidence: float):
    page = response_from_rows(rows)
    for d in page["TextDetections"]:
        if d["Type"] == "WORD" and d["DetectedText"] == word:
            d["Confidence"] = confidence
    return parse_licence(page, run_date=RUN)


def test_a_numbers_confidence_is_its_own_words_not_a_misread_word_beside_it():
    # OCR misread the label ("MND" for "4d NO") at 27%; the number itself was read clearly.
    f = _with_word_confidence([("OREGON", 0.05, 0.02), ("MND A123456", 0.40, 0.10), ("DOB 12/12/1979", 0.40, 0.17)],
                              "MND", 27.0)
    assert f.values["document_number"] == "A123456" and f.confidence["document_number"] >= REVIEW
    unsure = _with_word_confidence([("OREGON", 0.05, 0.02), ("MND A123456", 0.40, 0.10)], "A123456", 27.0)
    assert unsure.confidence["document_number"] < REVIEW


def test_a_labelled_values_confidence_leaves_out_its_labels_word():
    f = _with_word_confidence([("CALIFORNIA", 0.05, 0.02), ("DL I1234562", 0.40, 0.15)], "DL", 40.0)
    assert f.values["document_number"] == "I1234562" and f.confidence["document_number"] > 90


def test_each_unlabelled_name_line_keeps_its_own_confidence():
    # The family-name line above the street was read badly; the given-name line under it was not.
    rows = [("OHIO DRIVER LICENSE", 0.05, 0.02), ("DOE", 0.40, 0.25), ("JANE", 0.40, 0.31),
            ("123 ANYWHERE ST", 0.40, 0.37), ("ANYTOWN, OH 12345", 0.40, 0.43)]
    f = _with_word_confidence(rows, "DOE", 40.0)
    assert (f.values["last_name"], f.values["first_name"]) == ("DOE", "JANE")
    assert f.confidence["last_name"] < REVIEW <= f.confidence["first_name"]


def test_a_number_whose_reading_leaves_out_digits_glued_to_the_next_fields_label_is_flagged():
    # "381 CLASS" read "38ALASS": 484756850 fits Nevada's nine digits, but "38" may be the number's.
    f = read_rows([("NEVADA", 0.05, 0.02), ("DL NO. 484 756 850 38ALASS D", 0.40, 0.10)])
    assert f.values["document_number"] == "484756850" and f.confidence["document_number"] < REVIEW


@pytest.mark.parametrize("state, printed, number", [
    ("KANSAS", "LIC# U4V1N", "U4V1N"),           # letter, digit, letter, digit, letter
    ("NEW YORK", "4D DLN XVCUMZYD", "XVCUMZYD"),  # eight letters
    ("UTAH", "4D DLN 2007", "2007"),              # four to ten digits
    ("DELAWARE", "DL NO. 5", "5"),                # one to seven digits
])
def test_a_labelled_number_of_a_shape_only_its_states_format_allows_is_read(state: str, printed: str, number: str):
    f = read_rows([(state, 0.05, 0.02), (printed, 0.30, 0.15), ("DOB 10/18/1951", 0.30, 0.22)])
    assert f.values["document_number"] == number and f.confidence["document_number"] > 90


def test_a_number_of_the_usual_shape_under_the_label_beats_a_short_one_beside_it():
    # Alabama numbers have one to eight digits: "12" on the label's line fits, but the eight digits under it do too.
    f = read_rows([("ALABAMA", 0.05, 0.02), ("DL 12", 0.30, 0.15), ("12345678", 0.30, 0.21)])
    assert f.values["document_number"] == "12345678"


def test_a_letter_and_zero_opening_a_number_are_not_taken_for_a_no_labels_remnant_when_only_they_fit():
    # New York's letter and 18 digits, printed under a "LICENSE NO." caption: "N0" is the number's own.
    f = read_rows([("NEW YORK", 0.05, 0.02), ("LICENSE NO.", 0.30, 0.15), ("N078665553635601334", 0.30, 0.20)])
    assert f.values["document_number"] == "N078665553635601334" and f.confidence["document_number"] > 90


def test_an_accent_the_recogniser_put_on_a_label_letter_does_not_hide_the_label():
    f = read_rows([("KANSAS", 0.05, 0.02), ("LÍC# U4V1N", 0.30, 0.15), ("CLÁSS CM", 0.63, 0.15)])
    assert (f.values["document_number"], f.values["class"]) == ("U4V1N", "CM")


@pytest.mark.parametrize("caption", ["LICEÑSE NO.", "LICEN5E NO.", "OPERATOR NO."])
def test_a_caption_whose_first_word_is_misread_or_unknown_still_covers_the_whole_value_below(caption: str):
    # Only "NO." is a label word; its column opens at the caption's first word, so "920" is not cut off.
    f = read_rows([("NEVADA", 0.05, 0.02), (caption, 0.30, 0.17), ("CLASS", 0.63, 0.17),
                  ("920 610 089 687", 0.30, 0.21), ("D", 0.63, 0.21)])
    assert f.values["document_number"] == "920610089687"


def test_one_letter_glued_after_a_number_that_fits_without_it_is_cut_off_and_flagged():
    # New Jersey: a letter and 14 digits; the trailing M is a neighbour's letter or a misread digit.
    f = read_rows([("NEW JERSEY", 0.05, 0.02), ("LICENSE NOR77703244604296M", 0.30, 0.15)])
    assert f.values["document_number"] == "R77703244604296" and f.confidence["document_number"] < REVIEW


def test_a_number_glued_to_a_label_is_flagged_when_one_digit_fewer_would_fit_as_well():
    # Montana prints 13 or 14 digits: had the label taken the last digit, the rest would fit too.
    f = read_rows([("MONTANA", 0.05, 0.02), ("4D DLN 62966144331456LASS CM", 0.30, 0.10)])
    assert f.values["document_number"] == "62966144331456" and f.confidence["document_number"] < REVIEW
    # Maryland prints a letter and 12 digits: a lost digit would not fit.
    g = read_rows([("MARYLAND", 0.05, 0.02), ("LICENSE NO P246093724797LASSA", 0.30, 0.10)])
    assert g.values["document_number"] == "P246093724797" and g.confidence["document_number"] > 90


def test_a_street_naming_a_state_is_not_the_issuing_state_even_when_printed_taller_than_the_header():
    page = response_from_rows([("PENNSYLVANIA", 0.05, 0.02)], h=0.04)
    body = response_from_rows([("DLN 2810-9919", 0.31, 0.15), ("LN SMITH", 0.31, 0.29),
                               ("8771 WASHINGTON ST", 0.31, 0.42), ("FRANKLIN, PA 80276", 0.31, 0.48)], h=0.05)
    page["TextDetections"] += [dict(d, Id=d["Id"] + 100) for d in body["TextDetections"]]
    f = parse_licence(page, run_date=RUN)
    # Pennsylvania's eight digits, not Washington's letter and eleven characters.
    assert f.values["state_name"] == "PENNSYLVANIA"
    assert f.values["document_number"] == "28109919" and f.confidence["document_number"] > 90


@pytest.mark.parametrize("state, printed, number", [
    ("VIRGINIA", "4D DLN0147-0638-1", "014706381"),                     # "DLN0": the 0 is the number's
    ("MICHIGAN", "DL NO. K616 8494 4670 9 CLASS DM", "K616849446709"),  # "9 CLASS": the 9 is the number's
])
def test_a_digit_a_neighbouring_label_may_have_taken_is_the_numbers_when_only_then_it_fits(
        state: str, printed: str, number: str):
    f = read_rows([(state, 0.05, 0.02), (printed, 0.30, 0.12)])
    assert f.values["document_number"] == number and f.confidence["document_number"] > 90


def test_a_field_number_the_licence_number_fits_without_stays_the_next_labels():
    # Georgia prints 7 to 9 digits: "12345678 9 CLASS D" is eight digits and class under field 9.
    f = read_rows([("GEORGIA", 0.05, 0.02), ("4D DLN 12345678 9 CLASS D", 0.30, 0.12)])
    assert (f.values["document_number"], f.values["class"]) == ("12345678", "D")


def test_a_zero_the_label_may_own_is_the_numbers_but_flagged_when_both_readings_fit():
    # Arkansas prints 4 to 9 digits: "DLN" + "072453051" and "DL N0" + "72453051" both fit.
    f = read_rows([("ARKANSAS", 0.05, 0.02), ("4D DLN0724-5305-1", 0.30, 0.12)])
    assert f.values["document_number"] == "072453051" and f.confidence["document_number"] < REVIEW


def test_a_labelled_numbers_confidence_leaves_out_a_misread_label_after_it():
    # The local engine's words of the blurred North Carolina sample: "DOB" read "IDOB" at 47.2%
    # right after the clearly read number, in the same text as the number's label.
    f = _with_word_confidence([("NORTH CAROLINA", 0.03, 0.04), ("4dIDN 300038099904 IDOB 06/17/1975", 0.31, 0.25)],
                              "IDOB", 47.2)
    assert f.values["document_number"] == "300038099904" and f.confidence["document_number"] >= REVIEW
    unsure = _with_word_confidence([("NORTH CAROLINA", 0.03, 0.04), ("4dIDN 300038099904 IDOB 06/17/1975", 0.31, 0.25)],
                                   "300038099904", 47.2)
    assert unsure.confidence["document_number"] < REVIEW


@pytest.mark.parametrize("rows, word, number", [
    # The local engine's reads of the low-resolution Illinois and Vermont samples: "LIC NO:" and
    # "LIC" blurred into the number's word ("LCNO", "LCO"), the whole word read at 53-55%.
    ([("ILLINOIS", 0.07, 0.05), ("LCNOP142-4558-7924", 0.38, 0.23), ("SPRINGFIELD, IL 62723", 0.38, 0.55)],
     "LCNOP142-4558-7924", "P14245587924"),
    ([("VERMONT", 0.11, 0.10), ("LCO1234567801/06/1968", 0.37, 0.28), ("MONTPELIER, VT 12345", 0.37, 0.58)],
     "LCO1234567801/06/1968", "12345678"),
])
def test_a_number_after_the_remnant_of_its_label_keeps_its_words_confidence(rows, word, number):
    f = _with_word_confidence(rows, word, 54.0)
    assert f.values["document_number"] == number and f.confidence["document_number"] >= REVIEW


def test_a_number_no_label_names_keeps_the_structure_fallbacks_lower_confidence():
    f = _with_word_confidence([("ILLINOIS", 0.07, 0.05), ("P142-4558-7924", 0.38, 0.23),
                               ("SPRINGFIELD, IL 62723", 0.38, 0.55)], "P142-4558-7924", 54.0)
    assert f.values["document_number"] == "P14245587924" and f.confidence["document_number"] < REVIEW


def test_on_a_numbered_card_a_4_glued_to_the_number_is_its_field_number():
    # Missouri's sample as the local engine read it: "4d" lost its d and ran into the number and the
    # birth date; the card's other field numbers (12, 15) make it a numbered card.
    rows = [("MISSOURI", 0.38, 0.05), ("4T12345678902/01/1979", 0.29, 0.35), ("12RESTRICTIONS NONE", 0.29, 0.71),
            ("15 SEX F", 0.29, 0.75), ("JEFFERSON CITY,MO 65109", 0.31, 0.59)]
    f = _with_word_confidence(rows, "4T12345678902/01/1979", 79.4)
    assert f.values["document_number"] == "T123456789" and f.confidence["document_number"] >= REVIEW


def test_one_letter_glued_after_a_number_that_as_a_digit_would_fit_too_is_flagged():
    # A generated Wyoming card as the local engine read it: "315-237-068-2 9 CLASS D" became
    # "315-237-068S D" at 99.6%.  Nine digits fit, and so would ten with the S read as a 5.
    f = read_rows([("WYOMING", 0.04, 0.03), ("4d DLN 315-237-068S D", 0.33, 0.17), ("1 PEREZ", 0.32, 0.32),
                  ("2 LEE LINDA", 0.32, 0.40)])
    assert f.values["document_number"] == "315237068" and f.confidence["document_number"] < REVIEW
    # Ten digits and a glued S: eleven would fit no Wyoming format, so the end is not in doubt.
    g = read_rows([("WYOMING", 0.04, 0.03), ("4d DLN 315-237-068-2S D", 0.33, 0.17), ("1 PEREZ", 0.32, 0.32),
                  ("2 LEE LINDA", 0.32, 0.40)])
    assert g.values["document_number"] == "3152370682" and g.confidence["document_number"] > 90


def test_on_a_numbered_card_a_4_opening_a_number_that_fits_without_it_too_is_flagged():
    # A generated Tennessee card at low resolution: "4d 6506265" read "46506265"; seven and eight
    # digits both fit Tennessee's format, so the caption's 4 is dropped and the number flagged.
    # One numbered caption read (4a) is enough to doubt the 4.
    rows = [("TENNESSEE DRIVER'S LICENSE", 0.05, 0.03), ("46506265 S CLASSD", 0.30, 0.15),
            ("30009/12/1986 4EO 09/12/2031", 0.30, 0.22), ("LEWIS", 0.30, 0.30), ("PATRICIA R", 0.30, 0.36),
            ("GREENVILLE, TN 30373", 0.30, 0.51), ("4a 85 11/01/2023", 0.30, 0.70)]
    f = read_rows(rows)
    assert f.values["document_number"] == "6506265" and f.confidence["document_number"] < REVIEW


def test_a_label_read_as_dun_does_not_make_the_number_row_a_city_line():
    # A generated Georgia card at low resolution: "DLN" read "DUN"; "DUN 164602220" looks like
    # "D, UN 16460-2220" to the city-line pattern, but UN is no state.
    f = read_rows([("GEORGIA DRIVER'S LICENSE", 0.05, 0.02), ("DUN 164602220 CLASS D", 0.30, 0.17),
                  ("LEWIS", 0.30, 0.34), ("CHARLES", 0.30, 0.43), ("9584 MAIN AVE", 0.30, 0.50),
                  ("ATLANTA, GA 30301", 0.30, 0.56)])
    assert f.values["document_number"] == "164602220"


def test_digit_groups_after_a_misread_family_name_label_are_the_number():
    # A generated Oklahoma card at low resolution: "4d DLN" read "44 0LN", the LN taken for the
    # family name's label; names hold no digit groups, so the row's groups are the number.
    f = read_rows([("OKLAHOMA DRIVER'S LICENSE", 0.05, 0.04), ("44 0LN V08 933 896 4", 0.30, 0.16),
                  ("1 OKAFOR", 0.30, 0.30), ("2 ZOE T", 0.30, 0.36), ("9256 LAKE RD", 0.30, 0.45),
                  ("TULSA, OK 74101", 0.30, 0.51)])
    assert f.values["document_number"] == "V089338964"

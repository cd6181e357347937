"""A printed name the card's own signature contradicts is flagged.

Generated cards sign "First Last" in print under the photo; the local engine reads that line
clean where low resolution damages the name field above (a caption remnant kept, letters
misread or read backwards).  Each card below is the engine's reading of a low-resolution
generated card (``evals.synth_licences`` seeds 12 and 3, tuned cards), ``(text, confidence,
left, top, width, height)``.
"""

from __future__ import annotations

from docbatch.parse.identity.licence_checks import check_name_shapes, check_signed
from docbatch.parse.identity.licence_fields import LicenceFields
from docbatch.parse.identity.licence_structure import mixed_case_rows, printed_signatures

from ..support.licences import REVIEW, read_card, read_rows
from ..support.responses import response_from_words

_words = response_from_words


#: North Dakota, seed 12 card 015: SMITH-JONES read ``SMT-IES`` (86.8%), the signature clean.
_NORTH_DAKOTA = [
    ('North', 100.0, 0.0364, 0.0238, 0.1091, 0.0738), ('Dakota', 100.0, 0.1697, 0.0238, 0.1394, 0.0738),
    ("DRIVER'S", 100.0, 0.6015, 0.0357, 0.1212, 0.0429), ('LICENSE', 100.0, 0.7303, 0.0357, 0.1121, 0.0429),
    ('DLNO.', 99.5, 0.3197, 0.1381, 0.0576, 0.0429), ('D-DB00-2415', 83.7, 0.3818, 0.1381, 0.1576, 0.0476),
    ('CLASS', 100.0, 0.6394, 0.1405, 0.0545, 0.0405), ('DM', 99.9, 0.7000, 0.1405, 0.0379, 0.0405),
    ('DOB', 100.0, 0.3182, 0.1905, 0.0333, 0.0405), ('11/23/1966', 99.5, 0.3652, 0.1905, 0.1273, 0.0405),
    ('EXP', 100.0, 0.6424, 0.1905, 0.0273, 0.0405), ('11/23/2028', 100.0, 0.6848, 0.1905, 0.1258, 0.0405),
    ('SMT-IES', 86.8, 0.3167, 0.2381, 0.1742, 0.0452), ('DAVID', 100.0, 0.3212, 0.2905, 0.0712, 0.0405),
    ('ANTHONY', 100.0, 0.4030, 0.2905, 0.1227, 0.0405), ('7111', 100.0, 0.3182, 0.3405, 0.0591, 0.0405),
    ('PARK', 100.0, 0.3879, 0.3405, 0.0621, 0.0405), ('RD', 100.0, 0.4591, 0.3405, 0.0333, 0.0405),
    ('CLINTON,', 100.0, 0.3212, 0.3905, 0.1197, 0.0405), ('ND', 100.0, 0.4470, 0.3905, 0.0333, 0.0405),
    ('45782', 100.0, 0.4909, 0.3905, 0.0712, 0.0405), ('SEX', 99.8, 0.3182, 0.4405, 0.0303, 0.0381),
    ('F', 99.9, 0.3621, 0.4405, 0.0106, 0.0381), ('HGT', 99.7, 0.6439, 0.4381, 0.0273, 0.0429),
    ('5\'-07"', 99.7, 0.6848, 0.4381, 0.0682, 0.0429), ('ISS', 81.1, 0.3182, 0.4905, 0.0227, 0.0405),
    ('08/11/2024', 86.6, 0.3576, 0.4905, 0.1242, 0.0405), ('EYES', 99.0, 0.6424, 0.4881, 0.0409, 0.0429),
    ('GRN', 99.8, 0.6924, 0.4881, 0.0500, 0.0429), ('David', 100.0, 0.0409, 0.8952, 0.0515, 0.0429),
    ('Smith-Jones', 100.0, 0.1000, 0.8952, 0.1242, 0.0429),
]

#: Georgia, seed 3 card 002: the ``LN`` caption read ``IN`` and kept before LEWIS.
_GEORGIA = [
    ('GEORGIA', 100.0, 0.0332, 0.0242, 0.1893, 0.0766), ("DRIVER'S", 100.0, 0.5499, 0.0403, 0.1483, 0.0565),
    ('LICENSE', 100.0, 0.7084, 0.0403, 0.1330, 0.0565), ('DUN', 95.0, 0.3223, 0.1734, 0.0307, 0.0484),
    ('164602220', 100.0, 0.3785, 0.1694, 0.2148, 0.0645), ('CLASS', 99.7, 0.6650, 0.1734, 0.0537, 0.0524),
    ('D', 100.0, 0.7366, 0.1734, 0.0358, 0.0605), ('bos', 98.2, 0.3171, 0.2540, 0.0409, 0.0524),
    ('02/17/1973', 100.0, 0.3760, 0.2540, 0.2123, 0.0645), ('Do', 71.7, 0.6650, 0.2621, 0.0256, 0.0403),
    ('02/17/2029', 100.0, 0.7212, 0.2581, 0.2046, 0.0685), ('IN', 93.4, 0.3197, 0.3468, 0.0205, 0.0524),
    ('LEWIS', 100.0, 0.3632, 0.3387, 0.1176, 0.0685), ('CHARLES', 100.0, 0.3606, 0.4274, 0.1739, 0.0645),
    ('9584', 100.0, 0.3146, 0.5121, 0.1023, 0.0645), ('MAIN', 100.0, 0.4322, 0.5121, 0.0946, 0.0645),
    ('AVE', 100.0, 0.5396, 0.5121, 0.0742, 0.0645), ('ARLINGTON,', 100.0, 0.3223, 0.6008, 0.2430, 0.0685),
    ('GA', 100.0, 0.5678, 0.6008, 0.0563, 0.0685), ('45264', 100.0, 0.6343, 0.6008, 0.1176, 0.0685),
    ('sEx', 73.2, 0.3197, 0.6815, 0.0358, 0.0726), ('F', 81.3, 0.3811, 0.6815, 0.0128, 0.0726),
    ('6\'-04"', 99.6, 0.7212, 0.6774, 0.1125, 0.0726), ('155', 56.0, 0.3171, 0.7742, 0.0307, 0.0484),
    ('01/18/2023', 100.0, 0.3708, 0.7702, 0.2046, 0.0766), ('EYES', 57.9, 0.6650, 0.7702, 0.0435, 0.0524),
    ('BRN', 100.0, 0.7289, 0.7702, 0.0767, 0.0685), ('Charles', 100.0, 0.0460, 0.8750, 0.1279, 0.0605),
    ('Lewis', 100.0, 0.1790, 0.8750, 0.0972, 0.0605),
]

#: Idaho, seed 3 card 011: JOHNSON read backwards, ``NOSNHON`` (98.3%).
_IDAHO = [
    ('Idaho', 100.0, 0.0430, 0.0235, 0.1190, 0.0745), ('USA', 100.0, 0.6076, 0.0549, 0.0709, 0.0627),
    ('LIC', 79.1, 0.3367, 0.1725, 0.0329, 0.0588), ('YE521267T', 84.7, 0.4051, 0.1725, 0.1671, 0.0627),
    ('CLASS', 99.9, 0.6405, 0.1804, 0.0861, 0.0667), ('CM', 99.9, 0.7342, 0.1804, 0.0430, 0.0667),
    ('Don', 66.6, 0.3342, 0.2549, 0.0481, 0.0627), ('06/28/1975', 74.5, 0.3975, 0.2549, 0.1722, 0.0667),
    ('EXP', 99.8, 0.6506, 0.2667, 0.0405, 0.0588), ('06/28/2027', 99.6, 0.7063, 0.2667, 0.1671, 0.0627),
    ('NOSNHON', 98.3, 0.3367, 0.3451, 0.1494, 0.0627), ('LUIS', 100.0, 0.3316, 0.4235, 0.0684, 0.0667),
    ('9276', 100.0, 0.3342, 0.5098, 0.0785, 0.0588), ('PINE', 100.0, 0.4177, 0.5098, 0.0759, 0.0588),
    ('RD', 100.0, 0.4987, 0.5098, 0.0456, 0.0588), ('FAIRVIEW,', 100.0, 0.3291, 0.5922, 0.1620, 0.0667),
    ('ID', 100.0, 0.4911, 0.5961, 0.0405, 0.0627), ('56894', 100.0, 0.5392, 0.5961, 0.0937, 0.0627),
    ('SEX', 63.7, 0.3342, 0.6745, 0.0405, 0.0588), ('F', 95.7, 0.3899, 0.6745, 0.0152, 0.0588),
    ('HGT', 98.9, 0.6405, 0.6824, 0.0532, 0.0627), ('6\'-11"', 99.7, 0.6987, 0.6824, 0.0962, 0.0706),
    ('155', 57.1, 0.3215, 0.7608, 0.0405, 0.0588), ('03/16/2021', 93.0, 0.3797, 0.7608, 0.1671, 0.0588),
    ('EYES', 98.3, 0.6405, 0.7686, 0.0633, 0.0588), ('BRN', 99.9, 0.7165, 0.7686, 0.0557, 0.0588),
    ('Luis', 100.0, 0.0405, 0.8471, 0.0633, 0.0627), ('Johnson', 100.0, 0.1089, 0.8471, 0.1013, 0.0627),
]


def _names(words):
    f = read_card(words)
    return f.values.get("first_name"), f.values.get("last_name"), f.confidence.get("last_name")


def test_a_family_name_misread_where_the_signature_spells_it_clean_is_flagged():
    first, last, conf = _names(_NORTH_DAKOTA)
    assert (first, last) == ("DAVID", "SMT-IES") and conf < REVIEW


def test_a_caption_remnant_kept_before_the_family_name_is_flagged_by_the_signature():
    first, last, conf = _names(_GEORGIA)
    assert (first, last) == ("CHARLES", "IN LEWIS") and conf < REVIEW


def test_a_family_name_read_backwards_is_flagged_by_the_signature():
    first, last, conf = _names(_IDAHO)
    assert (first, last) == ("LUIS", "NOSNHON") and conf < REVIEW


def _checked(first: str, last: str, signed: list[list[str]]) -> LicenceFields:
    out = LicenceFields()
    out.put("first_name", first, 90.0)
    out.put("last_name", last, 90.0)
    check_signed(out, signed)
    return out


def test_a_family_name_the_signature_spells_after_the_given_name_keeps_its_confidence():
    out = _checked("DAVID", "SMITH-JONES", [["NORTH", "DAKOTA"], ["DAVID", "SMITH", "JONES"]])
    assert out.confidence["last_name"] == 90.0


def test_a_signature_that_does_not_spell_the_given_name_says_nothing_about_the_family_name():
    out = _checked("DAVID", "SMT-IES", [["DAVD", "SMITH", "JONES"], ["DAVID"]])
    assert out.confidence["last_name"] == 90.0


def test_words_after_the_signed_family_name_on_its_row_do_not_contradict_it():
    out = _checked("LUIS", "JOHNSON", [["LUIS", "A", "JOHNSON", "DONOR"]])
    assert out.confidence["last_name"] == 90.0


def test_a_family_name_the_signature_splits_at_its_apostrophe_keeps_its_confidence():
    out = _checked("MARY", "O'BRIEN", [["MARY", "O", "BRIEN"]])
    assert out.confidence["last_name"] == 90.0


def test_a_cursive_signature_ocr_misread_is_no_evidence_against_the_printed_name():
    # The shared Missouri and Vermont samples' signature rows as the local engine read them.
    missouri = _words([("Jane,hruple", 99.5, 0.0435, 0.8248, 0.2379, 0.1144), ("DONOR", 81.8, 0.8585, 0.8321, 0.0731, 0.0462)])
    vermont = _words([("John", 91.8, 0.05, 0.8261, 0.0925, 0.1067), ("ASomple", 99.7, 0.1625, 0.8261, 0.1725, 0.1067),
                      ("17", 99.8, 0.345, 0.8577, 0.0225, 0.0474), ("WGT", 100.0, 0.38, 0.8577, 0.0425, 0.0474)])
    assert printed_signatures(mixed_case_rows(missouri)) == []
    assert printed_signatures(mixed_case_rows(vermont)) == [["JOHN"]]


def test_a_printed_signature_is_read_as_its_names_leaving_out_words_without_small_letters():
    words = _words([("Mary", 100.0, 0.04, 0.89, 0.05, 0.04), ("A", 100.0, 0.10, 0.89, 0.01, 0.04),
                    ("O'Brien-Smith", 100.0, 0.12, 0.89, 0.12, 0.04)])
    assert printed_signatures(mixed_case_rows(words)) == [["MARY", "O", "BRIEN", "SMITH"]]


def _unsigned(words):
    """The card as if its signature were cursive and unread: its mixed-case words left out."""
    return [w for w in words if not any(c.islower() for c in w[0]) or w[3] < 0.3]


def test_a_family_name_token_with_no_vowel_is_flagged_without_a_signature():
    first, last, conf = _names(_unsigned(_NORTH_DAKOTA))
    assert (first, last) == ("DAVID", "SMT-IES") and conf < REVIEW


def test_a_leading_fragment_of_two_letters_before_the_family_name_is_flagged_without_a_signature():
    first, last, conf = _names(_unsigned(_GEORGIA))
    assert (first, last) == ("CHARLES", "IN LEWIS") and conf < REVIEW


def test_family_names_with_short_particles_or_short_names_keep_their_confidence():
    for last in ("DE LA CRUZ", "NG", "LE", "ST JAMES", "MC DONALD", "LYNCH", "SMITH-JONES", "O'BRIEN"):
        out = LicenceFields()
        out.put("last_name", last, 90.0)
        check_name_shapes(out)
        assert out.confidence["last_name"] == 90.0, last


def _worded_card(name_rows: list[str], signature: str | None) -> LicenceFields:
    """A worded card (``LN``/``FN`` captions inline) as a low-resolution read lays it out."""
    rows = [("GEORGIA", 0.05, 0.03), ("DRIVER LICENSE", 0.45, 0.03), ("DL NO. 052345678", 0.33, 0.15),
            ("CLASS C", 0.70, 0.15), ("DOB 03/14/1985", 0.33, 0.24), ("EXP 03/14/2030", 0.70, 0.24)]
    rows += [(text, 0.33, 0.33 + 0.09 * k) for k, text in enumerate(name_rows)]
    rows += [("123 MAIN ST", 0.33, 0.51), ("SPRINGFIELD, GA 30301", 0.33, 0.60), ("SEX F", 0.33, 0.69)]
    rows += [(signature, 0.05, 0.90)] if signature else []
    return read_rows(rows)


def test_a_lost_captions_remnant_glued_to_a_name_goes_where_the_signature_spells_the_name_without_it():
    # ``FN PATRICIA`` read ``NPATRICIA`` (seed 173's low-resolution miss, 55.6): the F lost, the
    # caption not found, the name taken from the card's structure with the N glued on.
    out = _worded_card(["LN SMITH", "NPATRICIA"], "Patricia Smith")
    assert out.values["first_name"] == "PATRICIA" and out.values["last_name"] == "SMITH"


def test_a_lost_captions_remnant_nothing_on_the_card_spells_otherwise_is_flagged():
    out = _worded_card(["LN SMITH", "NPATRICIA"], None)
    assert out.values["first_name"] == "NPATRICIA" and out.confidence["first_name"] < REVIEW


def test_a_name_opening_with_the_captions_letter_the_signature_spells_is_kept():
    out = _worded_card(["LN SMITH", "NANCY"], "Nancy Smith")
    assert out.values["first_name"] == "NANCY" and out.confidence["first_name"] >= REVIEW
    read = _worded_card(["LN SMITH", "FN NANCY"], "Nancy Smith")
    assert read.values["first_name"] == "NANCY" and read.confidence["first_name"] >= REVIEW


def test_a_lost_captions_first_letter_left_as_its_own_word_goes_where_the_signature_spells_the_name():
    # ``FN JAMES`` read ``F JAMES`` (seed 337 low res, tuned card 013): the N lost, the caption not
    # found, the F taken for the given name and JAMES for the middle one.
    out = _worded_card(["LN ROBINSON", "F JAMES"], "James Robinson")
    assert out.values["first_name"] == "JAMES" and "middle_name" not in out.values
    two = _worded_card(["LN ROBINSON", "F JAMES LEE"], "James Robinson")
    assert two.values["first_name"] == "JAMES" and two.values["middle_name"] == "LEE"


def test_a_given_initial_before_a_name_the_signature_does_not_open_with_is_kept_and_flagged():
    # "F JAMES" of a Fiona James Robinson: the signature spells JAMES, but after another given name.
    out = _worded_card(["LN ROBINSON", "F JAMES"], "Fiona James Robinson")
    assert out.values["first_name"] == "F" and out.values["middle_name"] == "JAMES"
    assert out.confidence["first_name"] < REVIEW

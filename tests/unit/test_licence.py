"""US licence printed fields read from degraded photos: OCR-misread labels, numbers with label
remnants, date shapes, tilted rows and names split by lost spaces.  Text shapes are the local
engine's reads of the shared licence samples, blurred, tilted or at low resolution."""

from __future__ import annotations

import datetime as dt

from docbatch.parse.identity.licence import parse_licence
from docbatch.parse.identity.us_dates import us_date
from docbatch.response import make_detection

from ..support.licences import REVIEW, RUN, read_card, read_rows
from ..support.responses import response_from_rows, response_from_words

_response = response_from_rows


def _fields(rows: list[tuple[str, float, float]]) -> dict[str, object]:
    return read_rows(rows).values


def test_birth_date_label_read_with_zeros_or_eight():
    # A recent birth date: the "earliest date is the birth" fallback would not take it.
    assert _fields([("D.O.8.01-05-2015", 0.34, 0.36)])["date_of_birth"] == dt.date(2015, 1, 5)
    assert _fields([("D00B07/15/2016", 0.51, 0.50)])["date_of_birth"] == dt.date(2016, 7, 15)


def test_number_starting_d08_is_not_a_birth_date_label():
    f = _fields([("4dDLN D08-954-796", 0.60, 0.27), ("3 DOB 01/01/1974", 0.60, 0.33)])
    assert (f["document_number"], f["date_of_birth"]) == ("D08954796", dt.date(1974, 1, 1))


def test_issue_label_read_with_a_one():
    assert _fields([("1ss01-05-2010", 0.34, 0.67)])["date_of_issue"] == dt.date(2010, 1, 5)


def test_long_label_words_with_a_misread_letter_still_label():
    f = _fields([("ENDORSEMENTE NONE", 0.63, 0.84), ("RESTHICTION NONE", 0.63, 0.89)])
    assert (f["endorsements"], f["restrictions"]) == ("NONE", "NONE")


def test_aamva_9a_read_as_ga_still_labels_endorsements():
    assert _fields([("GaEND NONE", 0.57, 0.56)])["endorsements"] == "NONE"


def test_label_remnants_glued_to_a_number_are_dropped():
    assert _fields([("LICV007989", 0.64, 0.28)])["document_number"] == "V007989"
    assert _fields([("DL NOT123456789", 0.30, 0.30)])["document_number"] == "T123456789"


def test_date_with_an_impossible_year_is_not_read():
    assert us_date("EXP 03/16/2618") is None
    assert us_date("03/16/2618 12/12/2026") == dt.date(2026, 12, 12)


def test_two_digit_year_after_a_label_takes_the_plausible_century():
    f = _fields([("DOB 08/31/77", 0.33, 0.54), ("EXP 08-31-30", 0.33, 0.30)])
    assert (f["date_of_birth"], f["expiration_date"]) == (dt.date(1977, 8, 31), dt.date(2030, 8, 31))


def test_spaces_around_date_separators_are_allowed():
    assert _fields([("DOB 08 /31/ 1977", 0.33, 0.54)])["date_of_birth"] == dt.date(1977, 8, 31)


def test_short_tall_label_on_a_tilted_photo_is_kept_but_vertical_text_is_not():
    # Box sides are fractions of the image's width and height: on a wide card a short
    # tilted word can be "taller than wide"; a vertical ghost name is far narrower per letter.
    rows = [("SAMPLE JANE", 0.30, 0.20), ("123 MAIN ST", 0.30, 0.30), ("EXP", 0.30, 0.50),
            ("01/06/2023", 0.43, 0.50), ("02/02/2030", 0.30, 0.70)]
    page = _response(rows, char_w=0.012, h=0.06)
    for det in page["TextDetections"]:
        if det["DetectedText"] == "EXP":  # 0.036 wide, 0.063 tall, as on the tilted sample
            det["Geometry"]["BoundingBox"].update(Width=0.036, Height=0.063)
    ghost = make_detection(id=99, type="WORD", text="VALID", confidence=90.0,
                           polygon=[(0.05, 0.5), (0.08, 0.5), (0.08, 0.59), (0.05, 0.59)])
    page["TextDetections"].append(ghost)
    f = parse_licence(page, run_date=RUN).values
    assert f["expiration_date"] == dt.date(2023, 1, 6)
    assert "VALID" not in str(f.get("first_name")) + str(f.get("last_name"))


def test_value_below_a_label_on_a_row_merged_with_another_field():
    # A tilted photo merges "5 DD ..." and the issue date into one row under "4a ISS".
    f = _fields([("18 EYES BRO 4AISS", 0.30, 0.80), ("5 DD S00000001CL10234 02/15/2019", 0.33, 0.84)])
    assert f["date_of_issue"] == dt.date(2019, 2, 15)


def test_given_names_glued_by_ocr_are_split_at_the_signature_first_name():
    rows = [("1SAMPLE", 0.34, 0.36), ("2JOHNA", 0.34, 0.41), ("123 STREET ADDRESS", 0.36, 0.48),
            ("MONTPELIER,VT 12345-1234", 0.36, 0.56), ("John ASample", 0.04, 0.83)]
    f = _fields(rows)
    assert (f["first_name"], f.get("middle_name"), f["last_name"]) == ("JOHN", "A", "SAMPLE")


def test_given_names_one_per_line_under_their_label():
    rows = [("1.FAMILY NAME", 0.32, 0.29), ("SAMPLECARD", 0.32, 0.33), ("2.GIVEN NAMES", 0.32, 0.37),
            ("THOMAS", 0.32, 0.41), ("ALEXANDER", 0.32, 0.45), ("8.ADDRESS", 0.32, 0.50)]
    f = _fields(rows)
    assert (f["first_name"], f.get("middle_name"), f["last_name"]) == ("THOMAS", "ALEXANDER", "SAMPLECARD")


def test_zip_code_with_one_digit_read_as_a_letter_still_makes_the_city_line():
    rows = [("SAMPLE", 0.40, 0.40), ("JELANI", 0.40, 0.46), ("123 MAIN ST", 0.40, 0.52), ("PHOENIX, AZB5007", 0.40, 0.56)]
    f = _fields(rows)
    assert (f["city_in_address"], f["state_in_address"], f["zip_code_in_address"]) == ("PHOENIX", "AZ", "85007")
    assert (f["last_name"], f["first_name"], f["address"]) == ("SAMPLE", "JELANI", "123 MAIN ST")


def test_zip_code_with_a_digit_read_as_a_symbol_still_makes_the_city_line_and_is_flagged():
    # The name block is found above the city line; the ZIP code holds a digit OCR could not read.
    rows = [("SAMPLE, CARON", 0.38, 0.65), ("123 MAIN STREET", 0.38, 0.70), ("LINCOLN,NE685#1-0000", 0.38, 0.74)]
    out = read_rows(rows)
    f = out.values
    assert (f["last_name"], f["first_name"], f["address"]) == ("SAMPLE", "CARON", "123 MAIN STREET")
    assert (f["city_in_address"], f["state_in_address"]) == ("LINCOLN", "NE")
    assert out.confidence["zip_code_in_address"] < REVIEW


def test_name_line_after_field_numbers_one_and_two_read_with_a_dot_is_not_the_street():
    rows = [("1.2SAMPLE, CARONLYNN", 0.33, 0.68), ("123 MAIN STREET", 0.36, 0.74), ("LINCOLN.NE-68501-0000", 0.36, 0.79)]
    f = _fields(rows)
    assert (f["last_name"], f["first_name"], f["address"]) == ("SAMPLE", "CARONLYNN", "123 MAIN STREET")


def test_aamva_field_number_read_as_l_before_a_name_label():
    rows = [("LFAMILYNAME", 0.32, 0.29), ("SAMPLECARD", 0.32, 0.33), ("2.GIVEN NAMES", 0.32, 0.37), ("THOMAS", 0.32, 0.41)]
    assert _fields(rows)["last_name"] == "SAMPLECARD"


def test_misread_label_word_after_a_misread_field_number():
    rows = [("LADORESS", 0.32, 0.49), ("1234 COMMODORE DRIVE", 0.32, 0.53)]
    assert _fields(rows)["address"] == "1234 COMMODORE DRIVE"


def test_misread_name_label_is_not_a_name_line():
    rows = [("SAMPLE", 0.34, 0.30), ("GIVEN NAS", 0.34, 0.35), ("HOLLY", 0.34, 0.39), ("23 HAZEN DR", 0.34, 0.49),
            ("CONCORD.NH 03305", 0.34, 0.53)]
    f = _fields(rows)
    assert (f["last_name"], f["first_name"]) == ("SAMPLE", "HOLLY")


def test_number_under_a_misread_4d_is_not_the_street_line():
    rows = [("4S123-4567-6501-00", 0.33, 0.18), ("1SAMPLE", 0.33, 0.24), ("2DEREK THOMAS", 0.33, 0.30),
            ("8 4802 SHEBOYGAN AVE", 0.33, 0.36), ("MADISON, WI 53705", 0.35, 0.41), ("15 SEX M", 0.32, 0.71),
            ("9 CLASS D", 0.74, 0.17)]
    f = _fields(rows)
    assert (f["address"], f["document_number"]) == ("4802 SHEBOYGAN AVE", "S1234567650100")


def test_date_with_its_second_separator_lost():
    assert us_date("12/121979") == dt.date(1979, 12, 12)


def test_a_zero_read_for_the_o_of_a_family_name_is_the_letter():
    numbered = read_rows([
        ("NEVADA", 0.05, 0.02), ("4D DLN 2203 5559 87", 0.30, 0.12), ("1 0'BRIEN", 0.30, 0.25),
        ("2 WILLIAM", 0.30, 0.30), ("1289 PARK AVE", 0.31, 0.35), ("DOVER, NV 61273", 0.30, 0.40)])
    assert (numbered.values["last_name"], numbered.values["first_name"]) == ("O'BRIEN", "WILLIAM")
    assert numbered.values["address"] == "1289 PARK AVE"
    captioned = read_rows([("LAST NAME", 0.30, 0.25), ("0LSEN", 0.30, 0.29)])
    assert captioned.values["last_name"] == "OLSEN"


def test_a_given_name_line_glued_to_its_field_number_by_a_one_for_i_is_read_and_flagged():
    # Rhode Island's "2 I AM" read "21AM": the 1 is the I the name opens with; whether the
    # given names are "IAM" or "I AM" nothing on the line tells, so the reading is flagged.
    f = read_rows([
        ("RHODE ISLAND", 0.05, 0.02), ("SAMPLE", 0.366, 0.43), ("21AM", 0.342, 0.48),
        ("8600 NEW LONDON AVE", 0.346, 0.53), ("CRANSTON, RI 02920", 0.37, 0.58)])
    assert f.values["last_name"] == "SAMPLE" and f.confidence["last_name"] >= REVIEW
    assert f.values["first_name"] == "IAM" and f.confidence["first_name"] < REVIEW


def test_a_value_row_lifted_by_a_taller_word_beside_it_is_still_read_under_its_caption():
    # OCR ran the expiry date beside into the given names' row; the date's taller box made the
    # row start above the caption's middle, where no value was looked for.
    page = response_from_rows([("FIRST NAME", 0.32, 0.405), ("EXPIRES", 0.63, 0.39)], h=0.042)
    value = response_from_rows([("ROBERT BETTY", 0.32, 0.44)], h=0.06, char_w=0.021)
    date = response_from_rows([("11/12/2027", 0.63, 0.422)], h=0.07)
    merged = [dict(d, Id=d["Id"] + 100, **({"ParentId": 100} if "ParentId" in d else {}))
              for d in value["TextDetections"]]
    merged += [dict(d, Id=d["Id"] + 200, ParentId=100) for d in date["TextDetections"] if d["Type"] == "WORD"]
    merged[0]["DetectedText"] = "ROBERT BETTY 11/12/2027"
    page["TextDetections"] += merged
    f = parse_licence(page, run_date=RUN)
    assert (f.values["first_name"], f.values["middle_name"]) == ("ROBERT", "BETTY")


def _page(*parts: tuple[list[tuple[str, float, float]], float, float]) -> dict:
    """One page of rows set in different print sizes: ``(rows, height, char width)`` each."""
    page: dict = {"TextDetections": []}
    for k, (rows, h, char_w) in enumerate(parts):
        for d in response_from_rows(rows, h=h, char_w=char_w)["TextDetections"]:
            shifted = dict(d, Id=d["Id"] + 100 * k)
            if "ParentId" in d:
                shifted["ParentId"] = d["ParentId"] + 100 * k
            page["TextDetections"].append(shifted)
    return page


def test_a_number_on_a_row_another_label_took_a_value_from_is_still_found_by_its_format():
    # A tilted card: the expiry label's column reaches the date on the row below, but the number's
    # end of that row is tilted up out of reach of its own label; it fits New Hampshire's a3 n8.
    f = parse_licence(_page(
        ([("NEW HAMPSHIRE", 0.10, 0.02), ("4B EXPIRATION DATE 4D CREDENTIAL IDENTIFIER", 0.32, 0.153)], 0.06, 0.014),
        ([("01/02/2022", 0.338, 0.207)], 0.075, 0.02), ([("NHL12506717", 0.598, 0.181)], 0.1, 0.03),
        ([("1 SAMPLE", 0.32, 0.31), ("2 HOLLY", 0.32, 0.39), ("823 HAZEN DR", 0.33, 0.49),
          ("CONCORD, NH 03305", 0.33, 0.55)], 0.055, 0.014)), run_date=RUN)
    assert f.values["expiration_date"] == dt.date(2022, 1, 2)
    assert f.values["document_number"] == "NHL12506717"


def test_a_column_that_opens_inside_a_word_takes_nothing_from_it():
    # Field 1's column (glued "1.2SAMPLE, ..." is no name) reaches down to the signature's last
    # letter: "E" is not a family name; the name stays missing, so the row is flagged.
    f = parse_licence(_page(
        ([("NEBRASKA", 0.12, 0.0), ("12 REST. NONE", 0.327, 0.387), ("15 SEX F", 0.323, 0.5),
          ("1.2SAMPLE, CARONLYNN", 0.325, 0.683)], 0.053, 0.016),
        ([("CARON SAMPLE", 0.008, 0.74)], 0.145, 0.027)), run_date=RUN)
    assert "last_name" not in f.values


_words = response_from_words


#: The low-resolution South Dakota sample as the local engine read it: the small field numbers 2 and 8
#: before the given name and the street came out as "R" (37.7%) and "n".
_SOUTH_DAKOTA_LOWRES = [
    ("OPERATOR", 100.0, 0.5081, 0.1116, 0.173, 0.0601), ("USA", 99.9, 0.1135, 0.206, 0.0514, 0.0558),
    ("SD", 99.3, 0.1784, 0.206, 0.0351, 0.0558), ("SAMPLE", 100.0, 0.3649, 0.3863, 0.1541, 0.0644),
    ("R", 37.7, 0.2973, 0.4421, 0.0324, 0.0129), ("EMILY", 100.0, 0.3595, 0.4378, 0.0946, 0.0644),
    ("n", 88.7, 0.3297, 0.5751, 0.0135, 0.03), ("118", 100.0, 0.3595, 0.5622, 0.0405, 0.0472),
    ("WEST", 100.0, 0.4108, 0.5622, 0.0703, 0.0472), ("CAPITOL", 99.5, 0.4838, 0.5622, 0.1054, 0.0472),
    ("AVENUE", 93.4, 0.6, 0.5622, 0.1, 0.0472), ("PIERRE,", 100.0, 0.3595, 0.6009, 0.1054, 0.0472),
    ("SD", 99.8, 0.4649, 0.6009, 0.0351, 0.0472), ("57501-0000", 99.5, 0.5081, 0.6009, 0.1324, 0.0472),
]


def test_a_small_field_number_misread_as_a_letter_is_not_part_of_the_name_or_street():
    f = read_card(_SOUTH_DAKOTA_LOWRES)
    assert (f.values["last_name"], f.values["first_name"]) == ("SAMPLE", "EMILY")
    assert "middle_name" not in f.values and f.confidence["first_name"] >= REVIEW
    assert f.values["address"] == "118 WEST CAPITOL AVENUE"


def test_an_initial_printed_as_large_as_the_name_stays_the_first_name():
    words = [w if w[0] != "R" else ("R", 99.0, 0.2973, 0.4378, 0.0324, 0.0644) for w in _SOUTH_DAKOTA_LOWRES]
    f = read_card(words)
    assert (f.values["first_name"], f.values["middle_name"]) == ("R", "EMILY")


def test_a_street_whose_house_number_opens_with_8_keeps_it_after_the_small_field_number_8():
    # A generated South Carolina card as the local engine read it: field 8 set small before 8760.
    words = [("SOUTH", 100.0, 0.0309, 0.0243, 0.1391, 0.0586), ("CAROLINA", 96.8, 0.1864, 0.0243, 0.2127, 0.06),
             ("4d", 100.0, 0.3218, 0.1457, 0.0182, 0.0286), ("DLN", 100.0, 0.3464, 0.1457, 0.0273, 0.0286),
             ("325-205-658-01", 100.0, 0.3836, 0.1443, 0.1964, 0.04),
             ("3", 100.0, 0.3209, 0.2014, 0.0109, 0.0286), ("DOB", 97.1, 0.3364, 0.2014, 0.0318, 0.0286),
             ("03/04/1952", 100.0, 0.3782, 0.2014, 0.1364, 0.04), ("1", 66.4, 0.32, 0.2557, 0.0155, 0.0414),
             ("WILSON", 72.1, 0.3464, 0.2557, 0.0945, 0.0414), ("2", 100.0, 0.3209, 0.3171, 0.0118, 0.0229),
             ("CHARLES", 100.0, 0.3455, 0.31, 0.11, 0.0443), ("8", 100.0, 0.32, 0.3714, 0.0136, 0.0243),
             ("8760", 100.0, 0.3445, 0.3657, 0.06, 0.0414), ("PARK", 100.0, 0.4109, 0.3657, 0.0636, 0.0429),
             ("CT", 100.0, 0.4855, 0.3671, 0.0282, 0.0414), ("SALEM,", 100.0, 0.3209, 0.4214, 0.1, 0.0443),
             ("SC", 100.0, 0.4236, 0.4214, 0.03, 0.0443), ("57501", 100.0, 0.4618, 0.4214, 0.0764, 0.0443)]
    assert read_card(words).values["address"] == "8760 PARK CT"


def _illinois_lowres(signature: str) -> dict:
    """The low-resolution Illinois sample's name block as the local engine read it ("2 JANE Q" lost
    its field number and its space), under a signature read as ``signature``."""
    return _words([("ILLINOIS", 100.0, 0.075, 0.056, 0.258, 0.089), ("PUBLIC", 100.0, 0.379, 0.4145, 0.121, 0.0598),
                   ("JANEQ", 100.0, 0.3737, 0.4615, 0.1263, 0.0598), ("1234", 100.0, 0.379, 0.513, 0.07, 0.047),
                   ("MAIN", 100.0, 0.458, 0.513, 0.07, 0.047), ("STREET", 100.0, 0.537, 0.513, 0.105, 0.047),
                   ("SPRINGFIELD,", 100.0, 0.382, 0.551, 0.2, 0.052), ("IL", 100.0, 0.59, 0.551, 0.03, 0.052),
                   ("62723", 100.0, 0.625, 0.551, 0.074, 0.052), (signature, 100.0, 0.0511, 0.8205, 0.2796, 0.1111)])


def test_a_middle_initial_glued_to_the_given_name_is_split_where_the_signature_writes_it_alone():
    f = parse_licence(_illinois_lowres("JomeQTublic"), run_date=RUN)  # Jane Q Public, as OCR read the signature
    assert (f.values["first_name"], f.values["middle_name"], f.values["last_name"]) == ("JANE", "Q", "PUBLIC")


def test_a_given_name_is_not_split_when_the_signature_shows_no_initial_before_the_family_name():
    f = parse_licence(_illinois_lowres("JaneqPublic"), run_date=RUN)
    assert f.values["first_name"] == "JANEQ" and "middle_name" not in f.values


Quad = list[tuple[float, float]]


def _lines(lines: list[list[tuple[str, float, Quad]]]) -> dict:
    """A page of OCR lines, each its words ``(text, confidence, polygon)`` as the local engine read them."""
    dets = []
    for words in lines:
        line_id = len(dets)
        first, last = words[0][2], words[-1][2]
        dets.append(make_detection(id=line_id, type="LINE", text=" ".join(w[0] for w in words),
                                   confidence=min(w[1] for w in words), polygon=[first[0], last[1], last[2], first[3]]))
        for text, conf, quad in words:
            dets.append(make_detection(id=len(dets), type="WORD", text=text, confidence=conf, parent_id=line_id,
                                       polygon=quad))
    return {"TextDetections": dets}


def test_a_caption_alone_on_its_line_is_never_a_name():
    # A generated Wyoming card, rotated, as the local engine read it: the given names sit a little
    # higher than the FIRST NAME caption's reach, and the ADDRESS caption over the street was read
    # as the given name.  The name lines come from the block above the street, captions passed over.
    lines = [
        [("WYOMING", 100.0, [(0.0304, 0.1338), (0.2319, 0.1099), (0.2367, 0.1831), (0.0352, 0.207)])],
        [("LAST", 100.0, [(0.3241, 0.2915), (0.3593, 0.2873), (0.3612, 0.3197), (0.326, 0.3239)]),
         ("NAME", 99.6, [(0.3641, 0.2873), (0.403, 0.2831), (0.4049, 0.3155), (0.366, 0.3197)])],
        [("SMITH", 100.0, [(0.3308, 0.3197), (0.404, 0.3113), (0.4059, 0.3592), (0.3327, 0.3676)])],
        [("FIRST", 100.0, [(0.3289, 0.3761), (0.3679, 0.3718), (0.3698, 0.4042), (0.3308, 0.4085)]),
         ("NAME", 100.0, [(0.3726, 0.3704), (0.4144, 0.3662), (0.4163, 0.3986), (0.3745, 0.4028)])],
        [("LINDA", 100.0, [(0.3308, 0.4028), (0.4097, 0.3944), (0.4125, 0.4408), (0.3337, 0.4493)]),
         ("SARAH", 100.0, [(0.4259, 0.393), (0.5038, 0.3845), (0.5067, 0.431), (0.4287, 0.4394)])],
        [("ADDRESS", 100.0, [(0.3337, 0.4577), (0.3973, 0.4521), (0.3983, 0.4845), (0.3346, 0.4901)])],
        [("6351", 100.0, [(0.3365, 0.4873), (0.3954, 0.4803), (0.3973, 0.5254), (0.3384, 0.5324)]),
         ("CEDAR", 100.0, [(0.4125, 0.4775), (0.4876, 0.469), (0.4895, 0.5141), (0.4144, 0.5225)]),
         ("RD", 100.0, [(0.5095, 0.4662), (0.5333, 0.4634), (0.5352, 0.5085), (0.5114, 0.5113)])],
        [("FAIRVIEW,", 100.0, [(0.3375, 0.5394), (0.4791, 0.5239), (0.4819, 0.5704), (0.3403, 0.5859)]),
         ("WY", 100.0, [(0.4952, 0.5211), (0.5266, 0.5183), (0.5295, 0.5648), (0.4981, 0.5676)]),
         ("84847", 100.0, [(0.5428, 0.5155), (0.6169, 0.507), (0.6198, 0.5535), (0.5456, 0.562)])]]
    f = parse_licence(_lines(lines), run_date=RUN)
    assert (f.values["last_name"], f.values["first_name"], f.values["middle_name"]) == ("SMITH", "LINDA", "SARAH")
    assert f.values["address"] == "6351 CEDAR RD"


def test_a_misread_caption_on_the_labels_own_row_far_to_its_right_is_not_its_value():
    # A generated Oklahoma card at low resolution: "LAST NAME" read "LRST NAME", and the birth
    # date's caption "DOB" to its right, a little lower, read "DOS": the family name is the line below.
    lines = [
        [("OKLAHOMA", 100.0, [(0.0563, 0.0259), (0.2732, 0.0302), (0.2704, 0.1034), (0.0535, 0.0991)])],
        [("LRST", 99.8, [(0.338, 0.2672), (0.3775, 0.2672), (0.3775, 0.3103), (0.338, 0.3103)]),
         ("NAME", 61.3, [(0.3803, 0.2672), (0.4282, 0.2672), (0.4282, 0.3103), (0.3803, 0.3103)])],
        [("DOS", 65.4, [(0.662, 0.2931), (0.7014, 0.2931), (0.7014, 0.3319), (0.662, 0.3319)])],
        [("SMITH-JONES", 100.0, [(0.338, 0.3017), (0.5437, 0.306), (0.5437, 0.375), (0.338, 0.3707)])],
        [("12/22/1955", 100.0, [(0.6648, 0.3233), (0.8479, 0.3276), (0.8451, 0.3879), (0.662, 0.3836)])]]
    assert parse_licence(_lines(lines), run_date=RUN).values["last_name"] == "SMITH-JONES"


# ---- the printed zone of passports, ID cards and visas (read when their MRZ is not) ----------------
#: The local engine's lines of a generated Portuguese ID card's printed zone (v3 generator, seed 7 mrz-007).
ICAO_CAPTIONS = [("Surname / Nom", 0.32, 0.22), ("ANDERSSON", 0.32, 0.26), ("Given names / Prenoms", 0.32, 0.32),
                 ("CARLOS SOFIA", 0.32, 0.36), ("Date of birth", 0.32, 0.41), ("08 APR 2002", 0.32, 0.45),
                 ("Date of expiry", 0.33, 0.51), ("09 AUG 2028", 0.33, 0.54)]


def test_a_caption_followed_by_its_french_translation_names_the_value_below_not_the_translation():
    f = _fields(ICAO_CAPTIONS)
    assert (f["last_name"], f["first_name"], f.get("middle_name")) == ("ANDERSSON", "CARLOS", "SOFIA")


def test_dates_printed_with_the_months_name_are_read_under_the_birth_and_expiry_captions():
    f = _fields(ICAO_CAPTIONS)
    assert (f["date_of_birth"], f["expiration_date"]) == (dt.date(2002, 4, 8), dt.date(2028, 8, 9))


def test_surname_with_rn_read_as_m_is_still_the_surname_caption():
    # The engine read a Turkish card's "Surname / Nom" as "Sumame / Nom" (seed 3 mrz-002).
    assert _fields([("Sumame / Nom", 0.32, 0.21), ("PATEL", 0.32, 0.245)])["last_name"] == "PATEL"

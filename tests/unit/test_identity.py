"""Identity rows: licence labels in their layouts, MRZ documents, bad input, redaction."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from docbatch.parse.identity.parser import parse_identity
from docbatch.parse.redaction import redact_row
from docbatch.parse.identity.names import soundex
from docbatch.response import make_detection
from docbatch.parse.catalog import IDS

from ..conftest import SHARED as DATA
from ..support.responses import response_from_rows

RUN = dt.date(2026, 6, 1)


_response = response_from_rows


def _textract_blocks(path: Path) -> dict:
    """A Textract AnalyzeID answer's LINE/WORD blocks as a DetectText response."""
    doc = json.loads(path.read_text(encoding="utf-8"))["IdentityDocuments"][0]
    dets = [make_detection(id=i, type=b["BlockType"], text=b["Text"], confidence=b["Confidence"],
                           polygon=[(p["X"], p["Y"]) for p in b["Geometry"]["Polygon"]])
            for i, b in enumerate(doc["Blocks"]) if b["BlockType"] in ("LINE", "WORD")]
    return {"TextDetections": dets}


def test_numbered_labels_above_values_read_like_textract():
    path = DATA / "textract" / "analyze-id" / "fake_id.png.json"
    if not path.exists():
        pytest.skip("shared Textract sample not available")
    f = parse_identity(_textract_blocks(path), run_date=RUN).fields
    assert (f["last_name"], f["first_name"]) == ("MARÍA", "GARCÍA")  # AAMVA 1 = family, 2 = given
    assert f["document_number"] == "736HDV7874JSB"
    assert (f["date_of_issue"], f["expiration_date"], f["date_of_birth"]) == (
        dt.date(2018, 3, 18), dt.date(2028, 1, 20), dt.date(2001, 3, 18))
    assert (f["address"], f["city_in_address"], f["state_in_address"], f["zip_code_in_address"]) == (
        "100 MARKET STREET", "BIGTOWN", "MA", "02801")
    assert (f["class"], f["restrictions"], f["sex"], f["state_name"]) == ("D", "NONE", "F", "MASSACHUSETTS")
    # A made-up number: it fits none of Massachusetts' published formats, so it is flagged.
    assert f["document_number_source"] == "visual" and f["review_reason"] == "low confidence: document_number"


def test_labels_glued_to_values_as_ocr_returns_them():
    # Text as the local engine reads the California sample.
    page = _response([("CALIFORNIA DRIVER LICENSE", 0.05, 0.03), ("DLI1234562", 0.33, 0.21), ("CLASS C", 0.66, 0.21),
                      ("EXP 08/31/2030", 0.33, 0.29), ("END NONE", 0.66, 0.29), ("LNSAMPLE", 0.33, 0.36),
                      ("FNALEXANDER JOSEPH", 0.33, 0.41), ("2570 24TH STREET", 0.33, 0.46),
                      ("ANYTOWN, CA 95818", 0.33, 0.51), ("DOB08/31/1977", 0.33, 0.56), ("RSTRNONE", 0.33, 0.62),
                      ("SEX M", 0.43, 0.75), ("ISS", 0.80, 0.81), ("08/31/2019", 0.80, 0.85)])
    f = parse_identity(page, run_date=RUN).fields
    assert (f["document_number"], f["last_name"], f["first_name"], f["middle_name"]) == (
        "I1234562", "SAMPLE", "ALEXANDER", "JOSEPH")
    assert (f["date_of_birth"], f["expiration_date"], f["date_of_issue"]) == (
        dt.date(1977, 8, 31), dt.date(2030, 8, 31), dt.date(2019, 8, 31))
    assert (f["class"], f["endorsements"], f["restrictions"], f["sex"]) == ("C", "NONE", "NONE", "M")
    assert (f["address"], f["zip_code_in_address"], f["state_name"]) == ("2570 24TH STREET", "95818", "CALIFORNIA")
    assert f["id_type"] == "drivers_license" and f["expired"] is False


def test_aamva_numbers_prefix_labels_and_dashes_leave_the_number():
    # Arizona / Minnesota / Wisconsin shapes from the Textract samples.
    page = _response([("ARIZONA DRIVER LICENSE", 0.05, 0.03), ("4dDLN D08-954-796", 0.60, 0.27),
                      ("3 DOB 01/01/1974", 0.60, 0.33), ("1.", 0.37, 0.42), ("SAMPLE", 0.40, 0.41),
                      ("2", 0.37, 0.47), ("JELANI", 0.40, 0.46), ("8", 0.37, 0.52), ("123 MAIN ST", 0.40, 0.52),
                      ("PHOENIX, AZ 85007", 0.40, 0.56), ("4b EXP 03/01/2024 4a ISS 03/01/2016", 0.37, 0.64),
                      ("12 REST B", 0.37, 0.70), ("9 CLASS D", 0.60, 0.70)])
    f = parse_identity(page, run_date=RUN).fields
    assert (f["document_number"], f["last_name"], f["first_name"]) == ("D08954796", "SAMPLE", "JELANI")
    assert (f["expiration_date"], f["date_of_issue"]) == (dt.date(2024, 3, 1), dt.date(2016, 3, 1))
    assert (f["address"], f["restrictions"], f["class"]) == ("123 MAIN ST", "B", "D")
    assert f["expired"] is True


def test_unlabelled_name_lines_ordered_by_soundex_licence_number():
    # Florida prints first name above last name; its number starts with Soundex(SAMPLE).
    assert soundex("SAMPLE") == "S514" and soundex("ASHCRAFT") == "A261"
    page = _response([("FLORIDA DRIVER LICENSE CLASS E", 0.30, 0.12), ("S514-172-80-844-0", 0.37, 0.19),
                      ("JOE", 0.33, 0.28), ("SAMPLE", 0.33, 0.34), ("921 GETAWAY LANE", 0.33, 0.41),
                      ("TALLAHASSEE, FL 32317", 0.33, 0.46), ("DOB:08-16-1960 SEX: M", 0.33, 0.52),
                      ("ISSUED:02-01-2013", 0.33, 0.57), ("EXPIRES:07-10-2031", 0.33, 0.62)])
    f = parse_identity(page, run_date=RUN).fields
    assert (f["first_name"], f["last_name"], f["document_number"]) == ("JOE", "SAMPLE", "S514172808440")
    assert f["last_name_confidence"] < f["date_of_birth_confidence"]  # structure, not a label


def test_dates_whose_labels_were_lost_fall_back_to_order_with_lower_confidence():
    page = _response([("MAINE DRIVER'S LICENSE", 0.05, 0.05), ("DL NO. 1234567", 0.32, 0.24),
                      ("06/30/2031 01/12/1967", 0.32, 0.31), ("SAMPLE", 0.32, 0.37), ("NICK", 0.32, 0.42),
                      ("123 STATE STREET", 0.32, 0.48), ("AUGUSTA, ME 04330-1234", 0.32, 0.53)])
    f = parse_identity(page, run_date=RUN).fields
    assert (f["date_of_birth"], f["expiration_date"]) == (dt.date(1967, 1, 12), dt.date(2031, 6, 30))
    assert f["date_of_birth_confidence"] < 96.0  # an expiry on the birthday would confirm it: not this one
    assert f["zip_code_in_address"] == "043301234"


TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]


def test_passport_fields_come_from_the_mrz_and_are_cross_checked():
    page = _response([("PASSPORT UTOPIA", 0.1, 0.05), ("Passport No. L898902C3", 0.1, 0.15),
                      ("Surname ERIKSSON", 0.1, 0.25), ("Given names ANNA MARIA", 0.1, 0.35),
                      (TD3[0], 0.02, 0.80), (TD3[1], 0.02, 0.88)], char_w=0.021)
    f = parse_identity(page, run_date=RUN).fields
    assert (f["id_type"], f["last_name"], f["first_name"], f["document_number"]) == (
        "passport", "ERIKSSON", "ANNA MARIA", "L898902C3")
    assert (f["date_of_birth"], f["expiration_date"]) == (dt.date(1974, 8, 12), dt.date(2012, 4, 15))
    assert f["last_name_source"] == "mrz" and f["mrz_code"] == "\n".join(TD3)
    assert (f["mrz_valid"], f["mrz_failed_checks"], f["expired"], f["fields_agree"]) == (True, None, True, True)
    assert f["needs_review"] is False


def test_printed_zone_contradicting_the_mrz_is_flagged():
    page = _response([("PASSPORT UTOPIA", 0.1, 0.05), ("Passport No. X1234567", 0.1, 0.15),
                      ("Surname ERIKSSON", 0.1, 0.25), (TD3[0], 0.02, 0.80), (TD3[1], 0.02, 0.88)], char_w=0.021)
    f = parse_identity(page, run_date=RUN).fields
    assert f["fields_agree"] is False and "document_number" in f["review_reason"]


def test_failed_check_digit_sends_to_review_with_its_name():
    bad = TD3[1][:27] + "0" + TD3[1][28:]
    f = parse_identity(_response([(TD3[0], 0.02, 0.80), (bad, 0.02, 0.88)], char_w=0.021), run_date=RUN).fields
    assert f["mrz_valid"] is False and "expiration_date_check" in f["mrz_failed_checks"]
    assert f["needs_review"] is True and f["expiration_date_confidence"] <= 50


@pytest.mark.parametrize("rows", [[], [("5412 7512 3412 3456", 0.1, 0.5), ("VALID THRU 12/23", 0.1, 0.6)]])
def test_not_an_id_gives_nulls_and_a_reason(rows):
    f = parse_identity(_response(rows), run_date=RUN).fields
    assert f["id_type"] == "unknown" and f["document_number"] is None and f["last_name"] is None
    assert f["needs_review"] is True and "no identity fields" in f["review_reason"]


def test_row_has_every_ids_column():
    f = parse_identity(_response([]), run_date=RUN).fields
    assert set(f) == set(IDS.names) - {"doc_id", "source"}


def test_redact_hashes_names_masks_numbers_and_drops_birth_date():
    page = _response([(TD3[0], 0.02, 0.80), (TD3[1], 0.02, 0.88)], char_w=0.021)
    f = parse_identity(page, run_date=RUN).fields
    def redact(row, key=None):
        return redact_row("ids", row, key=key, identity=True)

    r = redact(f)
    assert r["last_name"].startswith("sha256:") and r["last_name"] == redact(dict(f))["last_name"]
    assert r["document_number"] == "*****02C3"
    assert r["date_of_birth"] is None and r["mrz_code"] is None
    assert not any(v in str(r) for v in ("ERIKSSON", "ANNA", "L898902C3", "1974"))
    assert redact(f, key=b"k")["last_name"] != r["last_name"]


def test_single_name_label_with_comma_and_compact_labelled_date():
    page = _response([("DRIVER LICENSE", 0.05, 0.05), ("LIC# 12345678", 0.3, 0.2), ("NAME SAMPLE, JOHN A", 0.3, 0.27),
                      ("DOB 01061968", 0.3, 0.34), ("EXP 01/06/2031", 0.6, 0.34)])
    f = parse_identity(page, run_date=RUN).fields
    assert (f["last_name"], f["first_name"], f["middle_name"]) == ("SAMPLE", "JOHN", "A")
    assert f["date_of_birth"] == dt.date(1968, 1, 6)


def test_a_receipt_sent_as_an_id_gives_nulls_not_stray_fields():
    page = _response([("COSTCO WHOLESALE", 0.1, 0.05), ("INVOICE NO. 12345678", 0.1, 0.1), ("07/10/2021 14:02", 0.1, 0.15),
                      ("SUBTOTAL 45.10", 0.1, 0.3), ("TAX 3.61", 0.1, 0.35), ("TOTAL 48.71", 0.1, 0.4)])
    f = parse_identity(page, run_date=RUN).fields
    assert f["document_number"] is None and f["expiration_date"] is None
    assert f["needs_review"] is True and "not an identity document" in f["review_reason"]


def test_an_mrz_zone_that_cannot_be_read_leaves_the_printed_names_flagged():
    # The local engine's reading of a generated visa: the orientation model turned the MRZ's
    # second line upside down ("<<<" read as ">>>"), so no MRZ decodes, and the printed
    # labels are bilingual ("Surname / Nom"). Whatever print gives is unverified.
    page = _response([("EIRE IRELAND", 0.05, 0.03), ("VISA", 0.55, 0.08), ("Surname / Nom", 0.35, 0.14),
                      ("WANG", 0.35, 0.18), ("Given names / Prenoms", 0.35, 0.24), ("CARLOS", 0.35, 0.28),
                      ("Date of birth", 0.35, 0.34), ("06 JAN 1984", 0.35, 0.38),
                      ("VCIRLWANG<<CARLOS<<<<<<<<<<<<<<<<<<<<<<<<<<<", 0.05, 0.85),
                      (">>>>>>>>>>>>>>>>4820290087202029", 0.05, 0.92)], char_w=0.018)
    f = parse_identity(page, run_date=RUN).fields
    assert f["mrz_code"] is None and f["needs_review"] is True
    assert "mrz unreadable" in f["review_reason"]
    for name in ("last_name", "first_name"):
        assert f[name] is None or name in f["review_reason"], (name, f[name], f["review_reason"])


def test_a_licence_without_mrz_marks_is_not_called_mrz_unreadable():
    page = _response([("CALIFORNIA DRIVER LICENSE", 0.05, 0.05), ("DL I1234568", 0.35, 0.2),
                      ("LN SAMPLE", 0.35, 0.3), ("FN ALEXANDER", 0.35, 0.36), ("DOB 08/31/1977", 0.35, 0.42),
                      ("EXP 08/31/2029", 0.35, 0.48)], char_w=0.018)
    f = parse_identity(page, run_date=RUN).fields
    assert "mrz" not in str(f["review_reason"] or "")


def test_the_printed_number_decides_what_the_check_digit_cannot():
    # The local engine read an ID card's short number "CY654715<" as "CY654715A": "A" and "<"
    # weigh the same in every check digit, so the zone is valid either way. Print says CY654715.
    td1 = ["I<PHLCY654715A8<<<<<<<<<<<<<<<", "4002286<3601110PHL<<<<<<<<<<<4", "WANG<<OLUWASEUN<<<<<<<<<<<<<<<"]
    page = _response([("REPUBLIKA NG PILIPINAS", 0.05, 0.03), ("Document no.", 0.35, 0.40), ("CY654715", 0.35, 0.45),
                      ("Surname / Nom", 0.35, 0.14), ("WANG", 0.35, 0.18), ("Given names / Prenoms", 0.35, 0.24),
                      ("OLUWASEUN", 0.35, 0.28), (td1[0], 0.05, 0.80), (td1[1], 0.05, 0.86), (td1[2], 0.05, 0.92)],
                     char_w=0.03)
    f = parse_identity(page, run_date=RUN).fields
    assert f["document_number"] == "CY654715" and f["mrz_valid"] is True
    assert f["mrz_code"].split("\n")[0] == "I<PHLCY654715<8<<<<<<<<<<<<<<<"
    assert f["fields_agree"] is True


def test_a_printed_number_that_breaks_the_check_digit_is_not_taken():
    page = _response([("PASSPORT UTOPIA", 0.1, 0.05), ("Passport No. L898902C4", 0.1, 0.15),
                      ("Surname ERIKSSON", 0.1, 0.25), ("Given names ANNA MARIA", 0.1, 0.35),
                      (TD3[0], 0.02, 0.80), (TD3[1], 0.02, 0.88)], char_w=0.021)
    f = parse_identity(page, run_date=RUN).fields
    assert f["document_number"] == "L898902C3" and "document_number" in f["review_reason"]


def test_given_names_the_printed_zone_lacks_are_flagged():
    # "WEI" read "WEH" in a visa's MRZ: names carry no check digit; print says WEI, and is taken, in doubt.
    mrva = ["V<DEUSCHMIDT<<WEH<<<<<<<<<<<<<<<<<<<<<<<<<<<", "U524081V36MEX6403212M2906184<<<<<<<<<<<<<<<<"]
    page = _response([("BUNDESREPUBLIK DEUTSCHLAND", 0.05, 0.03), ("VISA", 0.55, 0.08), ("SCHMIDT", 0.35, 0.18),
                      ("WEI", 0.35, 0.28), ("U524081V3", 0.35, 0.45), (mrva[0], 0.02, 0.85), (mrva[1], 0.02, 0.92)],
                     char_w=0.021)
    f = parse_identity(page, run_date=RUN).fields
    assert f["first_name"] == "WEI" and "first_name" in f["review_reason"] and f["fields_agree"] is False


def test_a_number_print_does_not_show_is_not_called_a_disagreement():
    # The engine often misses the printed number's line; the MRZ's check digit still guards it.
    page = _response([("PASSPORT UTOPIA", 0.1, 0.05), ("Surname ERIKSSON", 0.1, 0.25),
                      ("Given names ANNA MARIA", 0.1, 0.35), ("Date of birth 12 AUG 1974", 0.1, 0.45),
                      (TD3[0], 0.02, 0.80), (TD3[1], 0.02, 0.88)], char_w=0.021)
    f = parse_identity(page, run_date=RUN).fields
    assert f["fields_agree"] is True and f["needs_review"] is False


def test_every_field_of_an_mrz_whose_checks_fail_is_under_the_review_level():
    shifted = "I<<<<AUSOSPKZI8965944<<<<<<<<<"  # read with fillers inserted: the country code is lost
    td1 = [shifted, "4104180F2911113AUS<<<<<<<<<<<5", "DUBOIS<<KRZYSZTOF<<<<<<<<<<<<<"]
    page = _response([(td1[0], 0.02, 0.80), (td1[1], 0.02, 0.86), (td1[2], 0.02, 0.92)], char_w=0.03)
    f = parse_identity(page, run_date=RUN).fields
    assert f["mrz_valid"] is False
    assert all(f[f"{name}_confidence"] < 50 for name in ("document_number", "last_name", "date_of_birth"))


def test_a_number_the_check_digit_passes_only_after_two_swaps_is_flagged():
    # "L898902C3" read "L8989O2CB": the repair's first reading that holds the check needs two
    # swaps and is not even the right one (L8989OZC8); one reading in ten passes by chance.
    line2 = TD3[1].replace("L898902C3", "L8989O2CB")
    f = parse_identity(_response([(TD3[0], 0.02, 0.80), (line2, 0.02, 0.88)], char_w=0.021), run_date=RUN).fields
    assert f["mrz_valid"] is True and f["document_number"] != "L898902C3"
    assert f["document_number_confidence"] <= 50 and "document_number" in f["review_reason"]


def test_a_guessed_number_the_printed_zone_reads_the_same_is_not_flagged():
    # A generated Mexican visa as the local engine read it: "OICYESIPO" read "0ICYESIP0"; two
    # swaps pass the check digit, and the print, read apart from the zone, shows that reading.
    mrvb = ["V<MEXSILVA<<AL<ANNA<<<<<<<<<<<<<<<<<", "0ICYESIP07MEX4604059F3007239<<<<<<<<"]
    rows = [("ESTADOS UNIDOS MEXICANOS", 0.05, 0.03), ("VISA", 0.55, 0.08), ("SILVA", 0.35, 0.18),
            ("AL ANNA", 0.35, 0.28), ("Document no.", 0.35, 0.40), (mrvb[0], 0.02, 0.80), (mrvb[1], 0.02, 0.88)]
    unprinted = parse_identity(_response(rows, char_w=0.021), run_date=RUN).fields
    printed = parse_identity(_response(rows + [("OICYESIPO", 0.35, 0.45)], char_w=0.021), run_date=RUN).fields
    assert unprinted["document_number"] == printed["document_number"] == "OICYESIPO"
    assert "document_number" in unprinted["review_reason"]
    assert printed["needs_review"] is False and printed["document_number_confidence"] > 50


def test_a_number_the_check_digit_did_not_choose_is_flagged_where_print_lacks_it():
    # A generated Italian visa as the local engine read it: three one-swap readings of
    # "C0030010" pass the check digit; no printed number was read to choose between them.
    mrvb = ["V<ITASIＬVA<<Y∪KI<<<<<<<<<<<<<<<<<<<<", "C0030010<4JΡN1103104F3111024776209<<"]
    rows = [("REPUBBLICA ITALIANA", 0.05, 0.03), ("VISA", 0.55, 0.08), ("SILVA", 0.35, 0.18), ("YUKI", 0.35, 0.28),
            (mrvb[0], 0.02, 0.80), (mrvb[1], 0.02, 0.88)]
    f = parse_identity(_response(rows, char_w=0.021), run_date=RUN).fields
    assert f["document_number_confidence"] <= 50 and "document_number" in f["review_reason"]


def test_given_names_read_from_print_beside_an_unreadable_zone_stay_one_field_as_the_mrz_gives_them():
    # The zone's second line read upside down (">>>"), so print is all there is; its given
    # names "CARLOS SOFIA" are the holder's given names, as the MRZ would have them.
    rows = [("REPUBLICA PORTUGUESA", 0.04, 0.06), ("IDENTITY CARD", 0.54, 0.13), ("Surname / Nom", 0.32, 0.22),
            ("ANDERSSON", 0.32, 0.26), ("Given names / Prenoms", 0.32, 0.32), ("CARLOS SOFIA", 0.32, 0.36),
            ("ANDERSSON<<ＣARＬOS<SOFIA<<<<<<<", 0.06, 0.82), (">>>>>>>>>>>>>>>>4820290087202029", 0.05, 0.72)]
    f = parse_identity(_response(rows, char_w=0.0125, h=0.04), run_date=RUN).fields
    assert f["mrz_code"] is None and (f["first_name"], f["middle_name"]) == ("CARLOS SOFIA", None)
    assert "first_name" in f["review_reason"]


def test_a_zone_whose_name_print_reads_otherwise_is_in_doubt_as_a_whole():
    # A generated Italian passport as the local engine read it: "CRUZ" read "CRUN" in the zone
    # (names carry no check digit); the printed surname says DELA CRUZ.
    td3 = ["P<ITADELA<CRUN<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<", "0290614356ITA0901093F3202229<<<<<<<<<<<<<<00"]
    rows = [("REPUBLICA ITALIANA", 0.03, 0.03), ("PASSPORT", 0.55, 0.08), ("Surname/Nom", 0.31, 0.13),
            ("DELA CRUZ", 0.31, 0.15), ("Document no.", 0.31, 0.36), ("029061435", 0.31, 0.38),
            (td3[0], 0.05, 0.82), (td3[1], 0.05, 0.88)]
    f = parse_identity(_response(rows, char_w=0.02), run_date=RUN).fields
    assert f["mrz_valid"] is True and f["last_name"] == "DELA CRUZ" and "last_name" in f["review_reason"]
    assert f["mrz_code_confidence"] < 50


def test_a_zone_whose_number_is_a_guess_is_in_doubt_as_a_whole():
    # A generated Indian visa as the local engine read it: "U016854O9" read "U01685409" in the
    # zone and in print; "UO1685409" passes the check digit as well as the truth does.
    mrva = ["V<INDEL<SAYED<<SIOBHAN<CHIOMA<<<<<<<<<<<<<<<", "U016854091IND6103154M2810205<<<<<<<<<<<<<<<<"]
    rows = [("REPUBLIC OF INDIA", 0.03, 0.03), ("VISA", 0.55, 0.08), ("EL-SAYED", 0.31, 0.15),
            ("SIOBHAN CHIOMA", 0.31, 0.25), ("Document no.", 0.31, 0.40), ("U01685409", 0.31, 0.42),
            (mrva[0], 0.05, 0.84), (mrva[1], 0.05, 0.90)]
    f = parse_identity(_response(rows, char_w=0.02), run_date=RUN).fields
    assert "document_number" in f["review_reason"] and f["mrz_code_confidence"] < 50


def test_a_zone_name_one_letter_from_the_printed_name_is_respelt_as_printed_and_flagged():
    # A generated Australian passport as the local engine read it: OCR-B's "Z" before a filler
    # read "N" ("FERNANDEN"); print spells FERNANDEZ. Names carry no check digit to choose.
    td3 = ["PΛAUSFERNANDEN<<FATIMA<ΛΛΛΛΛ<ΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛ", "ICMUZISKZ8D<<4202075<3205024<<<<<<<<<<<<<<00"]
    rows = [("AUSTRALIA", 0.03, 0.03), ("PASSPORT", 0.55, 0.08), ("Surname / Nom", 0.31, 0.13),
            ("FERNANDEZ", 0.31, 0.16), ("FATIMA", 0.31, 0.25), (td3[0], 0.05, 0.84), (td3[1], 0.05, 0.90)]
    f = parse_identity(_response(rows, char_w=0.02), run_date=RUN).fields
    assert f["last_name"] == "FERNANDEZ" and f["mrz_code"].startswith("P<AUSFERNANDEZ<<FATIMA<<")
    assert "last_name" in f["review_reason"] and f["mrz_code_confidence"] < 50


def test_a_word_of_a_printed_date_is_no_name_to_respell_the_zone_by():
    # "JUN" of "MIN JUN" is one letter from the "JAN" of the printed birth date.
    td2 = ["I<GBRSMITH<JONES<<KRZYSZTOF<MIN<JUN<", "IQDB0CRSN4GBR7501090F2912028<<<<<<<8"]
    rows = [("UNITED KINGDOM", 0.03, 0.06), ("SMITH-JONES", 0.31, 0.2), ("Date of birth", 0.31, 0.31),
            ("09 JAN 1975", 0.31, 0.33), (td2[0], 0.07, 0.80), (td2[1], 0.07, 0.85)]
    f = parse_identity(_response(rows, char_w=0.024), run_date=RUN).fields
    assert f["first_name"] == "KRZYSZTOF MIN JUN"


def test_a_card_code_letter_restored_by_guess_puts_the_zone_text_in_doubt_but_not_its_fields():
    # "I<" read "H<" (the local engine on OCR-B TD1 cards): the zone's text is a guess between
    # A, C and I; the number, names and dates the check digits prove are not.
    td1 = ["H<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]
    page = _response([("IDENTITY CARD", 0.5, 0.05), ("ERIKSSON", 0.35, 0.2), ("ANNA MARIA", 0.35, 0.3),
                      (td1[0], 0.02, 0.78), (td1[1], 0.02, 0.85), (td1[2], 0.02, 0.92)], char_w=0.03)
    f = parse_identity(page, run_date=RUN).fields
    assert f["mrz_code"].startswith("I<UTO") and f["id_type"] == "id_card" and f["mrz_valid"] is True
    assert f["mrz_code_confidence"] <= 40 and "mrz_code" in f["review_reason"]
    assert f["document_number_confidence"] > 50 and f["last_name_confidence"] > 50


_VISA = ["V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "C0LI0QEBS0UTO4009078F9612109<<<<<<<<"]
_VISA_ROWS = [("UTOPIA", 0.05, 0.03), ("VISA", 0.55, 0.08), ("ERIKSSON", 0.35, 0.18), ("ANNA MARIA", 0.35, 0.28),
              ("Document no.", 0.35, 0.40), (_VISA[0], 0.02, 0.80), (_VISA[1], 0.02, 0.88)]


def test_print_the_zone_as_read_agrees_with_wins_over_the_repair_that_swapped_away_from_it():
    # "COLIOQEBS" read "C0LI0QEBS" in the zone (the engine's O/0 confusion on generated
    # visas): the check fails, and the one swap that passes it (Q to 0) gives C0LI00EBS.
    # Print shows COLIOQEBS: two look-alikes from the zone as read, every check holding.
    f = parse_identity(_response(_VISA_ROWS + [("COLIOQEBS", 0.35, 0.45)], char_w=0.021), run_date=RUN).fields
    assert f["document_number"] == "COLIOQEBS" and f["mrz_valid"] is True


def test_a_number_print_reads_with_other_look_alikes_is_a_disagreement_even_without_digits():
    # Print's "COLI0QEBS" passes no check, so it decides nothing, but it is the zone's number
    # read with other look-alikes: the repaired C0LI00EBS is in doubt.
    f = parse_identity(_response(_VISA_ROWS + [("COLI0QEBS", 0.35, 0.45)], char_w=0.021), run_date=RUN).fields
    assert f["document_number"] == "C0LI00EBS" and "document_number" in f["review_reason"]
    assert f["mrz_code_confidence"] <= 40


def test_a_country_code_taken_from_the_other_country_field_by_guess_is_flagged_with_the_zone_text():
    # A generated Irish visa as the local engine read it: "IRL" read "HR厂" (a letter lost, one
    # misread); the nationality IRL is the likely issuing state, but nothing proves it.
    visa = ["VΛHR厂KOWALSKAΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛ", "GX00447338IRL6502034M3302277<<<<<<<<<<<<<<<<"]
    page = _response([("EIRE IRELAND", 0.05, 0.03), ("VISA", 0.55, 0.08), ("KOWALSKA", 0.35, 0.18),
                      (visa[0], 0.02, 0.80), (visa[1], 0.02, 0.88)], char_w=0.02)
    f = parse_identity(page, run_date=RUN).fields
    assert f["issuing_country"] == "IRL" and f["last_name"] == "KOWALSKA" and f["mrz_valid"] is True
    assert f["issuing_country_confidence"] <= 50 and f["mrz_code_confidence"] <= 40
    assert "issuing_country" in f["review_reason"] and f["last_name_confidence"] > 50


def _passport(names: str, rows: list[tuple[str, float, float]]) -> dict:
    """The ICAO specimen's passport with the zone's names field read as ``names``, beside print ``rows``."""
    line1 = ("P<UTO" + names + "<" * 44)[:44]
    heading = [("UTOPIA", 0.05, 0.03), ("PASSPORT", 0.55, 0.05), ("Surname / Nom", 0.31, 0.13),
               ("Given names / Prenoms", 0.31, 0.22)]
    return parse_identity(_response(heading + rows + [(line1, 0.02, 0.80), (TD3[1], 0.02, 0.88)], char_w=0.021),
                          run_date=RUN).fields


def test_a_zone_name_print_spells_only_inside_a_longer_word_is_a_disagreement():
    # A generated passport as the local engine read it: the zone's "OE" lost its O ("E<<ANNA");
    # "E" is in the printed "OE", but no printed word reads "E".
    f = _passport("E<<ANNA", [("OE", 0.31, 0.16), ("ANNA", 0.31, 0.25)])
    assert f["last_name"] == "E" and "last_name" in f["review_reason"] and f["mrz_code_confidence"] < 50
    right = _passport("OE<<ANNA", [("OE", 0.31, 0.16), ("ANNA", 0.31, 0.25)])
    assert right["needs_review"] is False and right["fields_agree"] is True


def test_print_holding_more_given_names_than_a_zone_with_room_for_them_is_a_disagreement():
    # "MARIE<CLAIRE" cut to "MARIE<<": the zone has fillers left, so it was not truncated.
    f = _passport("SILVA<<MARIE", [("SILVA", 0.31, 0.16), ("MARIE CLAIRE", 0.31, 0.25)])
    assert f["first_name"] == "MARIE" and "first_name" in f["review_reason"] and f["mrz_code_confidence"] < 50


def test_a_zone_truncating_long_names_agrees_with_print_that_spells_them_whole():
    # ICAO cuts names that do not fit: the last zone word is a printed word's start.
    f = _passport("CHRISTODOULOPOULOU<<MARIE<CLAIRE<ANNA<SOFIA",
                  [("CHRISTODOULOPOULOU", 0.31, 0.16), ("MARIE CLAIRE ANNA SOFIA", 0.31, 0.25)])
    assert f["first_name"] == "MARIE CLAIRE ANNA S" and f["needs_review"] is False and f["fields_agree"] is True


def test_a_zone_cut_at_the_filler_after_a_name_word_agrees_with_print_spelling_more():
    # Seed 17's card: "JEAN-PIERRE" cut after "JEAN<" at the field's end; print spells PIERRE too.
    td1 = ["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "MUELLER<<OLUWASEUN<MARIA<JEAN<"]
    rows = [("UTOPIA", 0.05, 0.03), ("Surname / Nom", 0.31, 0.13), ("MUELLER", 0.31, 0.16),
            ("Given names / Prenoms", 0.31, 0.22), ("OLUWASEUN MARIA JEAN-PIERRE", 0.31, 0.25),
            (td1[0], 0.07, 0.75), (td1[1], 0.07, 0.82), (td1[2], 0.07, 0.89)]
    f = parse_identity(_response(rows, char_w=0.028), run_date=RUN).fields
    assert f["mrz_code"] == "\n".join(td1) and f["first_name"] == "OLUWASEUN MARIA JEAN"
    assert f["needs_review"] is False and f["fields_agree"] is True


def test_a_given_name_cut_to_its_initial_c_at_the_zones_end_is_kept_as_printed():
    # A generated visa as the local engine read it: "MARIE CLAIRE" cut at the field's end on its
    # C ("...MARIE<C"), read right, was taken for a filler misread as C ("MARIE<<"), flagged.
    f = _passport("MUELLERSCHMIDT<<LUCAS<KRZYSZTOF<MARIE<C",
                  [("MUELLERSCHMIDT", 0.31, 0.16), ("LUCAS KRZYSZTOF MARIE CLAIRE", 0.31, 0.25)])
    assert f["first_name"] == "LUCAS KRZYSZTOF MARIE C"
    assert f["needs_review"] is False and f["fields_agree"] is True


def test_a_cut_name_word_misread_at_the_zones_end_is_respelt_as_prints_word_opens_and_flagged():
    # Seed 89's passport: "JOSE" cut to "JO" at the field's end, its O read C ("...<<JC"); print
    # spells no word opening "JC", and one capital word opens a letter from it.
    f = _passport("WOLFESCHLEGELSTEINHAUSENBERGERDORFF<<JC",
                  [("WOLFESCHLEGELSTEINHAUSENBERGERDORFF", 0.31, 0.16), ("JOSE LUIS INGRID CHIOMA", 0.31, 0.25)])
    assert f["first_name"] == "JO" and f["mrz_code"].startswith("P<UTOWOLFESCHLEGELSTEINHAUSENBERGERDORFF<<JO\n")
    assert "respelt as printed" in f["review_reason"] and "first_name" in f["review_reason"]
    assert f["mrz_code_confidence"] < 50


def test_a_cut_name_word_whose_last_letter_was_lost_takes_it_from_print_and_is_flagged():
    # Seed 31's visa: "...BERGERDORFF" cut at "...BERGERD", its D lost ("...BERGER<").  Here
    # "OLUWASEUN" cut to "OLUWASEU", read "OLUWASE<".
    f = _passport("CHRISTODOULOPOULOU<<ALEKSANDRA<OLUWASE",
                  [("CHRISTODOULOPOULOU", 0.31, 0.16), ("ALEKSANDRA OLUWASEUN WEI", 0.31, 0.25)])
    assert f["first_name"] == "ALEKSANDRA OLUWASEU" and "first_name" in f["review_reason"]
    assert f["mrz_code_confidence"] < 50


def test_a_cut_name_word_misread_and_its_last_letter_lost_is_respelt_as_prints_word_opens():
    # Seed 67's passport: "OLUWASEUN" cut to "OLUWASEU", read "OLUWASI" and a filler.
    f = _passport("CHRISTODOULOPOULOU<<ALEKSANDRA<OLUWASI",
                  [("CHRISTODOULOPOULOU", 0.31, 0.16), ("ALEKSANDRA OLUWASEUN WEI", 0.31, 0.25)])
    assert f["first_name"] == "ALEKSANDRA OLUWASEU" and "first_name" in f["review_reason"]


def test_a_filler_read_as_k_after_the_given_names_is_a_disagreement_with_print():
    # The other reading of "...MARIA<K" at the field's end: a filler misread as K.  The letter is
    # kept, and print, spelling no word from K, flags the zone.
    f = _passport("SILVASANTOSDELACRUZPEREIR<<ANNA<MARIA<K",
                  [("SILVASANTOSDELACRUZPEREIR", 0.31, 0.16), ("ANNA MARIA", 0.31, 0.25)])
    assert "first_name" in f["review_reason"] and f["mrz_code_confidence"] < 50


def _zone_alone(names: str) -> dict:
    """The ICAO specimen's passport zone, its names field read as ``names``, on a page with no print read."""
    line1 = ("P<UTO" + names + "<" * 44)[:44]
    return parse_identity(_response([(line1, 0.02, 0.80), (TD3[1], 0.02, 0.88)], char_w=0.021), run_date=RUN).fields


def test_a_lone_k_after_the_given_names_with_no_print_to_judge_it_is_flagged():
    # "...MARIA<K": an initial K, or a filler misread as K.  Print would tell; with none read,
    # the zone cannot (names carry no check digit), so the given names are flagged.
    f = _zone_alone("SILVASANTOSDELACRUZPEREIR<<ANNA<MARIA<K")
    assert f["first_name"] == "ANNA MARIA K"
    assert f["needs_review"] is True and "first_name" in f["review_reason"] and f["mrz_code_confidence"] < 50


def test_given_names_with_no_lone_k_or_c_and_no_print_are_not_flagged_for_it():
    f = _zone_alone("SILVASANTOSDELACRUZPEREIR<<ANNA<MARIA")
    assert f["first_name"] == "ANNA MARIA" and "first_name" not in (f["review_reason"] or "")


def test_a_printed_line_holding_both_names_agrees_with_the_zone():
    # The shared specimens print "ERIKSSON, ANNA MARIA" on one line, and sign in mixed case.
    f = _passport("ERIKSSON<<ANNA<MARIA", [("ERIKSSON, ANNA MARIA", 0.31, 0.16), ("Anna Maria Eriksson", 0.31, 0.6)])
    assert f["needs_review"] is False and f["fields_agree"] is True


def test_a_number_whose_o_and_0_read_otherwise_pass_every_check_too_is_flagged():
    # A generated series mixing O among digits, "O641070O4", read "064107004" by zone and
    # print alike: two O/0 swaps of weights 7 and 3 keep every check, so the zone proves neither.
    line2 = "0641070040UTO7408122F1204159<<<<<<<<<<<<<<00"
    rows = [("PASSPORT UTOPIA", 0.1, 0.05), ("Passport No. 064107004", 0.1, 0.15), (TD3[0], 0.02, 0.80),
            (line2, 0.02, 0.88)]
    f = parse_identity(_response(rows, char_w=0.021), run_date=RUN).fields
    assert f["mrz_valid"] is True and f["document_number"] == "064107004"
    assert f["document_number_confidence"] <= 50 and "document_number" in f["review_reason"]
    assert f["mrz_code_confidence"] <= 50


def test_a_number_read_with_the_letter_o_among_digits_is_trusted_as_read():
    # "O641070O4" read so: its all-digit reading "064107004" passes every check too, but the
    # local engine reads no 0 as a letter O (0 of 755 zone zeros on generated documents; 103
    # of 243 Os it read as 0): a letter O the zone shows is one.
    line2 = "O641070O40UTO7408122F1204159<<<<<<<<<<<<<<00"
    f = parse_identity(_response([(TD3[0], 0.02, 0.80), (line2, 0.02, 0.88)], char_w=0.021), run_date=RUN).fields
    assert f["document_number"] == "O641070O4" and f["needs_review"] is False


def _numbered_passport(line2: str, *, printed: str) -> dict:
    """The ICAO specimen's passport with its second zone line read as ``line2``, the number printed as ``printed``."""
    rows = [("PASSPORT UTOPIA", 0.1, 0.05), (f"Passport No. {printed}", 0.1, 0.15), (TD3[0], 0.02, 0.80),
            (line2, 0.02, 0.88)]
    return parse_identity(_response(rows, char_w=0.021), run_date=RUN).fields


def test_a_letter_o_that_print_shows_where_the_zone_read_0_rules_out_its_rivals():
    # A generated visa's "C052058O1", its O read 0 by the zone and O by print: print's number is
    # taken (the check digit holds), and its rival "CO5205801" would need print's O to be a 0.
    f = _numbered_passport("C052058017UTO7408122F1204159<<<<<<<<<<<<<<06", printed="C052058O1")
    assert f["document_number"] == "C052058O1" and "document_number" not in (f["review_reason"] or "")
    assert f["document_number_confidence"] > 50


def test_a_number_whose_only_rival_puts_an_o_between_digits_away_from_its_ends_is_not_flagged():
    # A generated passport's "070006020", read so by zone and print: "O700O6020" keeps every
    # check, but a letter inside the digits, away from a series prefix or suffix, is no shape
    # a number has ("O641070O4", its O one from the end, is: test above).
    f = _numbered_passport("0700060203UTO7408122F1204159<<<<<<<<<<<<<<04", printed="070006020")
    assert f["document_number"] == "070006020" and "document_number" not in (f["review_reason"] or "")
    assert f["document_number_confidence"] > 50


def test_print_reading_the_number_with_a_look_alike_the_check_digit_rules_out_agrees_with_the_zone():
    # A generated passport's "L316598O9": zone and print both read its O as 0, the zone's check
    # digit holds only with the O (one swap), so print's "L31659809" is the same number misread.
    f = _numbered_passport("L316598090UTO7408122F1204159<<<<<<<<<<<<<<00", printed="L31659809")
    assert f["document_number"] == "L316598O9" and "document_number" not in (f["review_reason"] or "")


def test_print_showing_a_letter_where_the_zone_read_a_digit_disagrees_even_when_the_check_rules_it_out():
    # Print's "00O80620" beside the zone's "00080620": print's reading fails the check, and no
    # reading keeping print's O passes it by one more O/0 swap, but the engine reads no 0 as O,
    # so print's O says the zone is wrong.
    f = _numbered_passport("00080620<6UTO7408122F1204159<<<<<<<<<<<<<<08", printed="00O80620")
    assert "printed zone disagrees with mrz on: document_number" in f["review_reason"]


def test_the_one_likeliest_reading_holding_the_letter_o_print_shows_is_taken_as_a_guess():
    # Seed 67's visa "OO080620", read "00080620" by the zone and "O0080620" by print: print's O
    # is a letter (the engine reads no 0 as O), and the check digit needs a second O with it;
    # "OO080620" (a series prefix) is likelier than "O008062O" or "O008O620", which also pass.
    f = _numbered_passport("00080620<6UTO7408122F1204159<<<<<<<<<<<<<<08", printed="O0080620")
    assert f["document_number"] == "OO080620" and f["mrz_valid"] is True
    assert "guessed repair: document_number" in f["review_reason"]
    assert f["document_number_confidence"] <= 50 and f["mrz_code_confidence"] <= 40


def test_a_doubtful_glyph_in_the_names_line_puts_the_names_in_doubt_not_the_number_below():
    # Generated documents' zones with one weak glyph (a name's 0 for O, scored 48.6) in the
    # names line and every line's checks holding: each field is as sure as its own line.
    page = _response([(TD3[0], 0.02, 0.80), (TD3[1], 0.02, 0.88)], char_w=0.021)
    for det in page["TextDetections"]:
        if det["DetectedText"] == TD3[0]:
            det["Confidence"] = 48.6
    f = parse_identity(page, run_date=RUN).fields
    assert f["last_name_confidence"] < 50 and f["first_name_confidence"] < 50 and f["mrz_code_confidence"] < 50
    assert f["document_number_confidence"] > 90 and f["date_of_birth_confidence"] > 90


def test_a_weak_glyph_in_a_line_holding_a_look_alike_the_format_resolves_is_no_doubt():
    # Generated documents' names lines scored low where the engine read a digit in a name
    # ("PATEL<<J0AO", 48.6) or a kana filler ("WANGくくAL", 49.5): the zone holds neither, so
    # the format read them without a guess, and every such zone on the tuned halves was right.
    for read in (TD3[0].replace("ERIKSSON", "ERIKSS0N"), TD3[0].replace("<<ANNA", "くくANNA")):
        page = _response([(read, 0.02, 0.80), (TD3[1], 0.02, 0.88)], char_w=0.021)
        for det in page["TextDetections"]:
            if det["DetectedText"] == read:
                det["Confidence"] = 48.6
        f = parse_identity(page, run_date=RUN).fields
        assert f["mrz_code"] == "\n".join(TD3) and f["needs_review"] is False
        assert f["mrz_code_confidence"] >= 50 and f["last_name_confidence"] >= 50


def test_a_number_whose_only_o_and_0_rivals_are_unlike_a_number_is_not_flagged():
    # "X12000345" keeps its check digit as "X12OO0345" too, but three letters, two of them
    # among the digits, are no series' shape: the check digit is trusted.
    line2 = "X120003454UTO7408122F1204159<<<<<<<<<<<<<<02"
    f = parse_identity(_response([(TD3[0], 0.02, 0.80), (line2, 0.02, 0.88)], char_w=0.021), run_date=RUN).fields
    assert f["mrz_valid"] is True and f["document_number"] == "X12000345" and f["needs_review"] is False


def _generated_visa(state: str, surname: str, given: str, number: str, zone: list[str]) -> dict:
    """An ``evals.synth_mrz`` visa as the local engine read it: print's rows, then its ``zone`` lines."""
    rows = [(state, 0.03, 0.03), ("VISA", 0.55, 0.08), ("Surname / Nom", 0.31, 0.13), (surname, 0.31, 0.16),
            ("Given names / Prenoms", 0.31, 0.22), (given, 0.31, 0.25), ("Document no.", 0.31, 0.40),
            (number, 0.31, 0.42), (zone[0], 0.05, 0.84), (zone[1], 0.05, 0.90)]
    return parse_identity(_response(rows, char_w=0.02), run_date=RUN).fields


def test_a_zone_name_word_with_a_letter_read_twice_is_respelt_as_printed_and_flagged():
    # Tuning seed 5101's Argentine visa as the local engine read it: "NOOR" read "NO0OR", one O
    # read twice (the line one character long); print spells NOOR.  Names carry no check digit.
    f = _generated_visa("REPUBLICA ARGENTINA", "NGUYEN", "NOOR", "300247010",
                        ["V<ARGNGUYEN<<NO0OR<<<<<<<<<<<<<<<<<<<<<<<<<<<", "3002470107ARG8906201<2507019<<<<<<<<<<<<<<<<"])
    assert f["first_name"] == "NOOR" and f["mrz_code"].startswith("V<ARGNGUYEN<<NOOR<<<<")
    assert "first_name" in f["review_reason"] and f["mrz_code_confidence"] < 50


def test_a_zone_name_word_that_lost_one_of_a_doubled_letter_is_respelt_as_printed_and_flagged():
    # The converse misread: the zone's "ANNA" read "ANA" (one N of two lost), print ANNA.
    f = _passport("ERIKSSON<<ANA<MARIA", [("ERIKSSON", 0.31, 0.16), ("ANNA MARIA", 0.31, 0.25)])
    assert f["first_name"] == "ANNA MARIA" and f["mrz_code"].startswith("P<UTOERIKSSON<<ANNA<MARIA<<")
    assert "first_name" in f["review_reason"] and f["mrz_code_confidence"] < 50


def test_a_zone_name_print_spells_with_another_letter_doubled_is_kept():
    # A guard: print's "ANNA" beside the zone's "ANA" of another holder's name needs a letter
    # added, and the zone's word "ANA" printed as a word elsewhere is the zone's own.
    f = _passport("ERIKSSON<<ANA<MARIA", [("ERIKSSON", 0.31, 0.16), ("ANA MARIA", 0.31, 0.25)])
    assert f["first_name"] == "ANA MARIA" and "first_name" not in (f["review_reason"] or "")


def test_a_zone_name_word_with_two_i_read_h_is_respelt_as_printed_and_flagged():
    # Tuning seed 5105's Nigerian visa as the local engine read it: "INGRID" read "HNGRHD" (both I as
    # H, as it reads the I after a chevron); print spells INGRID, the engine's look-alikes put back.
    f = _generated_visa("FEDERAL REPUBLIC OF NIGERIA", "OE", "INGRID", "EU045848",
                        ["VΛNGAOEΛΛHNGRHDΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛ", "EU045848<1NGA9502286M2605214331195<<"])
    assert f["first_name"] == "INGRID" and f["mrz_code"].startswith("V<NGAOE<<INGRID<<")
    assert "first_name" in f["review_reason"] and f["mrz_code_confidence"] < 50

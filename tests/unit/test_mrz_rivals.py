"""Look-alike readings of an MRZ document number that its check digits cannot rule out: flagged."""

from __future__ import annotations

import datetime as dt

from docbatch.parse.identity.mrz_decode import check_digit
from docbatch.parse.identity.mrz_find import find_mrz
from docbatch.parse.identity.mrz_rivals import lookalike_rivals
from docbatch.parse.identity.parser import parse_identity

from ..support.responses import response_from_rows

RUN = dt.date(2026, 6, 1)
NAMES_LINE = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"


def _numbers_line(number: str) -> str:
    """The ICAO specimen's second passport line (no optional data) for ``number``, check digits computed."""
    opt = "<" * 14
    data = number + check_digit(number) + "UTO7408122F1204159"
    return data + opt + check_digit(opt) + check_digit(number + check_digit(number) + "7408122" + "1204159"
                                                        + opt + check_digit(opt))


def _read(printed_number: str, read_as: str) -> dict:
    """A passport numbered ``printed_number`` whose number zone and print both read as ``read_as``
    (its check digits as drawn), beside print spelling the names as the zone does."""
    line2 = read_as + _numbers_line(printed_number)[len(read_as):]
    rows = [("PASSPORT UTOPIA", 0.1, 0.05), (f"Passport No. {read_as}", 0.1, 0.15), ("Surname ERIKSSON", 0.1, 0.25),
            ("Given names ANNA MARIA", 0.1, 0.35), (NAMES_LINE, 0.02, 0.80), (line2, 0.02, 0.88)]
    return response_from_rows(rows, char_w=0.021)


def _flagged(fields: dict) -> bool:
    return (fields["document_number_confidence"] <= 50 and "document_number" in (fields["review_reason"] or "")
            and fields["mrz_code_confidence"] <= 50)


def test_a_number_one_swap_repaired_is_flagged_when_the_letters_read_as_digits_pass_the_check_too():
    # "OI1500080" read "011500080" (the engine reads O as 0 and I as 1): the check fails, and
    # one swap, 8 for B, passes it ("0115000B0", a letter a suffix may hold).  Taking the O and
    # I back (7 x 24 + 3 x 17 = 219) restores the check as surely as that B does (3 x 3 = 9).
    f = parse_identity(_read("OI1500080", "011500080"), run_date=RUN).fields
    assert f["mrz_valid"] is True and f["document_number"] != "OI1500080"
    assert _flagged(f)


def test_the_rivals_of_a_repaired_number_are_read_from_the_zone_as_the_engine_read_it():
    mrz = find_mrz(_read("OI1500080", "011500080"))
    assert mrz is not None and "OI1500080" in lookalike_rivals(mrz)


def test_a_number_whose_i_and_1_read_otherwise_pass_every_check_too_is_flagged():
    # Seed 13's generated ID card number "II3540900" (a tuned document), read "113540900" by
    # zone and print: two I/1 swaps at weights 7 and 3 (17 x 10) keep every check, as two O/0
    # swaps do, so the zone proves neither reading.
    f = parse_identity(_read("II3540900", "113540900"), run_date=RUN).fields
    assert f["mrz_valid"] is True and f["document_number"] == "113540900"
    assert _flagged(f)


def test_a_number_read_with_the_letters_i_the_zone_shows_is_trusted_as_read():
    # The engine reads no digit as a letter: an I the zone shows is one, its 1 reading no rival.
    f = parse_identity(_read("II3540900", "II3540900"), run_date=RUN).fields
    assert f["document_number"] == "II3540900" and f["needs_review"] is False


def test_a_number_read_right_with_no_rival_passing_its_check_is_not_flagged():
    f = parse_identity(_read("L89890203", "L89890203"), run_date=RUN).fields
    assert f["document_number"] == "L89890203" and f["needs_review"] is False


def test_a_local_engine_zone_is_repaired_by_the_o_and_i_it_read_as_digits_and_flagged():
    # The local engine reads O as 0 and I as 1 and no B as 8: of its "011500080", the O and I
    # taken back is the likelier reading than the one swap to B; two swaps may pass by chance.
    response = {**_read("OI1500080", "011500080"), "TextModelVersion": "local-ppocr-3.10.0"}
    f = parse_identity(response, run_date=RUN).fields
    assert f["mrz_valid"] is True and f["document_number"] == "OI1500080"
    assert _flagged(f)


def _card(zone: list[str]) -> dict:
    """A generated TD1 card read by the local engine: its zone lines as read, beside print."""
    rows = [("ESTADOS UNIDOS MEXICANOS", 0.04, 0.06), ("IDENTITY CARD", 0.54, 0.13), ("TANAKA", 0.32, 0.26),
            ("ANNA JEAN-PIERRE WEI", 0.32, 0.36)] + [(line, 0.06, 0.72 + 0.1 * k) for k, line in enumerate(zone)]
    return {**response_from_rows(rows, char_w=0.0125), "TextModelVersion": "local-ppocr-3.10.0"}


def test_a_local_engine_number_whose_i_read_h_fails_its_check_is_repaired_by_the_i_and_flagged():
    # Tuning seed 5102's Mexican card "ILIOGIRUA" as the local engine read it: its third I read H
    # ("ILHOGIRUA", as it reads the card code's I<), failing the check by one.  One swap of
    # another pair passed it too (the first I to 1: "1LHOGIRUA", 7 x 17 = 119), and was taken.
    f = parse_identity(_card(["HΛMEXILHOGIRUA0ΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛ", "7208126F2910091MEX<<<<<<<<<<<6",
                              "TANAKA<<ANNA<JEAN<PIERRE<WEI<<"]), run_date=RUN).fields
    assert f["document_number"] == "ILIOGIRUA" and _flagged(f)


def test_a_number_whose_two_i_read_h_pass_every_check_is_flagged():
    # Seed 5102's Brazilian card "IKIILOIII" read "IKIHLOIHI": two I read H at weights 7 and 3
    # (7 + 3 = 10) keep every check, so the zone proves neither reading.
    f = parse_identity(_card(["HΛBRAIKIHLOIHI5ΛΛΛΛΛΛΛΛΛΛΛΛΛΛΛ", "7912034F3207084MEX<<<<<<<<<<<8",
                              "NGUYEN<<KRZYSZTOF<MARIA<<<<<<<"]), run_date=RUN).fields
    assert f["document_number"] == "IKIHLOIHI" and _flagged(f)

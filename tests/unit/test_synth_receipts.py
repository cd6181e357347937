"""The generated receipts of other countries' layouts (evals/synth_receipts.py)."""

from __future__ import annotations

from decimal import Decimal

from evals.synth_receipts import FAMILIES, HELD_OUT, family_of, generate, main


def test_the_same_seed_draws_the_same_receipts_and_another_seed_others() -> None:
    assert [d.lines for d in generate(3, 900)] == [d.lines for d in generate(3, 900)]
    assert [d.lines for d in generate(3, 900)] != [d.lines for d in generate(3, 901)]


def test_at_least_six_layout_families_some_held_out_of_tuning() -> None:
    assert len(FAMILIES) >= 6
    assert set(HELD_OUT) < set(FAMILIES)
    assert {family_of(d.name) for d in generate(1, 900)} == set(FAMILIES)


def test_every_receipt_prints_its_total_and_names_its_vendor_on_top() -> None:
    for d in generate(10, 900):
        texts = [text for _, text in d.lines]
        total = Decimal(str(d.truth["total"]))
        printed = {f"{total:,.2f}", f"{total:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")}
        assert any(p in t for t in texts for p in printed), d.name
        first_rows = " ".join(texts[:3]).replace(" ", "")
        assert str(d.truth["vendor_name"]).split()[0] in first_rows, d.name


def test_the_evaluation_prints_tuned_and_held_out_side_by_side(capsys) -> None:
    assert main(["--count", "2", "--seed", "900"]) == 0
    out = capsys.readouterr().out
    assert "tuned families" in out and "held-out families" in out and "wrong flagged" in out

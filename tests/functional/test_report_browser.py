"""``docbatch report`` rendered in a real headless Chromium (Debian's ``chromium``), driven by
Playwright pointed at that executable (no browser is downloaded): what a person sees equals
run.json, nothing on the page is broken, and nothing is fetched."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from docbatch.cli import main

from ..support.report_run import make_report_run

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run does)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is a test dependency")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def made(tmp_path_factory, browser):
    with pytest.MonkeyPatch.context() as mp:
        for k, v in {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1"}.items():
            mp.setenv(k, v)
        made = make_report_run(tmp_path_factory.mktemp("report"))
    result = CliRunner().invoke(main, ["report", str(made.out), "--recon", str(made.recon)])
    assert result.exit_code == 0, result.output
    return made


@pytest.fixture(scope="module")
def shown(made, browser) -> dict[str, Any]:
    """The page as Chromium rendered it: console messages, failed requests, keyed values, a screenshot."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    messages: list[str] = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: messages.append(f"pageerror: {exc}"))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    page.goto((made.out / "report.html").as_uri())
    page.wait_for_load_state("load")
    keyed = page.eval_on_selector_all("[data-key]", "els => els.map(e => [e.dataset.key, e.innerText.trim()])")
    images = page.eval_on_selector_all("img", "els => els.map(e => [e.complete, e.naturalWidth, e.naturalHeight])")
    svgs = page.eval_on_selector_all(".plot svg", "els => els.map(e => { const b = e.getBBox(); "
                                     "return [b.width, b.height, e.querySelectorAll('text').length]; })")
    text = page.inner_text("body")
    shot = made.out.parent / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    page.close()
    return {"messages": messages, "requests": requests, "keyed": keyed, "images": images, "svgs": svgs,
            "text": text, "screenshot": shot}


def _value(run: dict, key: str) -> Any:
    node: Any = run
    for part in key.split("."):
        node = node[part]
    return node


def _as_number(text: str) -> float | str:
    t = text.replace(",", "")
    if t.endswith("%"):
        return round(float(t[:-1]) / 100, 3)
    try:
        return float(t)
    except ValueError:
        return t


def test_the_figures_a_person_sees_equal_run_json(made, shown):
    run = made.run
    seen = {key: _as_number(text) for key, text in shown["keyed"]}
    expected_keys = {f"counts.{k}" for k in run["counts"]} | {f"errors.{c}" for c in run["errors"]} | {
        "calls.calls", "calls.ok", "calls.throttled", "calls.failed", "calls.retries", "calls.calls_per_s",
        "calls.latency_ms.p50", "calls.latency_ms.p95"}
    assert expected_keys <= set(seen)
    for key in expected_keys | {k for k in seen if k.startswith(("calls.", "counts.", "errors."))}:
        want = _value(run, key)
        assert seen[key] == (float(want) if isinstance(want, (int, float)) else want), key
    assert run["counts"]["failed"] == 2 and run["calls"]["throttled"] > 0  # the run shows what it should


def test_the_reconciliation_figures_equal_its_summary(made, shown):
    summary = json.loads((made.recon / "summary.json").read_text())
    seen = {key.removeprefix("recon."): _as_number(text) for key, text in shown["keyed"] if key.startswith("recon.")}
    for key, text in seen.items():
        want = _value(summary, key)
        assert text == (round(float(want), 3) if key.endswith("rate") else float(want)), key
    assert seen["matched.count"] == 2


def test_no_console_errors_no_requests_and_nothing_broken(shown):
    assert shown["messages"] == []
    assert shown["requests"] == []  # it opens offline: nothing is fetched
    assert shown["images"] and all(ok and w > 0 and h > 0 for ok, w, h in shown["images"])
    assert len(shown["svgs"]) >= 6 and all(w > 50 and h > 50 and texts > 3 for w, h, texts in shown["svgs"])


def test_the_document_needing_review_shows_crops_of_its_flagged_fields(shown):
    text = shown["text"]
    review = text[text.index("Documents needing review"):]
    assert "faint" in review and "total_low_confidence" in review and "total = 44.90" in review
    assert len(shown["images"]) == 4  # vendor, address, date and total of the one faint receipt
    assert re.search(r"1 of 1 rows? needing review shown", review)
    assert shown["screenshot"].stat().st_size > 50_000

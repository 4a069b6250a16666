"""The built book in a real browser: every page loads whole, offline, without errors.

Picks up every page of _toc.yml. The counts of images and requests per page are printed in the
test summary ("built book in Chromium").
"""
from __future__ import annotations

from urllib.parse import urlparse

import pytest

from scripts.toc import toc_pages

# Console messages that configuration cannot remove, by exact text, each with its reason and
# upstream reference. Empty: the errors a default Jupyter Book 1 page logs are fixed at the source
# (sphinx-thebe's doubled THEBE_JS_URL in _ext/offline_assets.py; the theme mode, the favicon and
# MathJax's fonts in _config.yml).
ALLOWED_CONSOLE_ERRORS: dict[str, str] = {}

PAGES = toc_pages()


def is_local(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("data", "blob", "about") or parsed.hostname == "127.0.0.1"


def open_page(page, url):
    """Load ``url`` with every request recorded and every non-local request blocked."""
    record = {"requests": [], "external": [], "errors": [], "failed": [], "bad_status": []}

    def on_route(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            record["external"].append(route.request.url)
            route.abort()

    page.route("**/*", on_route)
    page.on("request", lambda r: record["requests"].append(r.url))
    page.on("requestfailed", lambda r: record["failed"].append(r.url))
    page.on("response", lambda r: r.status >= 400 and record["bad_status"].append(f"{r.status} {r.url}"))
    page.on("console", lambda m: m.type == "error" and record["errors"].append(m.text))
    page.on("pageerror", lambda e: record["errors"].append(str(e)))
    response = page.goto(url, wait_until="networkidle")
    return response, record


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_whole_and_offline(site, page, path, page_stats):
    response, record = open_page(page, f"{site}/{path}")
    assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
    page.wait_for_timeout(300)  # let deferred scripts report
    images = page.eval_on_selector_all(
        "img", "els => els.map(e => ({src: e.currentSrc || e.src, w: e.naturalWidth, done: e.complete}))")
    broken = [img["src"] for img in images if not img["done"] or img["w"] == 0]
    errors = [e for e in record["errors"] if e not in ALLOWED_CONSOLE_ERRORS]
    page_stats[path] = {"images": len(images), "requests": len(record["requests"]),
                   "external": len(record["external"])}
    assert not record["external"], f"{path}: requests leave 127.0.0.1: {record['external']}"
    assert not broken, f"{path}: images that did not load: {broken}"
    assert not record["bad_status"], f"{path}: failed responses: {record['bad_status']}"
    assert not errors, f"{path}: console errors: {errors}"
    local_failed = [u for u in record["failed"] if is_local(u)]
    assert not local_failed, f"{path}: local requests failed: {local_failed}"


def test_math_is_typeset_from_the_local_mathjax(site, page):
    with_math = []
    for path in PAGES:
        _, record = open_page(page, f"{site}/{path}")
        if page.locator(".math").count():
            with_math.append(path)
            # MathJax 2 typesets into MathML (NativeMML output, see _config.yml) inside its own spans.
            page.wait_for_function("() => document.querySelectorAll('.MathJax_MathML math').length > 0",
                                   timeout=20_000)
            scripts = [u for u in record["requests"] if "MathJax.js" in u]
            assert scripts and all(is_local(u) for u in scripts), f"{path}: MathJax not local: {scripts}"
        page.unroute("**/*")
    assert with_math, "no page has a formula: the math check would check nothing"


def test_search_finds_faiss(site, page):
    open_page(page, f"{site}/search.html?q=FAISS")
    page.wait_for_selector("#search-results ul.search li", timeout=20_000)
    hits = page.locator("#search-results ul.search li").count()
    print(f"\nsearch 'FAISS': {hits} results")
    assert hits > 0


def test_interview_dropdown_opens_and_shows_its_answer(site, page):
    chapter = next(p for p in PAGES if "02_" in p)
    open_page(page, f"{site}/{chapter}")
    dropdown = page.locator("details.sd-dropdown").first
    assert dropdown.count(), f"{chapter} has no dropdown"
    body = dropdown.locator(".sd-summary-content")
    assert not body.is_visible(), "the answer should be hidden until the reader opens it"
    dropdown.locator("summary").click()
    body.wait_for(state="visible")
    assert dropdown.get_attribute("open") is not None
    assert body.inner_text().strip(), "the opened dropdown shows no answer"


CHAPTER_PAGES = [p for p in PAGES if p.startswith("chapters/") and p.split("/")[-1][:2].isdigit()]


@pytest.mark.parametrize("path", CHAPTER_PAGES)
def test_exercise_solutions_are_folded_and_open_on_click(site, page, path):
    """Each chapter's solutions start folded (sphinx-exercise + sphinx-togglebutton) and open on a
    click, showing the explanation and the code that asserts the answer."""
    open_page(page, f"{site}/{path}")
    assert page.locator("div.exercise").count() >= 2, f"{path}: fewer than two exercises"
    solutions = page.locator("div.solution.dropdown")
    assert solutions.count() >= 2, f"{path}: fewer than two folded solutions"
    first = solutions.first
    body = first.locator("section").first
    assert not body.is_visible(), f"{path}: a solution is visible before the reader asks for it"
    first.locator(".admonition-title").click()
    body.wait_for(state="visible")
    assert first.locator("div.cell_input").count(), f"{path}: the opened solution shows no code"
    assert "assert" in first.inner_text(), f"{path}: the opened solution does not show its assert"


def test_screenshots_of_every_page(site, page, screenshots_dir):
    """Screenshots to look at (light mode): the landing page and each chapter's first screen."""
    shots = [(PAGES[0], "landing.png")] + [(p, p.split("/")[-1].replace(".html", ".png"))
                                           for p in CHAPTER_PAGES]
    for path, name in shots:
        open_page(page, f"{site}/{path}")
        page.screenshot(path=str(screenshots_dir / name), full_page=False)
        assert (screenshots_dir / name).stat().st_size > 10_000


def test_notebook_download_button_offers_the_ipynb(site, page):
    chapter = next(p for p in PAGES if "01_" in p)
    open_page(page, f"{site}/{chapter}")
    links = page.eval_on_selector_all("a[href$='.ipynb']", "els => els.map(e => e.href)")
    assert links, f"{chapter}: no .ipynb download link"
    response = page.request.get(links[0])
    assert response.status == 200 and b'"cells"' in response.body()

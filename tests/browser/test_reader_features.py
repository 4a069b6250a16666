"""Reader features in the built book: glossary links, citations, execution statistics.

Each test follows a link the way a reader does and checks where it lands, on the pages of
_toc.yml (new chapters are picked up).
"""
from __future__ import annotations

import re

import pytest

from scripts.toc import toc_notebooks, toc_pages
from tests.browser.test_built_book import open_page

PAGES = toc_pages()
CHAPTER_PAGES = [p for p in PAGES if p.startswith("chapters/") and p.split("/")[-1][:2].isdigit()]


@pytest.mark.parametrize("path", CHAPTER_PAGES)
def test_glossary_and_citation_links_land_on_their_entries(site, page, path):
    """The first glossary link of a chapter opens the glossary at its term; the first citation
    opens the references page at an entry naming the cited authors."""
    open_page(page, f"{site}/{path}")
    term = page.locator("article a.reference.internal:has(span.std-term)").first
    assert term.count(), f"{path}: no glossary link"
    word = term.inner_text().strip()
    term.click()
    page.wait_for_load_state("networkidle")
    assert "appendix_interview_checklist.html#term-" in page.url, f"{path}: {word!r} went to {page.url}"
    anchor = page.url.split("#", 1)[1]
    entry = page.locator(f"dl.glossary dt[id='{anchor}']")
    assert entry.count() == 1 and entry.is_visible(), f"{path}: glossary entry #{anchor} not shown"
    definition = entry.locator("xpath=following-sibling::dd[1]").inner_text()
    assert definition.strip(), f"{path}: glossary entry #{anchor} has no definition"

    open_page(page, f"{site}/{path}")
    cite = page.locator("article span.bibtex-citation a.reference.internal").first
    assert cite.count(), f"{path}: no citation"
    surnames = cite.locator("xpath=..").inner_text()
    cite.click()
    page.wait_for_load_state("networkidle")
    assert "appendix_references.html#" in page.url, f"{path}: citation went to {page.url}"
    target = page.locator(f"div.citation[id='{page.url.split('#', 1)[1]}']")
    assert target.count() == 1 and target.is_visible(), f"{path}: bibliography entry not shown"
    first_author = re.search(r"[^\W\d_][\w'-]*", surnames)  # "(He et al., 2014)" -> He
    assert first_author and first_author.group(0) in target.inner_text(), (
        f"{path}: cited {surnames!r}, landed on {target.inner_text()[:80]!r}")


def test_references_page_lists_complete_entries(site, page):
    open_page(page, f"{site}/chapters/appendix_references.html")
    entries = page.locator("div.citation").all_inner_texts()
    assert len(entries) >= 30, f"only {len(entries)} bibliography entries rendered"
    assert all(re.search(r"\b(1[89]|20)\d\d\b", e) for e in entries), "an entry without a year"


def test_execution_statistics_show_this_builds_time_and_memory_for_every_chapter(site, page):
    open_page(page, f"{site}/chapters/appendix_execution_statistics.html")
    tables = page.locator("article table")
    assert tables.count() >= 2, "expected myst-nb's execution table and the memory table"
    rows = {}
    for row in tables.nth(0).locator("tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        rows[cells[0].strip()] = cells
    memory = {}
    for row in tables.nth(1).locator("tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        memory[cells[0].strip()] = float(cells[1].replace(",", ""))
    for notebook in toc_notebooks():
        doc = f"chapters/{notebook.stem}"
        assert doc in rows, f"{doc}: not in the execution table ({sorted(rows)})"
        runtime, status = rows[doc][3], rows[doc][4]
        assert float(runtime) > 0 and status.strip() == "passed", f"{doc}: {runtime} s, {status}"
    assert len(memory) == len(toc_notebooks()), f"memory rows: {sorted(memory)}"
    assert all(50 < mb < 8_000 for mb in memory.values()), f"implausible peak memory: {memory}"
    print("\n" + "\n".join(f"{doc}: {cells[3]} s" for doc, cells in rows.items()))


def test_landing_page_links_the_reader_pages(site, page):
    open_page(page, f"{site}/{PAGES[0]}")
    hrefs = page.eval_on_selector_all("article a", "els => els.map(e => e.getAttribute('href'))")
    for target in ("appendix_execution_statistics.html", "appendix_references.html",
                   "appendix_interview_checklist.html#appendix-glossary"):
        assert any(h and h.endswith(target) for h in hrefs), f"landing page does not link {target}"

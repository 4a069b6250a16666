"""Fixtures for the PDF tests: the built PDF, read once, and the served site for its link.

The PDF is written by ``make pdf`` (scripts/build_pdf.py). Under CI (CI=true) a missing PDF is an
error; on a learner's machine the tests skip with the reason (the browser tests' rule, reused).
"""
from __future__ import annotations

import pytest

from scripts.build_pdf import OUT, SINGLEHTML, PdfError, first_pages, pdf_outline, toc_entries

# built_html and site are the browser tests' fixtures (serve _build/html), reused as they are.
from tests.browser.conftest import _unavailable, built_html, site  # noqa: F401

#: Counts the tests fill and the terminal summary prints (page count, size, images).
STATS: dict[str, object] = {}


@pytest.fixture(scope="session")
def pdf_bytes() -> bytes:
    """The whole-book PDF."""
    if not OUT.exists():
        _unavailable(f"the PDF is not built ({OUT.name} missing in _build/pdf): run `make pdf` first")
    data = OUT.read_bytes()
    STATS.update(path=OUT, size=len(data))
    return data


@pytest.fixture(scope="session")
def reader(pdf_bytes):
    """A pypdf reader over the PDF."""
    import io

    from pypdf import PdfReader

    pdf = PdfReader(io.BytesIO(pdf_bytes))
    STATS["pages"] = len(pdf.pages)
    return pdf


@pytest.fixture(scope="session")
def entries():
    """The landing page and every page of _toc.yml, with titles (scripts/toc.py's order)."""
    return toc_entries()


@pytest.fixture(scope="session")
def chapter_pages(pdf_bytes, entries) -> dict[str, int]:
    """0-based first page of each document, from the PDF outline, in book order."""
    try:
        pages = first_pages(pdf_outline(pdf_bytes), [e.title for e in entries])
    except PdfError as exc:
        pytest.fail(str(exc), pytrace=False)
    return {e.doc: pages[e.title] - 1 for e in entries}


@pytest.fixture(scope="session")
def single_page():
    """HTML of the single-page build the PDF was printed from."""
    page = SINGLEHTML / "intro.html"
    if not page.exists():
        _unavailable(f"the single-page build is missing ({page}): run `make pdf` first")
    return page.read_text(encoding="utf-8")


def pytest_terminal_summary(terminalreporter):
    if "pages" not in STATS:
        return
    tr = terminalreporter
    tr.section("whole-book PDF")
    tr.write_line(f"{STATS['path']}: {STATS['pages']} pages, {STATS['size'] / 1e6:.1f} MB, "
                  f"{STATS.get('images', '?')} images embedded")

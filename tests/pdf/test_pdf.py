"""The whole-book PDF (``make pdf``): every chapter, a contents page, figures, math, no blank page.

Chapters are located through the PDF outline (Chromium's bookmarks from the headings); the
contents page must list each title with the page the outline gives. Images are counted as image
XObjects of the pages, and compared with the raster images of the built site.
"""
from __future__ import annotations

import html
import re
import unicodedata
import urllib.request

import pytest

from scripts.build_pdf import HTML, PDF_NAME, normalize
from tests.pdf.conftest import STATS

RASTER = (".png", ".jpg", ".jpeg", ".gif", ".webp")


def page_images(page) -> set[int]:
    """Object numbers of the image XObjects a page draws (directly or in a form XObject)."""
    found: set[int] = set()

    def walk(resources):
        xobjects = (resources or {}).get("/XObject") or {}
        for ref in xobjects.values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                found.add(ref.idnum)
            elif obj.get("/Subtype") == "/Form":
                walk(obj.get("/Resources"))

    walk(page.get("/Resources"))
    return found


def chapter_ranges(chapter_pages: dict[str, int], n_pages: int) -> dict[str, range]:
    """Each document's pages: from its first page to the page before the next one's."""
    docs = list(chapter_pages)
    ends = [chapter_pages[d] for d in docs[1:]] + [n_pages]
    return {doc: range(chapter_pages[doc], end) for doc, end in zip(docs, ends, strict=True)}


def html_images_per_doc(single_page: str, docs: list[str]) -> dict[str, int]:
    """Raster <img> tags of each document's part of the single page (split at its markers)."""
    bounds = [0] + [single_page.find(f'id="document-{d}"') for d in docs[1:]] + [len(single_page)]
    return {doc: len(re.findall(r'<img [^>]*src="[^"]+\.(?:png|jpe?g|gif|webp)"', single_page[a:b]))
            for doc, a, b in zip(docs, bounds, bounds[1:], strict=False)}


def tex_plain(tex: str) -> str:
    """What a simple formula's text becomes in the PDF: no commands, braces, scripts or spaces."""
    text = html.unescape(tex)
    text = re.sub(r"\\[A-Za-z]+|\\.", "", text)
    return re.sub(r"[\s{}_^]", "", text).replace("-", "−")


def test_every_chapter_starts_on_its_page_with_its_title(reader, entries, chapter_pages):
    for entry in entries:
        text = reader.pages[chapter_pages[entry.doc]].extract_text()
        page = chapter_pages[entry.doc] + 1
        assert normalize(entry.title) in normalize(text)[: len(normalize(entry.title)) + 200], (
            f"{entry.doc}: its title {entry.title!r} is not at the top of page {page}")


def test_contents_page_lists_every_chapter_with_its_page(reader, entries, chapter_pages):
    text = reader.pages[0].extract_text()
    assert "Contents" in text, "page 1 is not the contents page"
    position = 0
    for entry in entries:
        title = r"\s+".join(map(re.escape, entry.title.split()))
        match = re.compile(title + r"\s+(\d+)\s*$", re.MULTILINE).search(text, position)
        assert match, f"the contents page does not list {entry.title!r} (in order, with a page number)"
        page = chapter_pages[entry.doc] + 1
        assert int(match.group(1)) == page, (
            f"contents: {entry.title!r} on p. {match.group(1)}, the outline says {page}")
        position = match.end()


def test_figures_are_embedded_in_every_chapter_that_has_some(reader, entries, chapter_pages, single_page):
    ranges = chapter_ranges(chapter_pages, len(reader.pages))
    per_doc = html_images_per_doc(single_page, [e.doc for e in entries])
    images = set()
    for entry in entries:
        in_chapter = set().union(*(page_images(reader.pages[i]) for i in ranges[entry.doc]))
        images |= in_chapter
        if per_doc[entry.doc]:
            assert in_chapter, f"{entry.doc}: {per_doc[entry.doc]} images in HTML, none in its PDF pages"
    STATS["images"] = len(images)
    site_images = [p for p in (HTML / "_images").glob("*") if p.suffix.lower() in RASTER]
    expected = max(sum(per_doc.values()), len(site_images))
    assert len(images) >= expected, f"{len(images)} images embedded, the book has {expected}"


def test_no_page_is_blank(reader):
    blank = []
    for number, page in enumerate(reader.pages, start=1):
        content = page.get_contents()
        data = content.get_data() if content is not None else b""
        text_runs = len(re.findall(rb"\bT[jJ]\b", data))
        if text_runs < 4 and not page_images(page):  # the footer alone is about 3 runs
            blank.append(number)
    assert not blank, f"blank pages (footer only): {blank}"


def test_math_is_typeset(reader, entries, chapter_pages, single_page):
    """The simple inline formulas of the landing page and chapter 1 are in those pages' text."""
    end = single_page.find(f'id="document-{entries[2].doc}"')
    inline = r'<span class="math notranslate nohighlight">\\\((.*?)\\\)</span>'
    plain = [tex_plain(f) for f in re.findall(inline, single_page[:end]) if len(tex_plain(f)) >= 4]
    assert plain, "no inline formula in the landing page and chapter 1 of the single page"
    pages = range(chapter_pages[entries[0].doc], chapter_pages[entries[2].doc])
    # NFKC: MathML letters come out as mathematical italic code points (U+1D400...).
    text = normalize(unicodedata.normalize("NFKC", " ".join(reader.pages[i].extract_text() for i in pages)))
    assert "\\(" not in text and "\\[" not in text, "raw TeX in the PDF: MathJax did not run"
    found = [p for p in plain if p in text]
    missing = sorted(set(plain) - set(found))
    assert len(found) >= max(1, len(plain) // 2), f"formulas missing from the PDF text: {missing}"


def test_pdf_has_an_outline_with_every_chapter(pdf_bytes, entries, chapter_pages):
    assert len(chapter_pages) == len(entries)


@pytest.fixture
def pdf_in_site():
    path = HTML / PDF_NAME
    if not path.exists():
        from tests.browser.conftest import _unavailable

        _unavailable(f"{path} missing: `make pdf` copies the PDF there for the landing page's link")
    return path


def test_landing_page_links_to_the_pdf(site, pdf_in_site):
    with urllib.request.urlopen(f"{site}/intro.html") as response:
        landing = response.read().decode("utf-8")
    links = re.findall(r'href="([^"]*' + re.escape(PDF_NAME) + ')"', landing)
    assert links, f"the landing page has no link to {PDF_NAME}"
    with urllib.request.urlopen(f"{site}/{links[0]}") as response:
        assert response.status == 200
        assert response.read(5) == b"%PDF-", f"{links[0]} is not a PDF"

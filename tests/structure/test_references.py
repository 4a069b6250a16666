"""Glossary links and citations: every {term} has its glossary entry, every {cite} its complete
bibliography entry, and every bibliography entry is cited.

The nitpicky build already fails on a {term} or a {cite} key that does not resolve; these tests
add what it cannot see (first use only, a minimum per chapter, complete and cited entries) and
name the chapter. The parsing helpers are tested on broken input first: a check that cannot fail
checks nothing.
"""
from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from pybtex.database import parse_string

from scripts.toc import ROOT, toc_files, toc_root

GLOSSARY_PAGE = ROOT / "chapters" / "appendix_interview_checklist.md"
BIBFILE = ROOT / "references.bib"
MIN_TERMS_PER_CHAPTER = 5
MIN_CITATIONS_PER_CHAPTER = 2
VENUE_FIELDS = ("journal", "booktitle", "publisher", "school", "institution", "howpublished")

TERM_ROLE = re.compile(r"\{term\}`([^`]+)`")
CITE_ROLE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")


# ---- parsing helpers ---------------------------------------------------------------------------
def glossary_entries(markdown: str) -> list[list[str]]:
    """The term lines of each entry of the (single) ``{glossary}`` directive, aliases together."""
    match = re.search(r"(?ms)^```\{glossary\}\n(.*?)^```", markdown)
    if match is None:
        raise ValueError("no ```{glossary} directive")
    entries, current = [], []
    for line in match.group(1).splitlines():
        if not line.strip() or line.startswith(":"):
            if current:
                entries.append(current)
                current = []
            continue
        if line[0].isspace():  # the indented definition ends the entry's term lines
            if current:
                entries.append(current)
                current = []
        else:
            current.append(line.strip())
    if current:
        entries.append(current)
    return entries


def term_index(entries: list[list[str]]) -> dict[str, int]:
    """Lower-cased term -> entry number (aliases share one). Duplicate terms are an error."""
    index: dict[str, int] = {}
    for number, terms in enumerate(entries):
        for term in terms:
            key = term.lower()
            if key in index:
                raise ValueError(f"glossary term {term!r} is defined twice")
            index[key] = number
    return index


def term_targets(text: str) -> list[str]:
    """Targets of the ``{term}`` roles in ``text``: ``text <target>`` or the text itself."""
    targets = []
    for body in TERM_ROLE.findall(text):
        explicit = re.search(r"<([^<>]+)>\s*$", body)
        targets.append((explicit.group(1) if explicit else body).strip())
    return targets


def cite_keys(text: str) -> list[str]:
    """Keys of every ``{cite}``, ``{cite:p}``, ``{cite:t}``... role in ``text``."""
    return [key.strip() for body in CITE_ROLE.findall(text) for key in body.split(",") if key.strip()]


def incomplete_entries(bibtex: str) -> dict[str, list[str]]:
    """Entry key -> the parts it lacks among authors, title, year and a venue."""
    problems = {}
    for key, entry in parse_string(bibtex, "bibtex").entries.items():
        missing = []
        if not (entry.persons.get("author") or entry.persons.get("editor")):
            missing.append("authors")
        for field in ("title", "year"):
            if not entry.fields.get(field, "").strip():
                missing.append(field)
        if not any(entry.fields.get(field, "").strip() for field in VENUE_FIELDS):
            missing.append("venue (" + "/".join(VENUE_FIELDS) + ")")
        if missing:
            problems[key] = missing
    return problems


def page_text(path) -> str:
    """The Markdown of a page: a .md file, or the Markdown cells of a notebook."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return path.read_text(encoding="utf-8")


def book_pages() -> dict[str, str]:
    """Page name -> Markdown for the landing page and every page of _toc.yml."""
    pages = {}
    for name in [toc_root()] + toc_files():
        for suffix in (".md", ".ipynb"):
            path = ROOT / f"{name}{suffix}"
            if path.exists():
                pages[name] = page_text(path)
    return pages


# ---- the helpers fail on broken input ----------------------------------------------------------
BROKEN_GLOSSARY = """
```{glossary}
:sorted:

PSI
population stability index
  A drift statistic.

NCE
  Normalized cross-entropy.
```
"""


def test_helpers_read_aliases_roles_and_keys():
    entries = glossary_entries(BROKEN_GLOSSARY)
    assert entries == [["PSI", "population stability index"], ["NCE"]]
    assert term_index(entries) == {"psi": 0, "population stability index": 0, "nce": 1}
    text = "A {term}`PSI` and the {term}`stability index <population stability index>`."
    assert term_targets(text) == ["PSI", "population stability index"]
    assert cite_keys("see {cite:p}`a2020x, b2021y` and {cite:t}`c2019z`, {cite}`d1`") == [
        "a2020x", "b2021y", "c2019z", "d1"]


def test_helpers_catch_broken_input():
    with pytest.raises(ValueError, match="defined twice"):
        term_index([["PSI"], ["psi"]])
    with pytest.raises(ValueError, match="no ```{glossary}"):
        glossary_entries("## Glossary\n\nPSI\n: a deflist, not a glossary\n")
    problems = incomplete_entries("@article{x2020a, title = {T}, year = {2020}}\n"
                                  "@book{y2021b, author = {Doe, J.}, title = {B}, year = {2021},"
                                  " publisher = {P}}")
    assert problems == {"x2020a": ["authors", "venue (" + "/".join(VENUE_FIELDS) + ")"]}


# ---- the book ----------------------------------------------------------------------------------
PAGES = book_pages()
CHAPTERS = [name for name in PAGES if name.split("/")[-1][:2].isdigit()]
INDEX = term_index(glossary_entries(GLOSSARY_PAGE.read_text(encoding="utf-8")))
BIB = BIBFILE.read_text(encoding="utf-8")
BIB_KEYS = set(parse_string(BIB, "bibtex").entries.keys())


def test_glossary_has_entries():
    assert len(set(INDEX.values())) >= 40, "the glossary lost entries"


@pytest.mark.parametrize("name", list(PAGES))
def test_every_term_link_has_a_glossary_entry(name):
    missing = [t for t in term_targets(PAGES[name]) if t.lower() not in INDEX]
    assert not missing, f"{name}: {{term}} targets missing from the glossary: {missing}"


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_links_its_key_terms_once(name):
    entries = [INDEX[t.lower()] for t in term_targets(PAGES[name]) if t.lower() in INDEX]
    twice = [number for number, count in Counter(entries).items() if count > 1]
    names = {number: term for term, number in INDEX.items()}
    assert not twice, f"{name}: link only the first use; linked more than once: {[names[n] for n in twice]}"
    assert len(set(entries)) >= MIN_TERMS_PER_CHAPTER, (
        f"{name}: {len(set(entries))} glossary terms linked, at least {MIN_TERMS_PER_CHAPTER} expected")


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_cites_what_it_relies_on(name):
    keys = set(cite_keys(PAGES[name]))
    assert len(keys) >= MIN_CITATIONS_PER_CHAPTER, (
        f"{name}: cites {sorted(keys)}, at least {MIN_CITATIONS_PER_CHAPTER} keys expected")


def test_every_cited_key_is_in_the_bibliography():
    unknown = {name: sorted(set(cite_keys(text)) - BIB_KEYS) for name, text in PAGES.items()}
    unknown = {name: keys for name, keys in unknown.items() if keys}
    assert not unknown, f"cited keys missing from references.bib: {unknown}"


def test_every_bibliography_entry_is_complete():
    assert not incomplete_entries(BIB), f"incomplete entries: {incomplete_entries(BIB)}"


def test_every_bibliography_entry_is_cited():
    cited = {key for text in PAGES.values() for key in cite_keys(text)}
    assert not BIB_KEYS - cited, f"entries cited nowhere (cite or remove them): {sorted(BIB_KEYS - cited)}"


def test_the_references_page_prints_the_bibliography():
    assert "```{bibliography}" in PAGES["chapters/appendix_references"]

"""Print the whole book to one PDF, offline: ``make pdf``.

Steps, each timed:

1. The HTML build (``scripts/build_book.sh``, which executes every chapter) must exist: its
   executed notebooks in ``_build/jupyter_execute``. If it is missing, it is built first.
2. A single-page build, warnings as errors and nitpicky (``-W -n``), of a copy of the book in
   ``_build/pdf/book`` whose chapters are those executed notebooks and whose configuration is
   the book's with execution off: no kernel starts, every output, figure and glued number is the
   HTML build's. (Reusing ``_build/.doctrees`` instead would be faster only while Sphinx sees
   exactly the same configuration and sources; any difference, even a new file outside the
   table of contents, makes it read and execute every chapter again.) The build log is kept in
   ``_build/pdf/singlehtml.log``; an "Executing" line in it fails the step.
3. Debian's Chromium (launched exactly as the browser tests launch it) opens that page, waits for
   MathJax 2 to finish, applies ``scripts/pdf_print.css``, opens every folded answer and solution,
   starts each chapter on a new page, adds a title and contents page, and prints to A4 with page
   numbers in the footer and a PDF outline. A first print finds the page of each chapter (from
   the outline); the second one carries those numbers on the contents page.
4. The PDF is written to ``_build/pdf/ml-system-design-executable.pdf`` and copied next to the
   landing page (``_build/html/``), which links to it.

Exit status is non-zero, with a message naming what is missing, when any step fails.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as `python scripts/build_pdf.py`: make `scripts` and `tests` importable
    sys.path.insert(0, str(ROOT))

from scripts.toc import toc_files, toc_root  # noqa: E402

BUILD = ROOT / "_build"
EXECUTED = BUILD / "jupyter_execute"
HTML = BUILD / "html"
PDF_NAME = "ml-system-design-executable.pdf"
OUT = BUILD / "pdf" / PDF_NAME
#: The copy of the book that is built as one page, and where that page lands.
STAGE = BUILD / "pdf" / "book"
SINGLEHTML = STAGE / "_build" / "singlehtml"
#: Not copied into the stage: builds, environments, caches.
NOT_STAGED = ("_build", ".venv", ".git", ".pytest_cache", ".hypothesis", ".ipynb_checkpoints",
              "__pycache__", ".ruff_cache", "*.egg-info")
PRINT_CSS = ROOT / "scripts" / "pdf_print.css"
#: Source suffixes Sphinx reads here (notebooks are executed when read; Markdown is not).
SUFFIXES = (".ipynb", ".md")
FOOTER = ('<div style="font-size:8px;width:100%;text-align:center;color:#555;'
          'font-family:sans-serif"><span class="pageNumber"></span> / <span class="totalPages"></span></div>')
MARGINS = {"top": "15mm", "bottom": "16mm", "left": "15mm", "right": "15mm"}


class PdfError(RuntimeError):
    """A step of the PDF build failed; the message says which and what to do."""


@dataclass(frozen=True)
class Entry:
    """One page of the table of contents: its document name, part caption and title."""

    doc: str
    part: str | None
    title: str


# ---------------------------------------------------------------- pure parts (unit-tested)

def plain_title(heading: str) -> str:
    """The text of a Markdown ``# heading`` line as the reader sees it (no marks, no backticks)."""
    text = re.sub(r"^#\s+", "", heading.strip())
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [text](link) -> text
    return re.sub(r"[`*]", "", text).strip()


def first_heading(markdown: str) -> str | None:
    """The first level-1 ``# `` heading of a Markdown text, outside code fences, as plain text."""
    fenced = False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and line.startswith("# "):
            return plain_title(line)
    return None


def chapter_title(path: Path) -> str:
    """The title of a page of the book: the first ``# `` heading of a notebook or Markdown file."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        texts = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    else:
        texts = [path.read_text(encoding="utf-8")]
    for text in texts:
        title = first_heading(text)
        if title:
            return title
    raise PdfError(f"{path}: no '# title' heading found")


def source_of(doc: str, root: Path = ROOT) -> Path:
    """The source file of document ``doc`` (a ``_toc.yml`` entry without suffix)."""
    for suffix in SUFFIXES:
        if (root / f"{doc}{suffix}").exists():
            return root / f"{doc}{suffix}"
    raise PdfError(f"_toc.yml lists {doc!r} but neither {doc}.ipynb nor {doc}.md exists")


def part_captions(root: Path = ROOT) -> dict[str, str]:
    """Each chapter's part caption in ``_toc.yml`` (chapters outside a part are absent)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    return {chapter["file"]: part.get("caption", "") for part in toc.get("parts", [])
            for chapter in part.get("chapters", []) if "file" in chapter}


def toc_entries(root: Path = ROOT) -> list[Entry]:
    """The landing page and every page of ``_toc.yml``, in order, with part and title."""
    parts = part_captions(root)
    docs = [toc_root(root), *toc_files(root)]
    return [Entry(doc, parts.get(doc), chapter_title(source_of(doc, root))) for doc in docs]


def stale_chapters(docs: list[str], root: Path, executed: Path) -> list[str]:
    """Notebooks edited after the HTML build executed them: the PDF shows the executed version."""
    return [doc for doc in docs if (root / f"{doc}.ipynb").exists()
            and (executed / f"{doc}.ipynb").exists()
            and (root / f"{doc}.ipynb").stat().st_mtime > (executed / f"{doc}.ipynb").stat().st_mtime]


#: The MIME prefix that hides a glued value from the cell's displayed outputs.
GLUE_PREFIX = "application/papermill.record/"


def with_glue(notebook: dict, glue: dict) -> dict:
    """An executed notebook with its glued values put back, so that it renders without a kernel.

    myst-nb takes glued values out of the outputs when it executes a notebook and keeps them in
    ``<name>.glue.json`` beside the executed copy; unexecuted, it finds glued values only among
    the outputs. They go back, hidden, on the first code cell (the input is not modified).
    """
    records = [{**entry, "data": {GLUE_PREFIX + mime: value for mime, value in entry["data"].items()},
                "metadata": {**entry.get("metadata", {}),
                             "scrapbook": {"name": key, "mime_prefix": GLUE_PREFIX}}}
               for key, entry in glue.items()]
    cells = [dict(cell) for cell in notebook["cells"]]
    code = next((i for i, cell in enumerate(cells) if cell["cell_type"] == "code"), None)
    if records and code is None:
        raise PdfError("glued values but no code cell to hold them")
    if records:
        cells[code]["outputs"] = [*cells[code].get("outputs", []), *records]
    return {**notebook, "cells": cells}


def execution_off(config: dict) -> dict:
    """The book's ``_config.yml`` with notebook execution off (the input is not modified)."""
    return {**config, "execute": {**config.get("execute", {}), "execute_notebooks": "off"}}


def executed_notebooks(log: str) -> list[str]:
    """Notebooks the build log says myst-nb executed ("<path>: Executing notebook ...")."""
    return re.findall(r"^(\S+\.ipynb): Executing notebook", log, flags=re.MULTILINE)


def normalize(text: str) -> str:
    """A title without whitespace or a trailing heading-link ``#``, for matching.

    Whitespace goes entirely: Chromium's outline drops the space where a long title wraps.
    """
    return re.sub(r"\s+", "", text).rstrip("#¶")


def first_pages(outline: list[tuple[str, int]], titles: list[str]) -> dict[str, int]:
    """Page (1-based) of each title, from ``(outline title, 0-based page)`` pairs in order.

    Titles are matched in book order, each after the previous one's page, so a title repeated
    earlier (the contents page, the landing page's table) is not taken for the chapter itself.
    """
    pages: dict[str, int] = {}
    start = 0
    for title in titles:
        want = normalize(title)
        hit = next((p for t, p in outline if p >= start and normalize(t) == want), None)
        if hit is None:
            raise PdfError(f"chapter {title!r} is not in the PDF outline")
        pages[title] = hit + 1
        start = hit
    return pages


def human_size(n_bytes: int) -> str:
    """``1234567`` -> ``'1.2 MB'``."""
    for unit in ("B", "kB", "MB", "GB"):
        if n_bytes < 1000 or unit == "GB":
            return f"{n_bytes:.0f} {unit}" if unit == "B" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1000
    raise AssertionError("unreachable")


# ---------------------------------------------------------------- steps

def ensure_html_build(notebooks: list[str]) -> None:
    """Build the HTML book (executing every chapter) unless every executed notebook exists."""
    missing = [doc for doc in notebooks if not (EXECUTED / f"{doc}.ipynb").exists()]
    if not missing:
        return
    print(f"The HTML build is missing ({len(missing)} executed notebooks not in "
          f"{EXECUTED.relative_to(ROOT)}, e.g. {missing[0]}): building it first "
          "(bash scripts/build_book.sh, executes every chapter)", flush=True)
    # build_book.sh runs `jupyter-book`: the one beside this Python (the venv's) comes first.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    if subprocess.run(["bash", "scripts/build_book.sh"], cwd=ROOT, env=env).returncode != 0:
        raise PdfError("the HTML build (scripts/build_book.sh) failed; see its output above")
    missing = [doc for doc in notebooks if not (EXECUTED / f"{doc}.ipynb").exists()]
    if missing:
        raise PdfError(f"the HTML build wrote no executed copy of {', '.join(missing)}")


def stage_book(notebooks: list[str]) -> None:
    """Copy the book to ``STAGE`` with the executed notebooks as chapters and execution off."""
    if STAGE.exists():
        shutil.rmtree(STAGE)
    shutil.copytree(ROOT, STAGE, ignore=shutil.ignore_patterns(*NOT_STAGED))
    for doc in notebooks:
        glue_file = EXECUTED / f"{doc}.glue.json"
        glue = json.loads(glue_file.read_text(encoding="utf-8")) if glue_file.exists() else {}
        executed = json.loads((EXECUTED / f"{doc}.ipynb").read_text(encoding="utf-8"))
        (STAGE / f"{doc}.ipynb").write_text(json.dumps(with_glue(executed, glue)), encoding="utf-8")
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    (STAGE / "_config.yml").write_text(
        "# Written by scripts/build_pdf.py: the book's _config.yml, notebooks not executed.\n"
        + yaml.safe_dump(execution_off(config), sort_keys=False, allow_unicode=True), encoding="utf-8")


def build_singlehtml(notebooks: list[str], log_path: Path) -> None:
    """Single-page build of the stage with -W -n; fails if a notebook was executed after all."""
    stale = stale_chapters(notebooks, ROOT, EXECUTED)
    if stale:
        print(f"note: edited since the HTML build executed them, so the PDF shows the built version "
              f"(run `make book` first to include the edits): {', '.join(stale)}", flush=True)
    stage_book(notebooks)
    command = [sys.executable, str(ROOT / "scripts" / "singlehtml_build.py"), str(STAGE),
               "--builder", "singlehtml", "-W", "-n", "--keep-going"]
    env = {k: v for k, v in os.environ.items() if k != "MLSD_DASK_SCHEDULER"}  # as build_book.sh
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, errors="replace") as proc, log_path.open("w", encoding="utf-8") as log:
        for line in proc.stdout:
            sys.stdout.write(line)
            log.write(line)
    if proc.returncode != 0:
        raise PdfError(f"the single-page build failed (exit {proc.returncode}); log: {log_path}")
    executed = executed_notebooks(log_path.read_text(encoding="utf-8"))
    if executed:
        raise PdfError(f"the single-page build executed {', '.join(executed)}; it must only read outputs")
    page = SINGLEHTML / f"{toc_root()}.html"
    if not page.exists():
        raise PdfError(f"the single-page build wrote no {page.relative_to(ROOT)}")


# MathJax 2 typesets after the load event: wait until every formula has its element jax and the
# Hub's queue has run past them.
WAIT_FOR_MATHJAX = """() => new Promise((resolve, reject) => {
  if (!document.querySelector('script[src*="MathJax.js"]')) {
    reject(new Error('MathJax is not on the page')); return;
  }
  const t0 = Date.now();
  const poll = () => {
    const formulas = document.querySelectorAll('script[type^="math/tex"]').length;
    if (window.MathJax && MathJax.isReady && MathJax.Hub.getAllJax().length >= formulas) {
      MathJax.Hub.Queue(() => resolve(document.querySelectorAll('math').length));
    } else if (Date.now() - t0 > 180000) {
      reject(new Error(window.MathJax ? 'MathJax did not finish in 180 s' : 'MathJax is not on the page'));
    } else {
      setTimeout(poll, 200);
    }
  };
  poll();
})"""

# Open the folds, mark each chapter (one new page each, headings from h1), add the contents page.
PREPARE = """({entries, title, subtitle}) => {
  document.documentElement.dataset.theme = 'light';
  document.documentElement.dataset.mode = 'light';
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  document.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
  document.querySelectorAll('img[loading]').forEach(i => i.removeAttribute('loading'));
  const article = document.querySelector('article.bd-article') || document.querySelector('.bd-article');
  const rootSection = article.querySelector('section');
  // The chapters are inlined inside the landing page's section: move them after it.
  let anchor = rootSection;
  for (const wrapper of [...rootSection.querySelectorAll(':scope > .toctree-wrapper')]) {
    anchor.after(wrapper); anchor = wrapper;
  }
  const retag = (el, tag) => {
    const n = document.createElement(tag);
    for (const a of el.attributes) n.setAttribute(a.name, a.value);
    while (el.firstChild) n.appendChild(el.firstChild);
    el.replaceWith(n);
  };
  const missing = [];
  const sections = [];
  for (const e of entries) {
    let section = rootSection;
    if (e.doc !== entries[0].doc) {
      section = document.getElementById('document-' + e.doc);
      while (section && section.tagName !== 'SECTION') section = section.nextElementSibling;
    }
    if (!section) { missing.push(e.doc); continue; }
    section.classList.add('pdf-chapter');
    section.dataset.doc = e.doc;
    sections.push(section);
  }
  for (const section of sections) {  // chapter titles become h1, their sections h2, ...
    const top = Number(section.querySelector('h1,h2,h3,h4,h5,h6').tagName[1]);
    if (top > 1) {
      for (const h of [...section.querySelectorAll('h2,h3,h4,h5,h6')]) {
        retag(h, 'h' + Math.max(1, Number(h.tagName[1]) - (top - 1)));
      }
    }
  }
  const box = document.createElement('div');
  box.id = 'pdf-contents';
  const head = document.createElement('div');
  head.className = 'pdf-book-title'; head.textContent = title;
  const sub = document.createElement('div');
  sub.className = 'pdf-book-subtitle'; sub.textContent = subtitle;
  const h = document.createElement('h1'); h.textContent = 'Contents';
  const list = document.createElement('ol');
  let part = null;
  for (const e of entries) {
    if (e.part && e.part !== part) {
      const li = document.createElement('li'); li.className = 'pdf-toc-part'; li.textContent = e.part;
      list.appendChild(li); part = e.part;
    }
    const li = document.createElement('li'); li.className = 'pdf-toc-entry';
    const a = document.createElement('a');
    const section = sections.find(s => s.dataset.doc === e.doc);
    if (section && section.id) a.href = '#' + section.id;
    a.textContent = e.title;
    const leader = document.createElement('span'); leader.className = 'pdf-toc-leader';
    const num = document.createElement('span'); num.className = 'pdf-toc-page'; num.dataset.doc = e.doc;
    li.append(a, leader, num); list.appendChild(li);
  }
  box.append(head, sub, h, list);
  rootSection.before(box);
  return missing;
}"""

FILL_PAGES = """(pages) => {
  for (const el of document.querySelectorAll('.pdf-toc-page')) el.textContent = pages[el.dataset.doc] ?? '';
}"""


def pdf_outline(pdf: bytes) -> list[tuple[str, int]]:
    """``(title, 0-based page)`` of every outline item of a PDF, depth first, in order."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    items: list[tuple[str, int]] = []

    def walk(nodes):
        for node in nodes:
            if isinstance(node, list):
                walk(node)
            else:
                page = reader.get_destination_page_number(node)
                if page is not None and page >= 0:  # an item may point to a page that is gone
                    items.append((str(node.title), page))

    walk(reader.outline)
    return items


def print_pdf(entries: list[Entry], out: Path, paper: str) -> dict[str, int]:
    """Print the single-page build to ``out``; returns each document's first page."""
    from tests.browser.conftest import CHROMIUM_ARGS, chromium_path

    executable = chromium_path()
    if executable is None:
        raise PdfError("Chromium is not installed (Debian: apt-get install chromium; or set MLSD_CHROMIUM)")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise PdfError("playwright is not installed (pip install -r requirements.txt)") from exc
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    options = {"format": paper, "margin": MARGINS, "print_background": True,
               "display_header_footer": True, "header_template": "<span></span>",
               "footer_template": FOOTER, "outline": True, "tagged": True}
    page_url = (SINGLEHTML / f"{toc_root()}.html").as_uri()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.emulate_media(media="print", color_scheme="light")
            page.goto(page_url, wait_until="load", timeout=180_000)
            n_math = page.evaluate(WAIT_FOR_MATHJAX)
            page.add_style_tag(path=str(PRINT_CSS))
            missing = page.evaluate(PREPARE, {
                "entries": [e.__dict__ for e in entries], "title": config["title"],
                "subtitle": f"{config['author']}. Printed from the executed book."})
            if missing:
                raise PdfError(f"documents not found in the single page: {missing}")
            page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=120_000)
            print(f"  page ready: {n_math} formulas typeset, "
                  f"{page.evaluate('document.images.length')} images", flush=True)
            t0 = time.perf_counter()
            pages = first_pages(pdf_outline(page.pdf(**options)), [e.title for e in entries])
            print(f"  first print (finds each chapter's page): {time.perf_counter() - t0:.0f} s", flush=True)
            page.evaluate(FILL_PAGES, {e.doc: pages[e.title] for e in entries})
            pdf = page.pdf(**options)
        except PlaywrightError as exc:  # a timeout, MathJax missing, a page that does not load
            raise PdfError(f"printing in Chromium failed: {exc.message.splitlines()[0]}") from exc
        finally:
            browser.close()
    if first_pages(pdf_outline(pdf), [e.title for e in entries]) != pages:
        raise PdfError("the chapters moved between the two prints; the contents page would be wrong")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf)
    return {e.doc: pages[e.title] for e in entries}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options (see ``--help``)."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=OUT,
                        help=f"PDF to write (default: {OUT.relative_to(ROOT)})")
    parser.add_argument("--paper", choices=["A4", "Letter"], default="A4", help="paper size (default: A4)")
    parser.add_argument("--print-only", action="store_true",
                        help=f"reuse {SINGLEHTML.relative_to(ROOT)} as it is (no Sphinx run); only print")
    parser.add_argument("--no-copy", action="store_true",
                        help=f"do not copy the PDF to _build/html/{PDF_NAME} for the landing page's link")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Build the PDF; print the page count, size and the time of each step."""
    args = parse_args(argv)
    from pypdf import PdfReader

    started = time.perf_counter()
    try:
        entries = toc_entries()
        notebooks = [e.doc for e in entries if (ROOT / f"{e.doc}.ipynb").exists()]
        if args.print_only:
            if not (SINGLEHTML / f"{toc_root()}.html").exists():
                raise PdfError(f"--print-only: {SINGLEHTML.relative_to(ROOT)} is not built; run without it")
        else:
            ensure_html_build(notebooks)
            t0 = time.perf_counter()
            build_singlehtml(notebooks, args.out.parent / "singlehtml.log")
            print(f"single-page build: {time.perf_counter() - t0:.0f} s, 0 notebooks executed", flush=True)
        t0 = time.perf_counter()
        pages = print_pdf(entries, args.out, args.paper)
        print(f"printing: {time.perf_counter() - t0:.0f} s", flush=True)
        if not args.no_copy and HTML.exists():
            shutil.copyfile(args.out, HTML / PDF_NAME)
    except PdfError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    n_pages = len(PdfReader(args.out).pages)
    for entry in entries:
        print(f"  p. {pages[entry.doc]:>4}  {entry.title}")
    print(f"{args.out}: {n_pages} pages, {human_size(args.out.stat().st_size)} "
          f"({time.perf_counter() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Fixtures for the browser tests: a local server for _build/html and Debian's Chromium.

Chromium is driven by Playwright but never downloaded: it must be the system's
(/usr/bin/chromium, or MLSD_CHROMIUM). Under CI (CI=true) a missing browser or a missing build
is an error; on a learner's machine the tests skip with the reason. MLSD_BOOK_HTML points the tests
at another built site (e.g. a copy with a changed page); screenshots then go beside it.
"""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from scripts.toc import ROOT

HTML = Path(os.environ.get("MLSD_BOOK_HTML") or ROOT / "_build" / "html")
SCREENSHOTS = HTML.parent / "screenshots"
#: Per-page counts filled by the page test and printed in the summary (for CI logs and notes).
STATS: dict[str, dict] = {}
#: Further lines for the terminal summary, by section title (e.g. the dark-mode figure checks).
SUMMARY: dict[str, list[str]] = {}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-quic"]


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (required under CI)", pytrace=False)
    pytest.skip(reason)


def chromium_path() -> str | None:
    for candidate in (os.environ.get("MLSD_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def page_stats():
    """Per-page counts the page test fills and the terminal summary prints."""
    return STATS


@pytest.fixture(scope="session")
def summary_section():
    """``summary_section(title)``: the list of lines the terminal summary prints under ``title``."""
    return lambda title: SUMMARY.setdefault(title, [])


@pytest.fixture(scope="session")
def screenshots_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output readable
        pass


@pytest.fixture(scope="session")
def built_html() -> Path:
    """The built book's directory (_build/html); a missing build skips, or fails under CI."""
    if not (HTML / "index.html").exists():
        _unavailable(f"the book is not built ({HTML}/index.html missing): run `make book` first")
    return HTML


@pytest.fixture(scope="session")
def site(built_html):
    """Base URL of _build/html served on 127.0.0.1 by a server this fixture starts and stops."""
    handler = functools.partial(QuietHandler, directory=str(built_html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        _unavailable("Chromium is not installed (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -r requirements.txt)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def pytest_terminal_summary(terminalreporter):
    tr = terminalreporter
    for title, lines in SUMMARY.items():
        tr.section(title)
        for line in lines:
            tr.write_line(line)
    if not STATS:
        return
    tr.section("built book in Chromium")
    for path, counts in STATS.items():
        tr.write_line(f"{path}: {counts['images']} images loaded, {counts['requests']} requests, "
                      f"{counts['external']} left 127.0.0.1")
    total = {key: sum(c[key] for c in STATS.values()) for key in ("images", "requests", "external")}
    tr.write_line(f"{len(STATS)} pages: {total['images']} images, {total['requests']} requests, "
                  f"{total['external']} external")

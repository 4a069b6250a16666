"""Fixtures for the browser tests: a local server for _build/html and Debian's Chromium.

Chromium is driven by Playwright but never downloaded: it must be the system's
(/usr/bin/chromium, or MLSD_CHROMIUM). Under CI (CI=true) a missing browser or a missing build
is an error; on a learner's machine the tests skip with the reason.
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

HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
#: Per-page counts filled by the page test and printed in the summary (for CI logs and notes).
STATS: dict[str, dict] = {}
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
def screenshots_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output readable
        pass


@pytest.fixture(scope="session")
def site():
    """Base URL of _build/html served on 127.0.0.1 by a server this fixture starts and stops."""
    if not (HTML / "index.html").exists():
        _unavailable("the book is not built (_build/html/index.html missing): run `make book` first")
    handler = functools.partial(QuietHandler, directory=str(HTML))
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
    if not STATS:
        return
    tr = terminalreporter
    tr.section("built book in Chromium")
    for path, counts in STATS.items():
        tr.write_line(f"{path}: {counts['images']} images loaded, {counts['requests']} requests, "
                      f"{counts['external']} left 127.0.0.1")
    total = {key: sum(c[key] for c in STATS.values()) for key in ("images", "requests", "external")}
    tr.write_line(f"{len(STATS)} pages: {total['images']} images, {total['requests']} requests, "
                  f"{total['external']} external")

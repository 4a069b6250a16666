"""A learner's view: chapter 02 opened in JupyterLab, in Chromium, renders its MyST dropdowns.

Starts `jupyter lab` on 127.0.0.1 with a throwaway token, opens the notebook (no kernel is
needed to render Markdown) and checks that jupyterlab-myst turned ":::{dropdown}" into a
collapsible element instead of showing the raw directive, and that the code of the exercise
solutions starts collapsed (cell metadata ``jupyter.source_hidden``), so a learner can try an
exercise before seeing its answer.
"""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from scripts.toc import ROOT

CHAPTER = "chapters/02_visual_search.ipynb"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    jupyter = Path(sys.executable).with_name("jupyter")
    if not jupyter.exists():
        pytest.skip("jupyter is not installed next to this Python")
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path_factory.mktemp("jupyter-config")),
               JUPYTER_RUNTIME_DIR=str(tmp_path_factory.mktemp("jupyter-runtime")))
    proc = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", "--allow-root", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT}",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("jupyter lab did not start within 60 s")
                time.sleep(0.5)
        yield base, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_dropdowns_render_in_jupyterlab(lab, page):
    base, token = lab
    external = []

    def on_route(route):
        if route.request.url.startswith("http://127.0.0.1"):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    page.route("**/*", on_route)
    page.goto(f"{base}/lab/tree/{CHAPTER}?token={token}")
    # jupyterlab-myst renders a dropdown as <details class="... dropdown ..."> in the notebook.
    page.wait_for_selector(".jp-Notebook details", timeout=60_000)
    assert page.locator(".jp-Notebook details").count() >= 3
    raw = page.locator(".jp-MarkdownOutput", has_text=":::{dropdown}").count()
    assert raw == 0, "MyST dropdowns are shown as raw text"
    assert not [u for u in external if "127.0.0.1" not in u and not u.startswith("data:")], external
    # Code cells with source_hidden show JupyterLab's "..." placeholder instead of their source.
    hidden = sum(1 for c in nbformat.read(ROOT / CHAPTER, as_version=4).cells
                 if c.cell_type == "code" and c.metadata.get("jupyter", {}).get("source_hidden"))
    assert hidden >= 2, f"{CHAPTER}: expected the solutions' code cells to be marked source_hidden"
    page.wait_for_selector(".jp-Notebook .jp-InputPlaceholder", timeout=30_000)
    shown = page.locator(".jp-Notebook .jp-InputPlaceholder").count()
    assert shown == hidden, f"{shown} collapsed inputs in JupyterLab, {hidden} cells marked source_hidden"

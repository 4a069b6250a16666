"""The book's table of contents (_toc.yml), read once for the scripts and the tests.

Every check that loops over chapters reads them from here, so a chapter added to _toc.yml is
picked up by the structure tests, the benchmark, the determinism check and the browser tests.
"""
from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def toc_files(root: Path = ROOT) -> list[str]:
    """Every ``file:`` entry of ``_toc.yml`` (without suffix), in table-of-contents order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(toc)
    return files


def toc_root(root: Path = ROOT) -> str:
    """The landing page of the book (``root:`` of ``_toc.yml``)."""
    return yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))["root"]


def toc_notebooks(root: Path = ROOT) -> list[Path]:
    """Paths of the ``.ipynb`` chapters listed in ``_toc.yml``, in order."""
    return [root / f"{f}.ipynb" for f in toc_files(root) if (root / f"{f}.ipynb").exists()]


def toc_pages(root: Path = ROOT) -> list[str]:
    """HTML paths of the landing page and every page of ``_toc.yml``, in order."""
    return [f"{toc_root(root)}.html"] + [f"{f}.html" for f in toc_files(root)]

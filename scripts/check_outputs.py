"""Fail on stray values under cells of the executed chapters (COURSE.md review lesson 8).

Usage: python scripts/check_outputs.py DIR

DIR holds executed copies of the chapters (the book build's ``_build/jupyter_execute/chapters``).
A stray value is what a cell echoes by accident: a call or bare expression that ends a cell and
returns a number or a string (``0.7786530000117864`` under a cell in the HTML). It shows up as an
``execute_result`` whose only representation is ``text/plain``; tables (``text/html``) and figures
(``image/png``) have richer ones and are meant to be shown. Text written to stderr (a warning) is
reported too. Exits 1 naming the notebook, the cell and the value.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat


def stray_outputs(path: Path) -> list[str]:
    """One line per stray output of the executed notebook ``path``."""
    nb = nbformat.read(path, as_version=4)
    problems = []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            last = (cell.source.strip().splitlines() or [""])[-1][:60]
            where = f"{path.name}, cell {index} ({last!r})"
            if out.get("output_type") == "execute_result" and set(out.get("data", {})) <= {"text/plain"}:
                problems.append(f"{where}: echoes {str(out['data'].get('text/plain', ''))[:60]!r}")
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                problems.append(f"{where}: writes to stderr {out.get('text', '')[:80]!r}")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    folder = Path(argv[0])
    notebooks = sorted(folder.glob("*.ipynb"))
    if not notebooks:
        print(f"check_outputs: no executed notebooks in {folder}", file=sys.stderr)
        return 1
    problems = [line for nb in notebooks for line in stray_outputs(nb)]
    for line in problems:
        print(line)
    print(f"check_outputs: {len(notebooks)} notebooks, {len(problems)} stray outputs")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Compare the glued values of two independent executions of every chapter.

Usage: python scripts/check_determinism.py DIR_A DIR_B

Each DIR holds executed copies of the chapters (e.g. the book build's ``_build/jupyter_execute/
chapters`` and the benchmark's ``_build/bench``). Every value glued with myst-nb in one copy must
be glued in the other with the same value, numbers rounded to 4 significant digits. Keys of
measurements of the machine are excluded: ``time_*`` (timings and what derives from them, as
COURSE.md sets) and ``mem_*`` (memory, e.g. each chapter's peak resident memory). Exits 1 on any
difference, naming the notebook, the key and both values.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat

#: Prefixes of glue keys whose values depend on the machine and the moment, not on the seed.
MACHINE_PREFIXES = ("time_", "mem_")
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def canonical(text: str) -> str:
    """The text with every number rounded to 4 significant digits."""
    def round4(match):
        value = float(match.group(0))
        return f"{value:.4g}" if value != 0 else "0"
    return NUMBER.sub(round4, text)


def _glue_outputs(path: Path):
    """Glue outputs of an executed notebook. The book build moves them out of the notebook into
    a sibling ``NAME.glue.json``; a plain execution (nbclient) leaves them in the cells."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        yield from cell.get("outputs", [])
    sidecar = path.with_suffix(".glue.json")
    if sidecar.exists():
        yield from json.loads(sidecar.read_text(encoding="utf-8")).values()


def glued_values(path: Path) -> dict[str, str]:
    """``key -> canonical text/plain`` of every glued output of an executed notebook."""
    values = {}
    for out in _glue_outputs(path):
        meta = out.get("metadata", {}).get("scrapbook", {})
        name = meta.get("name")
        if name and not name.startswith(MACHINE_PREFIXES):
            # myst-nb stores glued data under a prefix: application/papermill.record/text/plain
            prefix = meta.get("mime_prefix", "")
            data = {k.removeprefix(prefix): v for k, v in out.get("data", {}).items()}
            text = data.get("text/plain") or data.get("text/markdown") or data.get("text/html") or ""
            text = text if isinstance(text, str) else "".join(text)
            if not text:
                raise ValueError(f"{path.name}: glued key {name!r} has no text value")
            values[name] = canonical(text)
    return values


def compare(dir_a: Path, dir_b: Path) -> list[str]:
    problems = []
    names = sorted(p.name for p in dir_a.glob("*.ipynb"))
    if not names:
        return [f"no executed notebooks in {dir_a}"]
    for name in names:
        other = dir_b / name
        if not other.exists():
            problems.append(f"{name}: missing from {dir_b}")
            continue
        a, b = glued_values(dir_a / name), glued_values(other)
        if not a:
            problems.append(f"{name}: glues no value outside time_*/mem_* keys")
        for key in sorted(a.keys() | b.keys()):
            if a.get(key) != b.get(key):
                problems.append(f"{name}: glue key {key!r} differs: {a.get(key)!r} != {b.get(key)!r}")
        print(f"{name}: {len(a)} glued values compared")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    problems = compare(Path(argv[0]), Path(argv[1]))
    for line in problems:
        print(f"NOT DETERMINISTIC: {line}", file=sys.stderr)
    if not problems:
        print("determinism: every glued value matches (timings excluded)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

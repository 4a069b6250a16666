"""The chapter rules of COURSE.md, enforced inside the project for every chapter in _toc.yml.

New chapters are picked up from _toc.yml automatically. These checks read files only: the
notebooks are executed by the nbval run and the book build.
"""
from __future__ import annotations

import json
import re

import pytest
import yaml

from scripts.toc import ROOT, toc_files, toc_notebooks

HEADINGS = [
    "1. Clarifying requirements",
    "2. Framing as an ML task",
    "3. Data preparation",
    "4. Model development",
    "5. Evaluation",
    "6. Deployment and serving",
    "7. Monitoring and infrastructure",
    "Interview follow-ups",
    "Exercises",
    "Summary",
]
MIN_EXERCISES = 2
GLANCE_KEYS = ("glance_baseline", "glance_model", "time_glance_serving")
ALLOWED_METADATA = {"kernelspec", "language_info"}


def toc():
    return yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))


CHAPTERS = toc_notebooks()


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell):
    src = cell.get("source", "")
    return src if isinstance(src, str) else "".join(src)


def markdown_without_code(text):
    """Markdown with fenced blocks, inline code, roles, math and link targets removed."""
    text = re.sub(r"(?ms)^(```|~~~|:::).*?^\1", "", text)  # fenced blocks (not dropdowns' text)
    text = re.sub(r"\{[a-z:-]+\}`[^`]*`", "", text)  # roles such as {glue:text}`key:.3f`
    text = re.sub(r"`[^`]*`", "", text)
    text = re.sub(r"\$\$.*?\$\$|\$[^$\n]*\$", "", text, flags=re.S)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return text


def h2(cells):
    found = []
    for cell in cells:
        if cell["cell_type"] != "markdown":
            continue
        text = re.sub(r"(?ms)^(```|~~~).*?^\1", "", source(cell))
        found += [m.strip() for m in re.findall(r"(?m)^##(?!#)\s+(.*?)\s*$", text)]
    return found


# ---------------------------------------------------------------- book layout


def test_toc_lists_only_existing_files_and_every_notebook():
    files = toc_files()
    for f in files:
        assert (ROOT / f"{f}.ipynb").exists() or (ROOT / f"{f}.md").exists(), f"_toc.yml lists missing {f}"
    listed = {f"{f}.ipynb" for f in files}
    for nb in (ROOT / "chapters").glob("*.ipynb"):
        assert f"chapters/{nb.name}" in listed, f"{nb.name} is not in _toc.yml"


def test_toc_has_no_automatic_numbering_and_no_empty_part():
    text = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    assert "numbered" not in text, "titles carry their numbers; do not number automatically"
    for part in toc()["parts"]:
        assert part.get("chapters"), f"part {part.get('caption')!r} is empty"


def test_config_fails_on_errors_and_executes_from_clean():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["only_build_toc_files"] is True
    assert config["execute"]["execute_notebooks"] == "force"
    assert config["sphinx"]["config"]["nb_execution_raise_on_error"] is True
    assert config["sphinx"]["config"]["nb_ipywidgets_js"] == {}
    assert not config["sphinx"]["config"]["mathjax_path"].startswith("http")


def test_results_at_a_glance_has_a_row_per_chapter():
    intro = (ROOT / "intro.md").read_text(encoding="utf-8")
    for nb in CHAPTERS:
        rel = nb.relative_to(ROOT).as_posix()
        row = [line for line in intro.splitlines() if line.startswith("|") and f"]({rel})" in line]
        assert len(row) == 1, f"intro.md needs one results row linking {rel}"
        for key in GLANCE_KEYS:
            assert f"{rel}::{key}" in row[0], f"the results row of {rel} does not paste {key}"


# ---------------------------------------------------------------- each chapter


@pytest.fixture(params=CHAPTERS, ids=lambda p: p.stem)
def notebook(request):
    return request.param, load(request.param)


def test_there_are_chapters():
    assert CHAPTERS, "no chapter notebook is listed in _toc.yml"


def test_title_goals_and_sections_in_order(notebook):
    path, nb = notebook
    cells = nb["cells"]
    first = source(cells[0])
    assert re.match(r"# \d+\. \S", first), f"{path.name} must begin with '# N. Title'"
    intro = "\n".join(source(c) for c in cells[:3] if c["cell_type"] == "markdown").lower()
    assert "learning goals" in intro or "you will learn" in intro, "state the learning goals up front"
    got = [h for h in h2(cells) if h in HEADINGS]
    assert got == HEADINGS, f"{path.name}: sections {got} are not exactly {HEADINGS} in order"


def test_committed_clean(notebook):
    path, nb = notebook
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name}: commit with outputs cleared"
            assert cell.get("execution_count") is None, f"{path.name}: execution counts left in"
    assert nb["metadata"].get("kernelspec", {}).get("name") == "python3"
    extra = set(nb["metadata"]) - ALLOWED_METADATA
    assert not extra, f"{path.name}: strip notebook metadata {sorted(extra)}"


def test_imports_utils_asserts_and_prints_environment(notebook):
    path, nb = notebook
    code = [source(c) for c in nb["cells"] if c["cell_type"] == "code"]
    joined = "\n".join(code)
    assert re.search(r"^\s*(import utils|from utils(\.\w+)? import)", joined, re.M), "import utils"
    assert re.search(r"^\s*assert\s+(?!True\b)", joined, re.M), f"{path.name} asserts nothing"
    assert "print_environment()" in code[-1], "the last code cell prints the environment"
    assert "sys.path" not in joined, "no sys.path tricks: utils is an installed package"


def test_prose_pastes_computed_numbers(notebook):
    """Numbers reach the prose through glue. Whether each pasted key was glued is checked where
    it can be, on the executed notebook: the book build fails (-W) on an unknown glue key, in the
    chapter and in the results table of intro.md alike."""
    path, nb = notebook
    prose = "\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    used = set(re.findall(r"\{glue(?::\w+)?\}`([\w.-]+)", prose))
    assert len(used) >= 10, f"{path.name}: prose pastes only {len(used)} computed numbers"
    code = "\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "code")
    for key in GLANCE_KEYS:
        assert key in code, f"{path.name} must glue {key} for the results-at-a-glance page"


def test_no_typed_decimal_numbers_in_prose(notebook):
    """Measured numbers are glued; a decimal typed into prose is almost always a stale result."""
    path, nb = notebook
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = markdown_without_code(source(cell))
        typed = re.findall(r"(?<![\w.])\d+\.\d+(?![\w.])", text)
        assert not typed, f"{path.name}: decimal numbers typed into prose: {typed} in {text[:80]!r}"


def test_figures_have_captions_and_alt_text(notebook):
    path, nb = notebook
    figures = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "plt.show()" in source(cell):
            meta = cell.get("metadata", {}).get("mystnb", {})
            assert meta.get("figure", {}).get("caption"), f"{path.name}: a figure has no caption"
            assert meta.get("image", {}).get("alt"), f"{path.name}: a figure has no alt text"
            figures.append(cell)
    assert len(figures) >= 2, f"{path.name}: at least two figures that teach"


def test_interview_followups_are_hidden_in_dropdowns(notebook):
    path, nb = notebook
    text, inside = [], False
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        src = source(cell)
        if re.search(r"(?m)^## Interview follow-ups", src):
            inside = True
        elif re.search(r"(?m)^## ", src) and inside:
            break
        if inside:
            text.append(src)
    dropdowns = re.findall(r"(?m)^:::+\{dropdown\}", "\n".join(text))
    assert len(dropdowns) >= 3, f"{path.name}: at least 3 interview questions in dropdowns"


def exercise_blocks(cells):
    """For each gated solution, (exercise label, markdown before the code, code cells inside)."""
    blocks, current = [], None
    for cell in cells:
        src = source(cell)
        if cell["cell_type"] == "markdown":
            start = re.search(r"(?m)^```+\{solution-start\}\s*(\S+)\s*\n((?::\w+:.*\n)*)", src + "\n")
            end = re.search(r"(?m)^```+\{solution-end\}", src)
            if end and current is not None:
                blocks.append(current)
                current = None
            if start:
                assert current is None, "a solution-start before the previous solution-end"
                current = {"label": start.group(1), "options": start.group(2), "code": []}
        elif current is not None:
            current["code"].append(cell)
    assert current is None, "a solution-start without its solution-end"
    return blocks


def test_exercises_have_folded_solutions_that_assert(notebook):
    """COURSE.md: >= 2 exercises, each with a solution folded away in the HTML (:class: dropdown)
    and collapsed in JupyterLab (source_hidden), whose code runs in the build and asserts."""
    path, nb = notebook
    markdown = "\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    labels = re.findall(r"(?m)^```+\{exercise\}[^\n]*\n(?::[\w-]+:.*\n)*?:label:\s*(\S+)", markdown)
    assert len(labels) >= MIN_EXERCISES, f"{path.name}: at least {MIN_EXERCISES} labelled exercises"
    blocks = {b["label"]: b for b in exercise_blocks(nb["cells"])}
    for label in labels:
        assert label in blocks, f"{path.name}: exercise {label} has no gated solution"
        block = blocks[label]
        folded = re.search(r":class:\s*dropdown", block["options"])
        assert folded, f"{label}: fold the solution (:class: dropdown)"
        assert block["code"], f"{label}: the solution runs code in the build"
        for cell in block["code"]:
            hidden = cell.get("metadata", {}).get("jupyter", {}).get("source_hidden")
            assert hidden is True, f"{label}: collapse the solution's code in JupyterLab (source_hidden)"
        code = "\n".join(source(c) for c in block["code"])
        assert re.search(r"^\s*assert\s+(?!True\b)", code, re.M), f"{label}: the solution asserts its answer"

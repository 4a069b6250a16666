"""The appendix pages for readers that are generated from the build: execution statistics."""
from __future__ import annotations

import json

from scripts.toc import ROOT, toc_files, toc_notebooks

STATS_PAGE = ROOT / "chapters" / "appendix_execution_statistics.md"
MEM_KEY = "mem_peak_mb"


def test_execution_statistics_page_is_in_the_toc_and_has_myst_nbs_table():
    assert "chapters/appendix_execution_statistics" in toc_files()
    assert "```{nb-exec-table}" in STATS_PAGE.read_text(encoding="utf-8")


def test_execution_statistics_page_has_a_memory_row_for_every_chapter():
    text = STATS_PAGE.read_text(encoding="utf-8")
    missing = [nb.name for nb in toc_notebooks()
               if f"{{glue:text}}`{nb.name}::{MEM_KEY}" not in text]
    assert not missing, f"chapters without a peak-memory row: {missing}"


def test_every_chapter_glues_its_peak_memory_in_its_last_code_cell():
    for nb in toc_notebooks():
        cells = [c for c in json.loads(nb.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
        last = "".join(cells[-1]["source"])
        assert f'glue("{MEM_KEY}", utils.peak_memory_mb())' in last, (
            f"{nb.name}: the last code cell must glue {MEM_KEY} (read by the execution statistics page)")


def test_no_glued_amount_opens_a_formula():
    """``${glue:text}`cost:.2f``` starts inline math (dollarmath) that swallows the role: write ``\\$``."""
    import re
    unescaped = re.compile(r"(?<!\\)\$\{glue")
    bad = []
    for nb in toc_notebooks():
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "markdown" and unescaped.search("".join(cell["source"])):
                bad.append(nb.name)
    assert not bad, f"a dollar sign before a glued number, not escaped as \\$: {sorted(set(bad))}"

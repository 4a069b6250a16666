"""The pure parts of scripts/build_pdf.py and the single-page builder fix (scripts/singlehtml_build.py)."""
from __future__ import annotations

import json

import nbformat
import pytest

from scripts.build_pdf import (
    Entry,
    PdfError,
    chapter_title,
    executed_notebooks,
    execution_off,
    first_heading,
    first_pages,
    human_size,
    normalize,
    stale_chapters,
    toc_entries,
    with_glue,
)


def test_first_heading_skips_code_fences_and_strips_marks():
    text = "(label)=\n```python\n# not a title\n```\n# Appendix: the `utils` **API**\n# second"
    assert first_heading(text) == "Appendix: the utils API"
    assert first_heading("## only a section") is None


def test_chapter_title_of_a_notebook_and_of_markdown(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("# a comment"),
                                         nbformat.v4.new_markdown_cell("# 3. Street [View](x.md)")])
    nbformat.write(nb, tmp_path / "c.ipynb")
    (tmp_path / "m.md").write_text("intro\n# Title\n", encoding="utf-8")
    assert chapter_title(tmp_path / "c.ipynb") == "3. Street View"
    assert chapter_title(tmp_path / "m.md") == "Title"
    (tmp_path / "none.md").write_text("no heading", encoding="utf-8")
    with pytest.raises(PdfError, match="no '# title'"):
        chapter_title(tmp_path / "none.md")


def test_toc_entries_follow_the_toc_with_parts(tmp_path):
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nparts:\n  - caption: A\n    chapters:\n      - file: ch/one\n"
        "  - caption: B\n    chapters:\n      - file: ch/two\n", encoding="utf-8")
    (tmp_path / "ch").mkdir()
    (tmp_path / "intro.md").write_text("# Book\n", encoding="utf-8")
    (tmp_path / "ch" / "one.md").write_text("# One\n", encoding="utf-8")
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Two")]),
                   tmp_path / "ch" / "two.ipynb")
    assert toc_entries(tmp_path) == [Entry("intro", None, "Book"), Entry("ch/one", "A", "One"),
                                     Entry("ch/two", "B", "Two")]
    (tmp_path / "ch" / "one.md").unlink()
    with pytest.raises(PdfError, match="ch/one"):
        toc_entries(tmp_path)


def test_stale_chapters_are_notebooks_edited_after_their_execution(tmp_path):
    import os

    for folder in ("src", "exe"):
        (tmp_path / folder / "ch").mkdir(parents=True)
        for name in ("a", "b"):
            (tmp_path / folder / "ch" / f"{name}.ipynb").write_text("{}", encoding="utf-8")
    os.utime(tmp_path / "src" / "ch" / "a.ipynb", (2e9, 2e9))  # edited later than executed
    os.utime(tmp_path / "src" / "ch" / "b.ipynb", (1e9, 1e9))
    assert stale_chapters(["ch/a", "ch/b", "ch/md"], tmp_path / "src", tmp_path / "exe") == ["ch/a"]


def test_executed_notebooks_are_read_from_the_build_log():
    log = ("reading sources... chapters/01\n"
           "/x/chapters/01_a.ipynb: Executing notebook using local CWD [mystnb]\n"
           "/x/chapters/01_a.ipynb: Executed notebook in 3.1 seconds [mystnb]\n")
    assert executed_notebooks(log) == ["/x/chapters/01_a.ipynb"]
    assert executed_notebooks("reading sources... done\n") == []


def test_first_pages_take_each_title_after_the_previous_one():
    outline = [("Contents", 0), ("Book", 1), ("1. One", 4), ("Section", 5), ("2. Two long", 9)]
    expected = {"Book": 2, "1. One": 5, "2. Two  long": 10}
    assert first_pages(outline, ["Book", "1. One", "2. Two  long"]) == expected
    # a title also listed earlier (contents page) is taken where the chapter starts
    outline = [("1. One", 0), ("Book", 1), ("1. One", 4)]
    assert first_pages(outline, ["Book", "1. One"]) == {"Book": 2, "1. One": 5}
    with pytest.raises(PdfError, match="'3. Three' is not in the PDF outline"):
        first_pages(outline, ["Book", "3. Three"])


def test_normalize_ignores_wrapping_and_heading_links():
    assert normalize("15. Scaling out: one pipeline on a distributedengine#") == normalize(
        "15. Scaling out: one pipeline on a distributed\n engine")


def test_with_glue_restores_glued_values_hidden_where_myst_nb_reads_them():
    from myst_nb.ext.glue import extract_glue_data

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("text"),
                                         nbformat.v4.new_code_cell("x = 1")])
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="shown\n")]
    glue = {"k": {"output_type": "display_data", "data": {"text/plain": "0.5"},
                  "metadata": {"scrapbook": {"name": "k", "mime_prefix": ""}}}}
    original = json.dumps(nb)
    restored = nbformat.from_dict(with_glue(json.loads(original), glue))
    assert json.dumps(nb) == original, "the input is not modified"
    data = extract_glue_data(restored, [0, 1], logger=None)
    assert data["k"]["data"] == {"text/plain": "0.5"}
    assert [o["output_type"] for o in restored.cells[1].outputs] == ["stream"], "glue stays hidden"
    assert with_glue(json.loads(original), {}) == json.loads(original)
    with pytest.raises(PdfError, match="no code cell"):
        with_glue({"cells": [{"cell_type": "markdown", "source": ""}]}, glue)


def test_execution_off_changes_only_the_execution_mode():
    config = {"title": "t", "execute": {"execute_notebooks": "force", "timeout": 300}}
    assert execution_off(config) == {"title": "t", "execute": {"execute_notebooks": "off", "timeout": 300}}
    assert config["execute"]["execute_notebooks"] == "force"


def test_human_size():
    assert [human_size(n) for n in (12, 1234, 38_812_345)] == ["12 B", "1.2 kB", "38.8 MB"]


def test_singlehtml_translator_gets_the_html_handlers_the_builder_name_lacks():
    from types import SimpleNamespace

    from sphinx.registry import SphinxComponentRegistry

    from scripts.singlehtml_build import create_translator

    class Translator:
        def __init__(self, *args):
            pass

    registry = SphinxComponentRegistry()
    registry.translators["singlehtml"] = Translator
    registry.translation_handlers = {
        "html": {"dropdown": (lambda self, node: "html visit", None),
                 "exercise": (lambda self, node: "html exercise", None)},
        "singlehtml": {"exercise": (lambda self, node: "singlehtml exercise", None)}}
    builder = SimpleNamespace(name="singlehtml", format="html", default_translator_class=Translator)
    translator = create_translator(registry, builder)
    assert translator.visit_dropdown(None) == "html visit", "the html handler fills the gap"
    assert translator.visit_exercise(None) == "singlehtml exercise", "the builder's own handler wins"

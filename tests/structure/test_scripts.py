"""The check scripts themselves: a check that cannot fail checks nothing."""
from __future__ import annotations

import nbformat
import pytest

from scripts.check_determinism import compare
from scripts.check_outputs import stray_outputs
from scripts.run_seeds import with_seed


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def test_with_seed_replaces_the_one_seed_line_of_the_first_code_cell():
    nb = notebook(nbformat.v4.new_markdown_cell("SEED = 0 in prose is left alone"),
                  nbformat.v4.new_code_cell("import numpy as np\nSEED = 0  # drives everything\nx = SEED"),
                  nbformat.v4.new_code_cell("SEED = 0"))
    out = with_seed(nb, 3)
    assert out.cells[1].source == "import numpy as np\nSEED = 3\nx = SEED"
    assert out.cells[0].source.startswith("SEED = 0") and out.cells[2].source == "SEED = 0"
    assert nb.cells[1].source.startswith("import numpy as np\nSEED = 0"), "the input is not modified"


@pytest.mark.parametrize("source", ["SEED = 1", "x = 1", "SEED = 0\nSEED = 0", "SEED = 00"])
def test_with_seed_rejects_a_first_cell_without_exactly_one_seed_line(source):
    with pytest.raises(ValueError, match="SEED = 0"):
        with_seed(notebook(nbformat.v4.new_code_cell(source)), 1)


def _executed(tmp_path, outputs):
    cell = nbformat.v4.new_code_cell("glue('x', 0.5)\nvalue")
    cell.outputs = outputs
    path = tmp_path / "nb.ipynb"
    nbformat.write(notebook(cell), path)
    return path


def test_stray_outputs_flags_an_echoed_number_and_stderr(tmp_path):
    path = _executed(tmp_path, [
        nbformat.v4.new_output("execute_result", data={"text/plain": "0.7786530000117864"},
                               execution_count=1),
        nbformat.v4.new_output("stream", name="stderr", text="ConvergenceWarning: ..."),
    ])
    problems = stray_outputs(path)
    assert len(problems) == 2
    assert "0.7786530000117864" in problems[0] and "stderr" in problems[1]


def test_stray_outputs_accepts_tables_figures_and_prints(tmp_path):
    path = _executed(tmp_path, [
        nbformat.v4.new_output("execute_result", data={"text/plain": "df", "text/html": "<table/>"},
                               execution_count=1),
        nbformat.v4.new_output("display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>"}),
        nbformat.v4.new_output("stream", name="stdout", text="PR-AUC 0.91\n"),
    ])
    assert stray_outputs(path) == []


def _glued(directory, values):
    """An executed notebook in ``directory`` whose cells glue ``values`` the way myst-nb does."""
    directory.mkdir()
    cells = []
    for key, value in values.items():
        cell = nbformat.v4.new_code_cell(f"glue({key!r}, {value!r})")
        cell.outputs = [nbformat.v4.new_output(
            "display_data", data={"application/papermill.record/text/plain": repr(value)},
            metadata={"scrapbook": {"name": key, "mime_prefix": "application/papermill.record/"}})]
        cells.append(cell)
    nbformat.write(notebook(*cells), directory / "ch.ipynb")


def test_determinism_flags_a_changed_value_and_skips_time_and_memory(tmp_path):
    _glued(tmp_path / "a", {"auc": 0.912341, "time_p99": 3.2, "mem_peak_mb": 512.0})
    _glued(tmp_path / "b", {"auc": 0.912344, "time_p99": 9.9, "mem_peak_mb": 777.0})
    _glued(tmp_path / "c", {"auc": 0.95, "time_p99": 3.2, "mem_peak_mb": 512.0})
    assert compare(tmp_path / "a", tmp_path / "b") == []  # equal to 4 significant digits
    problems = compare(tmp_path / "a", tmp_path / "c")
    assert len(problems) == 1 and "'auc'" in problems[0]

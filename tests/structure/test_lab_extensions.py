"""The learner's JupyterLab: the MyST extension that renders dropdowns must be compatible.

`jupyter labextension list` marks an extension whose shared packages do not match the installed
JupyterLab with an X ("is not compatible with the current JupyterLab"); it then may not load,
and the chapters' interview answers show as raw ":::{dropdown}" text.
"""
import re
import subprocess
import sys
from pathlib import Path

import pytest


def test_jupyterlab_myst_is_enabled_and_compatible():
    jupyter = Path(sys.executable).with_name("jupyter")
    if not jupyter.exists():
        pytest.skip("jupyter is not installed next to this Python")
    out = subprocess.run([str(jupyter), "labextension", "list"], capture_output=True, text=True,
                         timeout=120)
    text = re.sub(r"\x1b\[[0-9;]*m", "", out.stdout + out.stderr)
    line = next((ln for ln in text.splitlines() if "jupyterlab-myst" in ln and " v" in ln), None)
    assert line is not None, f"jupyterlab-myst is not installed:\n{text}"
    assert "enabled" in line and "OK" in line, f"jupyterlab-myst is not usable:\n{text}"
    assert "not compatible" not in text, text

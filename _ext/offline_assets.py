"""Sphinx extension: a book that reads offline and logs no console error.

1. MathJax from the built site instead of a CDN. The book must read with no network, and
   Sphinx's default MathJax comes from a CDN. This extension copies the MathJax 2.7
   distribution that ships inside the ``jupyter-server-mathjax`` package (Project Jupyter's
   offline MathJax) into ``_static/mathjax`` of the HTML output. ``_config.yml`` points
   ``mathjax_path`` at that copy and selects MathJax's NativeMML output: the browser draws the
   MathML, so no web font is fetched (the package ships only STIX-Web fonts, and MathJax's font
   probe would log a console error).

2. Each inline script once. Jupyter Book 1 always loads sphinx-thebe, whose
   ``init_thebe_core`` registers ``const THEBE_JS_URL = ...`` as an inline script on every
   ``env-before-read-docs``; when it runs twice the page declares the constant twice and the
   browser logs "Identifier 'THEBE_JS_URL' has already been declared". Identical script entries
   are dropped from each page's context before it is rendered.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import jupyter_server_mathjax


def mathjax_source() -> Path:
    """The folder holding ``MathJax.js`` inside the installed package."""
    return Path(jupyter_server_mathjax.__file__).parent / "static"


def _copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "mathjax"
    if not (target / "MathJax.js").exists():
        shutil.copytree(mathjax_source(), target, dirs_exist_ok=True)


def _script_key(script):
    attributes = getattr(script, "attributes", {}) or {}
    # An inline script is registered with filename None by some extensions and "" by others.
    return (getattr(script, "filename", str(script)) or "", tuple(sorted(attributes.items())))


def _unique_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    if not (mathjax_source() / "MathJax.js").exists():
        raise RuntimeError("jupyter-server-mathjax is installed without MathJax.js")
    app.connect("build-finished", _copy_mathjax)
    app.connect("html-page-context", _unique_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}

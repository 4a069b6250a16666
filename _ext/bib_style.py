"""Sphinx extension: author-year citations in round brackets, "(He et al., 2014)".

sphinxcontrib-bibtex's ``author_year`` reference style puts citations in square brackets,
"[He et al., 2014]" and "He et al. [2014]", which reads like a numbered reference. This module
registers the same style with round brackets under the name ``author_year_round``, selected by
``bibtex_reference_style`` in ``_config.yml``. The plugin is registered when Sphinx imports the
extension, before sphinxcontrib-bibtex reads its configuration.
"""
from __future__ import annotations

import dataclasses

import sphinxcontrib.bibtex.plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

STYLE_NAME = "author_year_round"


def _round() -> BracketStyle:
    return BracketStyle(left="(", right=")")


@dataclasses.dataclass
class RoundAuthorYearReferenceStyle(AuthorYearReferenceStyle):
    """``author_year`` with "(" and ")" for every kind of citation."""

    bracket_parenthetical: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_textual: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_author: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_label: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_year: BracketStyle = dataclasses.field(default_factory=_round)


sphinxcontrib.bibtex.plugin.register_plugin(
    "sphinxcontrib.bibtex.style.referencing", STYLE_NAME, RoundAuthorYearReferenceStyle)


def setup(app):
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx extension: words, not emoji, in myst-nb's execution statistics table.

myst-nb's ``{nb-exec-table}`` marks each notebook's status with "✅" or "❌". Without a colour-emoji
font (Debian's Chromium in CI prints the PDF with none) both render as an empty box. This
post-transform, which runs after myst-nb has built the table, writes "passed" and "failed".
"""
from __future__ import annotations

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

WORDS = {"✅": "passed", "❌": "failed"}


class ExecTableStatusWords(SphinxPostTransform):
    """Replace the status emoji of execution tables by words."""

    default_priority = 20  # after myst-nb's ExecutionStatsPostTransform (8)

    def run(self, **kwargs) -> None:
        for table in self.document.findall(nodes.table):
            for text in list(table.findall(nodes.Text)):
                if str(text) in WORDS:
                    text.parent.replace(text, nodes.Text(WORDS[str(text)]))


def setup(app):
    app.add_post_transform(ExecTableStatusWords)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

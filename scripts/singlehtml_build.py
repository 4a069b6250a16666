"""``jupyter-book build`` with one fix for the single-page builder; same arguments as the CLI.

Run as ``python scripts/singlehtml_build.py . --builder singlehtml -W -n --keep-going``
(``scripts/build_pdf.py`` does). Everything else is jupyter-book's own ``build`` command, with the
book's ``_config.yml``, so the configuration Sphinx sees is the HTML build's and the doctrees in
``_build/.doctrees`` stay valid (nothing is read, nothing is executed again).

The fix: Sphinx looks up the handlers of extension nodes by builder *name* first and falls back to
the builder *format* only when no extension registered any handler under that name.
sphinx-exercise registers its nodes for ``singlehtml`` by name, so every other extension's HTML
handlers (sphinx-design dropdowns and cards, myst-nb outputs, ...) were dropped and the build
stopped on "unknown node type: dropdown_main". Here the ``html`` handlers fill the gaps.
"""
from __future__ import annotations

import sys
from types import MethodType

from sphinx.registry import SphinxComponentRegistry

_create_translator = SphinxComponentRegistry.create_translator


def create_translator(self, builder, *args):
    """Sphinx's translator, plus the format's handlers of nodes that the builder name lacks."""
    translator = _create_translator(self, builder, *args)
    by_name = self.translation_handlers.get(builder.name, {})
    for name, (visit, depart) in self.translation_handlers.get(builder.format, {}).items():
        if name not in by_name:
            setattr(translator, f"visit_{name}", MethodType(visit, translator))
            if depart:
                setattr(translator, f"depart_{name}", MethodType(depart, translator))
    return translator


def main(argv: list[str]) -> int:
    """Run ``jupyter-book build`` with ``argv`` and the handler fix in place."""
    SphinxComponentRegistry.create_translator = create_translator
    from jupyter_book.cli.main import main as jupyter_book

    return jupyter_book.main(args=["build", *argv], prog_name="jupyter-book", standalone_mode=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

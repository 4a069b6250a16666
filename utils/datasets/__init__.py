"""Seeded data for the case studies, one module per case study.

Nothing is downloaded: bundled scikit-learn data sets or generators that draw from a seeded
NumPy ``Generator``. Each module's docstring tells its generative story, the hidden structure a
model can learn and the chapter explains. The functions are re-exported here, so chapters write
``datasets.make_visual_search_data(...)``.

Modules: :mod:`~utils.datasets.cancer` (chapter 01), :mod:`~utils.datasets.visual_search` (02).
"""
from .cancer import load_cancer_screening
from .visual_search import VisualSearchData, make_ann_benchmark, make_visual_search_data

__all__ = [
    "load_cancer_screening",
    "VisualSearchData",
    "make_visual_search_data",
    "make_ann_benchmark",
]

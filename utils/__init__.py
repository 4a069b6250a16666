"""Shared, tested helpers for *ML System Design, Executable*.

One module per concern; the chapters import what they need::

    from utils import metrics, drift, retrieval, serving, capacity, experiments, datasets, plotting
    from utils import print_environment
    from utils.book import glue          # paste computed numbers into the prose
"""
from . import book, capacity, datasets, drift, experiments, metrics, plotting, retrieval, serving
from .environment import environment_info, print_environment

__all__ = [
    "book",
    "capacity",
    "datasets",
    "drift",
    "experiments",
    "metrics",
    "plotting",
    "retrieval",
    "serving",
    "environment_info",
    "print_environment",
]
__version__ = "0.1.0"

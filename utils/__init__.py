"""Shared, tested helpers for *ML System Design, Executable*.

One module per concern; the chapters import what they need::

    from utils import metrics, drift, retrieval, serving, capacity, experiments, datasets, plotting
    from utils import detection          # box IoU, NMS, COCO-style average precision
    from utils import fusion             # late fusion of retrieval branches (chapter 04)
    from utils import rerank             # diversity re-ranking: a per-genre cap (chapter 06)
    from utils import features           # point-in-time window aggregates (chapter 08)
    from utils import sampling           # negative downsampling and its correction (07, 08)
    from utils import print_environment
    from utils.book import glue          # paste computed numbers into the prose
"""
from . import (
    book,
    capacity,
    datasets,
    detection,
    drift,
    experiments,
    features,
    fusion,
    metrics,
    plotting,
    rerank,
    retrieval,
    sampling,
    serving,
)
from .environment import environment_info, peak_memory_mb, print_environment

__all__ = [
    "book",
    "capacity",
    "datasets",
    "detection",
    "drift",
    "experiments",
    "features",
    "fusion",
    "metrics",
    "plotting",
    "rerank",
    "retrieval",
    "sampling",
    "serving",
    "environment_info",
    "peak_memory_mb",
    "print_environment",
]
__version__ = "0.1.0"

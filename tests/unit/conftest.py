"""Shared set-up of the unit tests of ``utils``.

* Matplotlib draws off-screen (Agg) and every figure is closed after each test.
* FAISS and scikit-learn run single-threaded: with pytest-xdist on 2 cores, one OpenMP pool per
  worker would oversubscribe the machine, and HNSW results are only reproducible single-threaded.
"""
import os

import matplotlib
import matplotlib.pyplot as plt
import pytest

os.environ.setdefault("OMP_NUM_THREADS", "1")
matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(autouse=True, scope="session")
def _single_threaded_faiss():
    import faiss

    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    yield
    faiss.omp_set_num_threads(before)

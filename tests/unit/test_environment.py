"""Unit tests of ``utils.environment``: what the notebooks print in their last cell."""
import platform
from importlib import metadata

import pytest

import utils
from utils import environment_info, print_environment


def test_environment_info_keys_and_versions():
    info = environment_info()
    for key in ("python", "platform", "cpu_count", "OMP_NUM_THREADS", "numpy", "scipy", "pandas",
                "scikit-learn", "faiss-cpu", "matplotlib"):
        assert key in info
    assert info["python"] == platform.python_version()
    assert info["numpy"] == metadata.version("numpy")
    assert info["faiss-cpu"] == metadata.version("faiss-cpu")
    assert info["cpu_count"] is None or info["cpu_count"] >= 1
    assert "threadpools" in info  # threadpoolctl ships with scikit-learn


def test_environment_info_reads_omp_num_threads(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert environment_info()["OMP_NUM_THREADS"] == "3"
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert environment_info()["OMP_NUM_THREADS"] == "unset"


def test_environment_info_custom_packages():
    info = environment_info(["numpy", "surely-not-a-real-package-xyz"])
    assert info["numpy"] == metadata.version("numpy")
    assert info["surely-not-a-real-package-xyz"] == "not installed"
    assert "faiss-cpu" not in info


def test_environment_info_rejects_a_string():
    with pytest.raises(TypeError, match="packages"):
        environment_info("numpy")


def test_print_environment_prints_aligned_lines(capsys):
    print_environment()
    lines = capsys.readouterr().out.splitlines()
    info = environment_info()
    assert len(lines) == len(info)
    assert any(line.startswith("faiss-cpu") and metadata.version("faiss-cpu") in line for line in lines)
    assert any(line.startswith("python") and platform.python_version() in line for line in lines)
    assert len({line.index(" : ") for line in lines}) == 1  # values aligned in one column


def test_print_environment_custom_packages(capsys):
    print_environment(["numpy"])
    out = capsys.readouterr().out
    assert "numpy" in out and "faiss-cpu" not in out
    with pytest.raises(TypeError, match="packages"):
        print_environment("numpy")


def test_package_exports():
    assert utils.print_environment is print_environment
    for name in utils.__all__:
        assert hasattr(utils, name)
    assert utils.__version__ == "0.1.0"


def test_peak_memory_grows_with_a_large_allocation_and_counts_children():
    import subprocess
    import sys

    import numpy as np

    from utils import peak_memory_mb
    before = peak_memory_mb()
    block = np.ones(64 * 2**20 // 8)  # 64 MiB, touched
    assert block.sum() > 0
    assert peak_memory_mb() >= before
    assert peak_memory_mb() > 64
    # A terminated child that peaked above this process is what the function reports.
    target = int(peak_memory_mb()) + 200
    child = f"b = bytearray({target} * 2**20); b[::4096] = b'x' * len(b[::4096])"
    subprocess.run([sys.executable, "-c", child], check=True)
    assert peak_memory_mb() >= target

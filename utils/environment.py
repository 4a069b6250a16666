"""What the notebook ran on, so a reader can compare their timings with the book's."""
from __future__ import annotations

import os
import platform
import resource
import sys
from importlib import metadata

__all__ = ["environment_info", "print_environment", "peak_memory_mb"]

_PACKAGES = ("numpy", "scipy", "pandas", "scikit-learn", "faiss-cpu", "matplotlib")


def environment_info(packages=_PACKAGES) -> dict:
    """Python, platform, CPU count, thread settings and package versions.

    Parameters
    ----------
    packages : iterable of str
        Distribution names to report; a missing one is reported as ``"not installed"``.

    Returns
    -------
    dict
    """
    if isinstance(packages, str):
        raise TypeError("packages must be an iterable of distribution names, not a string")
    info = {"python": platform.python_version(), "platform": platform.platform(terse=True),
            "cpu_count": os.cpu_count(),
            "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "unset")}
    try:
        from threadpoolctl import threadpool_info
        info["threadpools"] = ", ".join(sorted({f"{p['internal_api']}={p['num_threads']}"
                                                for p in threadpool_info()}))
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        pass
    for name in packages:
        try:
            info[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            info[name] = "not installed"
    return info


def print_environment(packages=_PACKAGES) -> None:
    """Print :func:`environment_info` as aligned ``key: value`` lines."""
    info = environment_info(packages)
    width = max(map(len, info))
    for key, value in info.items():
        print(f"{key:<{width}} : {value}", file=sys.stdout)


def peak_memory_mb() -> float:
    """Peak resident memory, in MiB, of the largest process this one has run so far.

    The maximum of this process's peak resident set size and that of its largest terminated child
    (``getrusage``'s ``ru_maxrss`` for ``RUSAGE_SELF`` and ``RUSAGE_CHILDREN``): in a notebook,
    the kernel, or a worker process it started and closed (chapter 15's Dask workers). It is the
    quantity ``scripts/bench.py`` reports for a whole notebook run, read from inside the kernel.

    Returns
    -------
    float
        Mebibytes (2**20 bytes).

    Examples
    --------
    >>> peak_memory_mb() > 1
    True
    """
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return peak * scale / 2**20

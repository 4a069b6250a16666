"""What the notebook ran on, so a reader can compare their timings with the book's."""
from __future__ import annotations

import os
import platform
import sys
from importlib import metadata

__all__ = ["environment_info", "print_environment"]

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

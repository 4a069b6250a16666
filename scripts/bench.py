"""Notebook benchmark: run each chapter in a fresh kernel, report wall time and peak memory.

Usage: python scripts/bench.py [--out DIR] [NOTEBOOK ...]

Each notebook runs in a child process (which starts the kernel); ``os.wait4`` returns that
child's resource usage, whose ``ru_maxrss`` is the peak resident memory of the largest process
in the tree (the kernel). The executed notebooks are written to DIR so that
``scripts/check_determinism.py`` can compare their glued values with another run's. Budgets
(60 s, 2 GB on 2 cores) are reported, never asserted: timings are noisy.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from toc import ROOT, toc_notebooks  # noqa: E402

TIME_BUDGET_S = 60
MEMORY_BUDGET_MB = 2048


def run_one(src: Path, dest: Path, timeout: int = 300) -> None:
    """Run ``src`` top to bottom in a new ``python3`` kernel, in its own folder, and save it."""
    nb = nbformat.read(src, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(src.parent)}}).execute()
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dest)


def measure(src: Path, dest: Path) -> tuple[float, float, int]:
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--run-one", str(src), str(dest)])
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return wall, usage.ru_maxrss * scale / 2**20, proc.returncode


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "bench")
    parser.add_argument("--run-one", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run_one:
        run_one(*args.run_one)
        return 0
    notebooks = [p.resolve() for p in args.notebooks] or toc_notebooks()
    rows, failed = [], []
    for nb in notebooks:
        dest = args.out / nb.name
        wall, peak, code = measure(nb, dest)
        ok = code == 0 and wall <= TIME_BUDGET_S and peak <= MEMORY_BUDGET_MB
        status = "error" if code else ("ok" if ok else "OVER BUDGET")
        if code:
            failed.append(nb.name)
        rows.append(f"| {nb.relative_to(ROOT)} | {wall:.1f} | {peak:.0f} | {status} |")
        print(f"{nb.name}: {wall:.1f} s, {peak:.0f} MB, {status}", flush=True)
    cores = os.cpu_count()
    table = "\n".join([
        f"Notebook benchmark ({cores} cores; budgets {TIME_BUDGET_S} s and {MEMORY_BUDGET_MB} MB; "
        "wall time includes kernel start-up and imports)", "",
        "| notebook | wall time (s) | peak memory (MB) | status |",
        "| --- | ---: | ---: | --- |", *rows, ""])
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.md").write_text(table, encoding="utf-8")
    print()
    print(table)
    if failed:
        print(f"bench: these notebooks raised: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

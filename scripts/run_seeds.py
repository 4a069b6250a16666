"""Run chapters at other seeds: every asserted lesson must hold at seeds 0-4, not only at 0.

Usage: python scripts/run_seeds.py [--seeds 1 2 3 4] [--out DIR] [--jobs N] [NOTEBOOK ...]

For each notebook (default: every chapter in _toc.yml) and each seed, the line ``SEED = 0`` of
the first code cell is replaced by ``SEED = <seed>`` and the notebook runs top to bottom in a
fresh kernel, in its own folder. A notebook without exactly one such line is an error (the seed
must drive everything from one place). Exits 1 if any run raises, naming the notebook, the seed
and the error; the executed copies land in DIR (``NAME.seedN.ipynb``) for inspection.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from toc import ROOT, toc_notebooks  # noqa: E402

SEED_LINE = re.compile(r"(?m)^SEED = 0\s*(#.*)?$")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
KERNEL_START_ATTEMPTS = 3


def with_seed(nb: nbformat.NotebookNode, seed: int) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose first code cell sets ``SEED = seed`` instead of ``SEED = 0``."""
    nb = nbformat.from_dict(nb)
    first = next((c for c in nb.cells if c.cell_type == "code"), None)
    if first is None or len(SEED_LINE.findall(first.source)) != 1:
        raise ValueError("the first code cell must contain exactly one line 'SEED = 0'")
    first.source = SEED_LINE.sub(f"SEED = {seed}", first.source)
    return nb


def run(src: Path, seed: int, out: Path, timeout: int = 300) -> tuple[str, int, float, str]:
    """Execute ``src`` at ``seed``; return (name, seed, seconds, error or '')."""
    start = time.perf_counter()
    error = ""
    nb = nbformat.read(src, as_version=4)
    try:
        nb = with_seed(nb, seed)
        for attempt in range(KERNEL_START_ATTEMPTS):
            try:
                NotebookClient(nb, timeout=timeout, kernel_name="python3",
                               resources={"metadata": {"path": str(src.parent)}}).execute()
                break
            except RuntimeError as exc:
                # Two kernels started at once can draw the same free TCP port ("Address already
                # in use"): the kernel dies before any cell ran. Start it again; a chapter that
                # fails once running raises CellExecutionError instead and is never retried.
                if "before replying to kernel_info" not in str(exc) or attempt == KERNEL_START_ATTEMPTS - 1:
                    raise
    except CellExecutionError as exc:
        # The last lines of the traceback name the failed assert or the exception.
        lines = [ln for ln in ANSI.sub("", str(exc)).splitlines() if ln.strip()]
        error = "\n    ".join(lines[-6:])
    except Exception as exc:  # noqa: BLE001 - report every failure, then fail the run
        error = f"{type(exc).__name__}: {exc}"
    out.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out / f"{src.stem}.seed{seed}.ipynb")
    return src.name, seed, time.perf_counter() - start, error


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3, 4])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "seeds")
    parser.add_argument("--jobs", type=int, default=1, help="notebooks run at once (default 1)")
    args = parser.parse_args(argv)
    notebooks = [p.resolve() for p in args.notebooks] or toc_notebooks()
    runs = [(nb, seed) for nb in notebooks for seed in args.seeds]
    failed = []
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run, nb, seed, args.out) for nb, seed in runs]
        for fut in futures:
            name, seed, seconds, error = fut.result()
            status = "FAILED" if error else "ok"
            print(f"{name} at SEED = {seed}: {status} ({seconds:.1f} s)", flush=True)
            if error:
                print(f"    {error}", flush=True)
                failed.append(f"{name}@{seed}")
    print(f"seeds: {len(runs) - len(failed)} passed, {len(failed)} failed")
    if failed:
        print(f"seeds: failed runs: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env bash
# Every check CI runs, in order. `make test` runs this inside scripts/offline.sh (network cut).
# One execution of each notebook serves several checks: nbval (errors and asserts), the book
# build (rendering), and the benchmark run, whose executed copies the determinism check compares
# with the book build's.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONHASHSEED=0
unset MLSD_DASK_SCHEDULER   # chapter 15 runs on its own LocalCluster in every check
step() { printf '\n==== %s ====\n' "$*"; }

step "lint: ruff over utils, tests, scripts and notebooks"
ruff check .

if [ -f ../shared/check_course.py ]; then
  step "course contract: ../shared/check_course.py"
  out=$(python3 ../shared/check_course.py .) || { echo "$out"; exit 1; }
fi

step "unit tests, docstring examples and structure tests"
python -m pytest tests/unit tests/structure utils --doctest-modules -q -n 2

step "notebooks under nbval (network cut: see the no-network check)"
# One notebook's cells stay on one worker (loadscope); one BLAS/OpenMP thread per worker.
OMP_NUM_THREADS=1 python -m pytest --nbval-lax --nbval-current-env -n 2 --dist loadscope \
  -q chapters tests/offline

step "book: clean build, warnings as errors, nitpicky"
bash scripts/build_book.sh

step "clean output: no stray values under cells of the built chapters"
python scripts/check_outputs.py _build/jupyter_execute/chapters

step "pdf: the whole book printed by Chromium from the book build's executed notebooks (no kernel starts)"
python scripts/build_pdf.py

step "pdf: every chapter, the contents page, figures, math; the landing page's link to the PDF"
python -m pytest tests/pdf -q -p no:xdist

step "benchmark: each chapter once more in a fresh kernel"
python scripts/bench.py --out _build/bench

step "determinism: glued values of the benchmark run against the book build's"
python scripts/check_determinism.py _build/jupyter_execute/chapters _build/bench

step "seeds: every chapter at SEED = ${CI_SEEDS:-1 2} (every asserted lesson must hold; make seeds runs 1-4)"
# shellcheck disable=SC2086
OMP_NUM_THREADS=1 python scripts/run_seeds.py --seeds ${CI_SEEDS:-1 2} --jobs 2

step "browser: the built book in Chromium"
python -m pytest tests/browser -q -p no:xdist

step "benchmark table (printed, never asserted)"
cat _build/bench/bench.md

#!/usr/bin/env bash
# Build the HTML book from clean, executing every chapter, with Sphinx warnings as errors.
# A notebook that raises fails the build (nb_execution_raise_on_error in _config.yml).
set -euo pipefail
cd "$(dirname "$0")/.."
# Chapter 15 connects to MLSD_DASK_SCHEDULER when it is set; the book is always built on the
# notebook's own LocalCluster, so its numbers come from this machine.
unset MLSD_DASK_SCHEDULER
jupyter-book clean --all . >/dev/null
# -W: warnings are errors; -n: nitpicky (every reference must resolve); --keep-going: report all.
if ! jupyter-book build . --builder html -W -n --keep-going; then
  echo "::error:: the book build failed; execution reports follow" >&2
  for log in _build/html/reports/*.log _build/html/reports/*/*.log; do
    [ -f "$log" ] && { echo "=== $log" >&2; cat "$log" >&2; }
  done
  exit 1
fi

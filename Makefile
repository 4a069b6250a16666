# One command each, from a fresh clone: `make book`, `make test`, `make lab`, `make bench`.
# Every target first creates .venv and installs the pinned requirements and utils (once;
# again whenever requirements.txt or pyproject.toml change).
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SEEDS ?= 1 2 3 4

.PHONY: setup book pdf test lab bench seeds lint clean help
help:
	@echo "make book   build the HTML book from clean into _build/html (set-up included)"
	@echo "make pdf    print the whole book to _build/pdf/ml-system-design-executable.pdf (reuses make book's run)"
	@echo "make test   run every check CI runs (set-up included)"
	@echo "make lab    open the chapters in JupyterLab"
	@echo "make bench  time each notebook in a fresh kernel (wall time, peak memory)"
	@echo "make seeds  run every chapter at SEED = 1, 2, 3, 4 (every asserted lesson must hold)"

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python >= 3.11 is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

setup: $(STAMP)

book: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/build_book.sh
	@echo "The book is in _build/html/index.html"

pdf: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python scripts/build_pdf.py

test: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/offline.sh bash scripts/checks.sh

lab: setup
	$(BIN)/jupyter lab $$( [ "$$(id -u)" = 0 ] && echo --allow-root ) chapters/

bench: setup
	$(BIN)/python scripts/bench.py

seeds: setup
	OMP_NUM_THREADS=1 $(BIN)/python scripts/run_seeds.py --seeds $(SEEDS) --jobs 2

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf _build

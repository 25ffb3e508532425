# Two commands on a fresh machine with Python 3.11+:
#   make lab    create .venv from the lock file and open JupyterLab at the first lesson
#   make test   create the same .venv and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lab test check env lint data-check benchmarks lock clean labextension hub

env: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; found " + sys.version.split()[0] + ". Run: make PYTHON=python3.12 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

# JupyterLab with the course's settings (jupyter/: first lesson, chart renderer, deck extension,
# save hook, terminals' PATH).
lab: $(STAMP)
	$(BIN)/course lab

# A JupyterHub for a class on this machine, as root (INSTRUCTORS.md, section 6): install or
# update it under /opt/alliances-course-hub, then run it until Ctrl+C.
hub: $(STAMP)
	$(BIN)/course hub install
	$(BIN)/course hub start

# The whole suite on one worker more than there are cores (at most 6: each may run a
# JupyterLab, a kernel and a Chromium page): a browser test spends part of its time waiting
# for the page, and the extra worker fills it (on 2 cores, 11 min instead of 12.5). A test
# module goes to one worker (pyproject.toml's --dist loadfile, so a plain `pytest -n 2`
# keeps a module together too).
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1; print(min(6, cores + 1))')
test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --maxprocesses 6

# The quick tier for the inner loop: everything but the browser and the slow tests
# (notebooks executed, classes graded), about 2 minutes on two cores, a worker per core.
# Its tests are short and share little, so they are spread test by test (--dist load).
CHECK_WORKERS ?= auto
check: $(STAMP)
	$(BIN)/python -m pytest -n $(CHECK_WORKERS) --maxprocesses 6 --dist load -m "not browser and not slow"

lint: $(STAMP)
	$(BIN)/ruff check course tests benchmarks scripts

data-check: $(STAMP)
	$(BIN)/course data validate
	$(BIN)/course data build --check

benchmarks: $(STAMP)
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Maintainers: re-pin after editing pyproject.toml, then keep environment.yml in step.
lock:
	uv pip compile --universal --python-version 3.11 pyproject.toml --extra dev \
		-o requirements.lock --no-header --no-annotate
	$(PYTHON) scripts/sync_environment.py

# Maintainers: rebuild the course's Vega-Lite renderer after changing jupyter/vega-renderer
# (needs Node.js and npm; the built files in jupyter/labextensions are committed, so
# students and CI never need Node).
labextension: $(STAMP)
	cd jupyter/vega-renderer && npm ci && PATH="$(CURDIR)/$(BIN):$$PATH" npm run build

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts

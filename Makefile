# One entry point: `make serve` to write, `make test` to check. Both set up on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Material prints a banner about its successor on every build; it is noise in logs and tests.
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup serve docs test lint bench bench-pages outputs lock clean

# The exact versions to install with. The weekly drift workflow sets SINFIT_CONSTRAINTS to
# nothing, to build and test with the newest releases that pyproject.toml's ranges allow.
# Exported: tests/fresh_venv.py installs its venvs with the same file.
SINFIT_CONSTRAINTS ?= constraints.txt
export SINFIT_CONSTRAINTS
PIP_CONSTRAINTS := $(if $(SINFIT_CONSTRAINTS),-c $(SINFIT_CONSTRAINTS))

# The offline workflow validator (package.json, pinned in package-lock.json). Without npm it is
# left out and tests/unit/test_workflows.py skips, saying why; in CI that test fails instead.
NODE_STAMP := node_modules/.installed
NODE_SETUP := $(if $(shell command -v npm 2>/dev/null),$(NODE_STAMP))

# The virtual environment, rebuilt whenever the dependencies change: what was tested, file for
# file. requirements.lock holds every package with its hashes (pip refuses any other file), so
# --no-deps: pip installs exactly the lock and resolves nothing. torch, whose CPU wheel PyPI does
# not hold, comes next by its exact version in constraints.txt (requirements.lock's header says
# why it has no hash); then sinfit itself, built with the locked setuptools (no isolated build
# fetching an unlocked one), and `pip check`, which fails if the lock misses a dependency.
# Any other SINFIT_CONSTRAINTS installs unhashed under that file; the drift canary sets it empty,
# for the newest releases that the ranges allow.
$(STAMP): pyproject.toml constraints.txt requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
ifeq ($(SINFIT_CONSTRAINTS),constraints.txt)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -c constraints.txt torch
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
else
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(PIP_CONSTRAINTS) -e '.[docs,test]'
endif
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(STAMP) $(NODE_SETUP)

serve: $(STAMP)  ## serve both languages at http://127.0.0.1:8000/sinfit/ with live reload
	$(BIN)/mkdocs serve

docs: $(STAMP)  ## build the static site into site/
	$(BIN)/mkdocs build --strict

test: $(STAMP) $(NODE_SETUP)  ## lint, unit, packaging, workflow, snippet, cache, gate, browser tests
	$(BIN)/ruff check sinfit tests extensions benchmarks
	$(BIN)/python -m pytest

bench: $(STAMP)  ## build-time benchmark (prints ratios to the floor)
	$(BIN)/python benchmarks/build_times.py

# Lighthouse for bench-pages only (not a test tool): its own folder, pinned in its lock file.
LIGHTHOUSE_STAMP := benchmarks/lighthouse/node_modules/.installed
$(LIGHTHOUSE_STAMP): benchmarks/lighthouse/package.json benchmarks/lighthouse/package-lock.json
	npm ci --prefix benchmarks/lighthouse --no-audit --no-fund --loglevel=error
	touch $@

bench-pages: $(STAMP) $(LIGHTHOUSE_STAMP)  ## Lighthouse on every page, both languages, uncompressed
	$(BIN)/python benchmarks/pages.py

outputs: $(STAMP)  ## rewrite each tutorial's hidden expected-output block from its execution
	$(BIN)/python -m extensions.sitebuild.outputs

# Installs what pyproject.toml asks for under the current pins (a new requirement gets its newest
# release in range; to move a pin, delete its line from constraints.txt first), then writes
# constraints.txt and requirements.lock (with PyPI's hashes) from that environment.
lock:  ## re-pin constraints.txt and requirements.lock after changing pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[docs,test]'
	$(BIN)/python .ci/lock.py

clean:  ## remove the built site, the execution cache and build outputs
	rm -rf site .cache .pytest_cache .hypothesis build dist

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

# The virtual environment, rebuilt whenever the dependencies change.
# constraints.txt pins every version; torch==2.13.0 there keeps pip on the CPU wheel.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(PIP_CONSTRAINTS) -e '.[docs,test]'
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

lock: $(STAMP)  ## re-pin constraints.txt from the current environment
	grep '^#' constraints.txt > constraints.new
	$(BIN)/python -m pip freeze --exclude-editable | sed 's/^torch==\(.*\)+cpu/torch==\1/' >> constraints.new
	mv constraints.new constraints.txt

clean:  ## remove the built site, the execution cache and build outputs
	rm -rf site .cache .pytest_cache .hypothesis build dist

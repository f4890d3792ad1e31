# One entry point: `make serve` to write, `make test` to check. Both set up on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Material prints a banner about its successor on every build; it is noise in logs and tests.
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup serve docs test lint bench lock clean

# The virtual environment, rebuilt whenever the dependencies change.
# constraints.txt pins every version; torch==2.13.0 there keeps pip on the CPU wheel.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[docs,test]'
	touch $@

setup: $(STAMP)

serve: $(STAMP)  ## serve both languages at http://127.0.0.1:8000/sinfit/ with live reload
	$(BIN)/mkdocs serve

docs: $(STAMP)  ## build the static site into site/
	$(BIN)/mkdocs build --strict

test: $(STAMP)  ## lint, unit, snippet, cache, gate and browser tests
	$(BIN)/ruff check sinfit tests extensions benchmarks
	$(BIN)/python -m pytest

bench: $(STAMP)  ## build-time benchmark (prints ratios to the floor)
	$(BIN)/python benchmarks/build_times.py

lock: $(STAMP)  ## re-pin constraints.txt from the current environment
	grep '^#' constraints.txt > constraints.new
	$(BIN)/python -m pip freeze --exclude-editable | sed 's/^torch==\(.*\)+cpu/torch==\1/' >> constraints.new
	mv constraints.new constraints.txt

clean:  ## remove the built site and the execution cache
	rm -rf site .cache .pytest_cache .hypothesis

# Two commands for a newcomer (see README.md):
#   make demo   set up everything (venv, package, model assets) and run on corpus/samples
#   make test   set up everything and run the whole test suite
# Every step is idempotent: a second run only redoes what changed.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.finnews-installed
OUT    ?= out/samples

.PHONY: setup demo test clean-cache

setup: $(STAMP)
	$(BIN)/finnews models build-base

# torch first, pinned: 2.13.0 is a local CPU wheel; anything looser pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: setup
	$(BIN)/finnews run corpus/samples --out $(OUT)

test: setup
	$(BIN)/python -m pytest -q

clean-cache:
	rm -rf .cache
